"""The leaders' dashboard (issue 10): its req/s against the bare view, timed alternately, and its
latency. The dashboard reads the summaries the job runner keeps, so its cost must not grow with
the records; the summaries of every year are built first, as beat would have."""

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .measures import LoadConfig, Measure, Samples, Target, alternate


def build_summaries(log) -> float:
    """Every year's summaries, as the job runner builds them; returns the seconds it took."""
    from programs import summaries

    started = time.perf_counter()
    for year in summaries.summary_years():
        summaries.summary_rebuild(year=year)
    seconds = time.perf_counter() - started
    log(f"        dashboard summaries built in {seconds:.1f} s")
    return seconds


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
    build_seconds = build_summaries(log)
    queries = queries_per_dashboard(user)
    paths = dashboard_paths()
    results = alternate(
        config,
        {
            "dashboard": Target(paths, expect=dict.fromkeys(paths, (b'id="figure-CERT_VALID"',))),
            "bare": Target(
                [f"/bench/bare/?tax_code={code}" for code in samples.tax_codes], signed_in=False
            ),
            # Not the baseline: how much of the gap is the session and role check every
            # signed-in page pays.
            "bare_signed_in": Target(
                [f"/bench/bare-signed-in/?tax_code={code}" for code in samples.tax_codes]
            ),
        },
    )
    page, bare = results["dashboard"], results["bare"]
    ratio = page["rps"] / bare["rps"] if bare["rps"] else 0.0
    errors = page["errors"] + bare["errors"] + results["bare_signed_in"]["errors"]
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
            "bare_signed_in_rps": results["bare_signed_in"]["rps"],
            "against_signed_in_bare": round(page["rps"] / results["bare_signed_in"]["rps"], 3)
            if results["bare_signed_in"]["rps"]
            else 0.0,
            "server_cpu_ms": page["server_cpu_ms"],
            "bare_server_cpu_ms": bare["server_cpu_ms"],
            "queries_per_page": queries,
            "summaries_build_s": round(build_seconds, 1),
            "errors": errors,
            "first_error": page["first_error"] or bare["first_error"],
        },
    )
