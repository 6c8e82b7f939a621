"""The officers' declaration queue (issue 8) against a bare view, timed alternately.

The queue is the declaration list as an officer opens it: every declaration, the dossiers
waiting for the Department first by deadline, then the rest newest first, 50 a page, with the
enterprise and the standard of each row and the list's filters. The bare view reads the same 50
rows from the same index in one query and answers them as plain text, anonymous. The two run in
alternating slices (page, bare, bare, page…) so a drift of the machine weighs on both alike.
"""

import html

from django.urls import reverse

from standards.models import Declaration

from .certificates import SkipMeasure, _get
from .load import percentile
from .measures import LoadConfig, Measure

BARE_PATH = "/bench/bare-declarations/"


def most_urgent_maker() -> str | None:
    """The enterprise of the dossier the queue shows first."""
    return (
        Declaration.objects.filter(state="submitted")
        .order_by("decision_due_on", "-created_at", "-pk")
        .values_list("enterprise__name", flat=True)
        .first()
    )


def _check(config: LoadConfig, path: str) -> int:
    """Both answer 200; the queue lists the most urgent dossiers. The declarations' count."""
    total = Declaration.objects.count()
    if not total:
        raise SkipMeasure("no declarations: generate products first (--products)")
    status, body = _get(config, path, config.cookie)
    if status != 200:
        raise AssertionError(f"{path} answered HTTP {status}")
    maker = most_urgent_maker()
    if maker and html.escape(maker) not in body:
        raise AssertionError(f"{path} does not show the most urgent dossier first ({maker})")
    status, bare = _get(config, BARE_PATH, "")
    if status != 200:
        raise AssertionError(f"the bare view answered HTTP {status}: {bare[:200]!r}")
    return total


def queue_against_bare(config: LoadConfig, rounds: int = 4) -> Measure:
    path = reverse("standards:declaration_list")
    total = _check(config, path)
    slice_ = max(1.0, config.duration / rounds)
    page_runs, bare_runs = [], []
    for round_ in range(rounds):
        order = [("page", path), ("bare", BARE_PATH)]
        for name, url in order if round_ % 2 == 0 else reversed(order):
            result = LoadConfig(
                config.server, config.cookie, config.connections, slice_, config.warmup / rounds
            ).run([url], signed_in=name == "page")[0]
            (page_runs if name == "page" else bare_runs).append(result)
    page_rps = sum(r.requests for r in page_runs) / sum(r.seconds for r in page_runs)
    bare_rps = sum(r.requests for r in bare_runs) / sum(r.seconds for r in bare_runs)
    latencies = [ms for r in page_runs for ms in r.latencies_ms]
    errors = sum(r.errors for r in page_runs + bare_runs)
    ratio = page_rps / bare_rps if bare_rps else 0.0
    return Measure(
        name="officers' declaration queue, list page against a bare view",
        value=page_rps,
        baseline=bare_rps,
        unit="req/s",
        goal=f"≥ 0.12× bare at {config.connections} connections",
        passed=ratio >= 0.12 and not errors,
        details={
            "page_p50_ms": round(percentile(latencies, 50), 1),
            "page_p99_ms": round(percentile(latencies, 99), 1),
            "errors": errors,
            "declarations": total,
            "waiting": Declaration.objects.filter(state="submitted").count(),
        },
    )
