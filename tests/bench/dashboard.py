"""The leaders' dashboard (issue 10): its req/s against the bare view, timed alternately, and its
latency. The dashboard reads the summaries the job runner keeps, so its cost must not grow with
the records; the summaries of every year are built first, as beat would have.

Every answer must state the figures of the year as ``indicators.snapshot(year)`` computed them
from the records while the summaries were built (each indicator's row of the key-figures table:
code, name, unit, value). Besides the anonymous bare view (the goal's baseline), two signed-in
baselines are timed in the same run: the bare lookup behind the role check, and the same lookup
drawn inside the portal's layout (``/bench/bare-layout/``), so the dashboard's own cost above
any signed-in page is known."""

import time
from contextlib import contextmanager

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .measures import LoadConfig, Measure, Samples, Target, alternate

#: Indicators whose row each answer is checked for (every one would cost the load generator,
#: which shares the machine, more than the check is worth); spread over the report's order.
CHECKED_FIGURES = 8


@contextmanager
def _snapshots_taken(taken: dict[int, dict]):
    """Keep each ``indicators.snapshot(year)`` the rebuilds compute (the figures they store)."""
    from programs import indicators

    compute = indicators.snapshot

    def keep(year: int) -> dict:
        taken[year] = compute(year)
        return taken[year]

    indicators.snapshot = keep
    try:
        yield
    finally:
        indicators.snapshot = compute


def build_summaries(log) -> tuple[float, dict[int, dict]]:
    """Every year's summaries, as the job runner builds them; the seconds it took and the
    snapshot each year's summaries were built from."""
    from programs import summaries

    taken: dict[int, dict] = {}
    started = time.perf_counter()
    with _snapshots_taken(taken):
        for year in summaries.summary_years():
            summaries.summary_rebuild(year=year)
    seconds = time.perf_counter() - started
    log(f"        dashboard summaries built in {seconds:.1f} s")
    return seconds, taken


def expected_rows(snapshot: dict) -> tuple[bytes, ...]:
    """The key-figures table's rows a year's page must hold: code, name, unit and value as the
    snapshot has them (``inc/table.html``, the ``figure`` filter)."""
    from django.utils.html import escape

    from programs.templatetags.figures import figure

    entries = [snapshot["indicators"][code] for code in snapshot["order"]]
    step = max(1, len(entries) // CHECKED_FIGURES)
    return tuple(
        (
            f'<tr><td>{escape(e["code"])}</td><th scope="row">{escape(e["name"])}</th>'
            f'<td>{escape(e["unit"])}</td><td class="text-end">{figure(e["value"])}</td>'
        ).encode()
        for e in entries[::step][:CHECKED_FIGURES]
    )


def dashboard_paths() -> list[str]:
    from programs import summaries

    return [f"/bang-dieu-khien/?nam={year}" for year in summaries.summary_years()]


def queries_per_dashboard(user) -> int:
    client = Client()
    client.force_login(user)
    path = dashboard_paths()[0]
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def dashboard_against_bare(config: LoadConfig, samples: Samples, user, log) -> Measure:
    """The signed-in dashboard of each year against the anonymous one-query bare view."""
    build_seconds, snapshots = build_summaries(log)
    queries = queries_per_dashboard(user)
    paths = dashboard_paths()
    expect = {
        path: expected_rows(snapshots[year])
        for path, year in zip(paths, sorted(snapshots), strict=True)
    }
    codes = [f"tax_code={code}" for code in samples.tax_codes]
    results = alternate(
        config,
        {
            "dashboard": Target(paths, expect=expect),
            "bare": Target(
                [f"/bench/bare/?tax_code={code}" for code in samples.tax_codes], signed_in=False
            ),
            # Not the baseline: how much of the gap is the session and role check every
            # signed-in page pays.
            "bare_signed_in": Target([f"/bench/bare-signed-in/?{code}" for code in codes]),
            # The same, drawn in the portal's layout (navigation, bell, language switch): the
            # floor of any signed-in page, above which the dashboard's own part is measured.
            "bare_layout": Target([f"/bench/bare-layout/?{code}" for code in codes]),
        },
    )
    page, bare = results["dashboard"], results["bare"]
    ratio = page["rps"] / bare["rps"] if bare["rps"] else 0.0
    signed_in, layout = results["bare_signed_in"], results["bare_layout"]
    errors = page["errors"] + bare["errors"] + signed_in["errors"] + layout["errors"]
    return Measure(
        name="leaders' dashboard (every year), timed alternately with the bare view",
        value=page["rps"],
        baseline=bare["rps"],
        unit="req/s",
        goal="≥ 0.30× bare and p99 < 100 ms",
        passed=ratio >= 0.30 and page["p99_ms"] < 100 and not errors,
        details={
            "dashboard_p50_ms": page["p50_ms"],
            "dashboard_p99_ms": page["p99_ms"],
            "bare_p99_ms": bare["p99_ms"],
            "bare_signed_in_rps": signed_in["rps"],
            "against_signed_in_bare": _ratio(page, signed_in),
            "bare_layout_rps": layout["rps"],
            "bare_layout_p99_ms": layout["p99_ms"],
            "against_layout_page": _ratio(page, layout),
            "server_cpu_ms": page["server_cpu_ms"],
            "bare_server_cpu_ms": bare["server_cpu_ms"],
            "bare_signed_in_server_cpu_ms": signed_in["server_cpu_ms"],
            "bare_layout_server_cpu_ms": layout["server_cpu_ms"],
            "queries_per_page": queries,
            "summaries_build_s": round(build_seconds, 1),
            "errors": errors,
            "first_error": page["first_error"] or bare["first_error"],
        },
    )


def _ratio(page: dict, baseline: dict) -> float:
    return round(page["rps"] / baseline["rps"], 3) if baseline["rps"] else 0.0
