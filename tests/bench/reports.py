"""The yearly report's full build (every indicator with every breakdown, then XLSX, DOCX and
PDF) against the indicators' hand-written SQL (one query per indicator and breakdown), timed
alternately in one process; and its peak memory for two years with different numbers of
records (flat: the files grow with the number of groups, never with the records)."""

import time
import tracemalloc
from collections.abc import Callable
from importlib import import_module
from statistics import median

from programs.models import ReportNarrative
from programs.report_figures import report_content
from programs.reports import REPORT_KINDS, report_file, report_snapshot
from standards.models import Certificate

from .certificates import SkipMeasure
from .measures import Measure

#: Where the indicators' hand-written SQL lives (their bench), and the names it may have.
SQL_MODULE = "tests.bench.indicators"
SQL_FUNCTIONS = ("figures_sql",)


def report_build(year: int) -> int:
    """What the job's handler does, without the job row: the snapshot and the three files
    (kept in memory). How many files were written."""
    content = report_content(report_snapshot(year))
    return sum(1 for kind in REPORT_KINDS if report_file(kind, content))


def sql_baseline() -> Callable[[int], object]:
    try:
        module = import_module(SQL_MODULE)
    except ImportError:
        module = None
    function = next((getattr(module, n) for n in SQL_FUNCTIONS if hasattr(module, n)), None)
    if function is None:
        raise SkipMeasure(
            f"the indicators' hand-written SQL ({SQL_MODULE}: one of {', '.join(SQL_FUNCTIONS)}) "
            "is not on this branch"
        )
    return function


def _alternate(year: int, baseline: Callable[[int], object], repeat: int):
    report_build(year), baseline(year)  # warm the caches
    times: dict[str, list[float]] = {"report": [], "sql": []}
    pair = [("report", report_build), ("sql", baseline)]
    for round_ in range(repeat):
        for name, function in pair if round_ % 2 == 0 else reversed(pair):
            started = time.perf_counter()
            function(year)
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def report_build_against_sql(year: int, repeat: int) -> Measure:
    baseline = sql_baseline()
    ReportNarrative.objects.filter(year=year).delete()  # the figures only, as on a new year
    times = _alternate(year, baseline, repeat)
    report_ms, sql_ms = median(times["report"]), median(times["sql"])
    ratio = report_ms / sql_ms if sql_ms else float("nan")
    return Measure(
        name=f"full report build of {year} (snapshot, XLSX, DOCX, PDF) against the SQL queries",
        value=report_ms,
        baseline=sql_ms,
        unit="ms",
        goal="≤ 1.5× the hand-written SQL",
        passed=ratio <= 1.5,
        details={
            "report_p50_ms": f"{report_ms:.0f}",
            "sql_p50_ms": f"{sql_ms:.0f}",
            "runs": repeat,
        },
    )


def report_build_against_snapshot(year: int, repeat: int) -> Measure:
    """The build against computing its figures alone (``indicators.snapshot``): what writing
    the three files adds. With the indicators' own goal (snapshot ≤ 1.2× their SQL), a build
    within 1.25× of the snapshot is within 1.5× of the SQL."""
    from programs.indicators import snapshot

    ReportNarrative.objects.filter(year=year).delete()
    times = _alternate(year, snapshot, repeat)
    report_ms, snapshot_ms = median(times["report"]), median(times["sql"])
    ratio = report_ms / snapshot_ms if snapshot_ms else float("nan")
    return Measure(
        name=f"full report build of {year} against computing its figures (indicators.snapshot)",
        value=report_ms,
        baseline=snapshot_ms,
        unit="ms",
        goal="≤ 1.25× the snapshot (so ≤ 1.5× the SQL with the indicators' ≤ 1.2×)",
        passed=ratio <= 1.25,
        details={"runs": repeat},
    )


def _peak_kib(year: int) -> float:
    tracemalloc.start()
    try:
        report_build(year)
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def report_build_memory(years: tuple[int, int], rounds: int = 2) -> Measure:
    """Peak Python memory of the build for a year with few records and one with more."""
    records = {
        year: Certificate.objects.filter(issued_on__year__lte=year).count() for year in years
    }
    small, large = sorted(years, key=lambda y: records[y])
    if records[large] <= records[small]:
        raise SkipMeasure(f"{small} and {large} hold as many certificates: nothing to compare")
    peaks: dict[int, list[float]] = {small: [], large: []}
    report_build(small)  # warm (imports, fonts)
    for round_ in range(rounds):
        for year in (small, large) if round_ % 2 == 0 else (large, small):
            peaks[year].append(_peak_kib(year))
    peak_small, peak_large = median(peaks[small]), median(peaks[large])
    growth = records[large] / max(records[small], 1)
    return Measure(
        name=(
            f"report build's peak memory, {large} ({records[large]:,} certificates issued by "
            f"then) against {small} ({records[small]:,})"
        ),
        value=peak_large,
        baseline=peak_small,
        unit="KiB",
        goal="flat: ≤ 1.25× with more records",
        passed=peak_large / peak_small <= 1.25,
        details={"records_ratio": f"{growth:.2f}"},
    )
