"""The yearly report's full build (every indicator with every breakdown, then XLSX, DOCX and
PDF) against the indicators' hand-written SQL (one query per indicator and breakdown), timed
alternately in one process; and its peak memory for one year as it is and with about twice its
certificates (flat: the files grow with the number of groups, never with the records)."""

import os
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


#: Each timed build's phases (ms): its snapshot, and its three files in wall and in CPU time
#: (single-threaded Python: on a loaded machine its wall time is mostly waiting for a core).
PHASES: list[tuple[float, float, float]] = []


def report_build(year: int) -> int:
    """What the job's handler does, without the job row: the snapshot and the three files
    (kept in memory). How many files were written."""
    started = time.perf_counter()
    content = report_content(report_snapshot(year))
    taken, cpu = time.perf_counter(), time.process_time()
    written = sum(1 for kind in REPORT_KINDS if report_file(kind, content))
    files_cpu = (time.process_time() - cpu) * 1000
    PHASES.append(((taken - started) * 1000, (time.perf_counter() - taken) * 1000, files_cpu))
    return written


def _phases(builds: int) -> dict[str, str]:
    """The median snapshot and files of the last ``builds`` builds."""
    last = PHASES[-builds:]
    return {
        "build_snapshot_p50_ms": f"{median(p[0] for p in last):.0f}",
        "build_files_p50_ms": f"{median(p[1] for p in last):.0f}",
        "build_files_cpu_p50_ms": f"{median(p[2] for p in last):.0f}",
    }


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
            **_phases(repeat),
            "runs": repeat,
            "load_average": _load(),
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
        details={**_phases(repeat), "runs": repeat, "load_average": _load()},
    )


def _load() -> str:
    """The machine's load average (1, 5, 15 min) when a measure ends: the ratios move with it."""
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


def _peak_kib(year: int) -> tuple[float, object]:
    """The build's peak Python memory, and the valid certificates it states (to show that the
    second build counted more records)."""
    tracemalloc.start()
    try:
        snapshot = report_snapshot(year)
        content = report_content(snapshot)
        for kind in REPORT_KINDS:
            report_file(kind, content)
        return tracemalloc.get_traced_memory()[1] / 1024, _certificates_stated(snapshot)
    finally:
        tracemalloc.stop()


def _certificates_stated(snapshot: dict) -> object:
    """The valid certificates the report states (``report_snapshot``: the indicators'
    snapshot under "indicators", its figures under "indicators" again)."""
    return snapshot["indicators"]["indicators"].get("CERT_VALID", {}).get("value")


class _RollBack(Exception):
    pass


def _copy_certificates(year: int) -> int:
    """Inside the caller's transaction: a copy of every certificate issued by the end of
    ``year`` (another number, the same holder, standard, dates and validity periods), so the
    same year counts about twice the certificates. How many were copied."""
    from django.db import connection

    table, periods = Certificate._meta.db_table, "standards_certificateperiod"
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, table)
            if c.name not in ("id", "number")
        ]
        period_columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, periods)
            if c.name not in ("id", "certificate_id")
        ]
        cursor.execute(
            # Names from our own models and the catalogue, never from input.
            f"""CREATE TEMP TABLE bench_copy ON COMMIT DROP AS
            SELECT id AS old_id, nextval(pg_get_serial_sequence('{table}', 'id')) AS new_id
            FROM {table} WHERE issued_on <= %s""",  # noqa: S608
            [f"{year}-12-31"],
        )
        listed = ", ".join(columns)
        cursor.execute(
            f"""INSERT INTO {table} (id, number, {listed})
            SELECT m.new_id, left(c.number, 94) || '-bench', {", ".join(f"c.{n}" for n in columns)}
            FROM {table} c JOIN bench_copy m ON m.old_id = c.id"""  # noqa: S608
        )
        copied = cursor.rowcount
        listed = ", ".join(period_columns)
        cursor.execute(
            f"""INSERT INTO {periods} (certificate_id, {listed})
            SELECT m.new_id, {", ".join(f"p.{n}" for n in period_columns)}
            FROM {periods} p JOIN bench_copy m ON m.old_id = p.certificate_id"""  # noqa: S608
        )
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {periods}")
    return copied


def report_build_memory(year: int, rounds: int = 2) -> Measure:
    """Peak Python memory of the build of one year, then of the same year with about twice
    the certificates (copies made in a transaction that is rolled back): the figures grow,
    the groups and so the files do not, and neither must the memory."""
    from django.db import transaction

    report_build(year)  # warm (imports, fonts)
    before = [_peak_kib(year) for _ in range(rounds)]
    after: list[tuple[float, object]] = []
    copied = 0
    try:
        with transaction.atomic():
            copied = _copy_certificates(year)
            after = [_peak_kib(year) for _ in range(rounds)]
            raise _RollBack
    except _RollBack:
        pass
    if not copied:
        raise SkipMeasure(f"no certificate issued by the end of {year}: nothing to copy")
    peak_small = median(kib for kib, _ in before)
    peak_large = median(kib for kib, _ in after)
    return Measure(
        name=(
            f"report build's peak memory, {year} with {copied:,} more certificates "
            "(copies, rolled back) against the same year as it is"
        ),
        value=peak_large,
        baseline=peak_small,
        unit="KiB",
        goal="flat: ≤ 1.25× with more records",
        passed=peak_large / peak_small <= 1.25,
        details={
            "certificates_copied": copied,
            "valid_certificates_stated": f"{before[0][1]} → {after[0][1]}",
        },
    )
