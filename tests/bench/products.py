"""The public traceability page at national scale (issue 8): a GS1 Digital Link resolved and
its page served, against the bare one-query view, timed alternately.

- **Warm**: a few hundred products' Digital Links (``/01/<GTIN-14>``, and ``/10/<lot>`` for
  products with lots), each already served once by every worker, as a viral product is.
- **Misses**: Digital Links of thousands of other products, each asked once (a fresh slice of
  the list every turn), so each request builds its page: what a crawler or a long tail of
  scans costs.

Every answer must be a 200 holding the product's name (and the lot's trace code for a lot).
The rate limit is raised for the bench (one client address sends everything) but still
counted, so its cache round trips are in the figures.
"""

import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise
from standards.models import Product, TraceabilityRecord

from .dataset import Log
from .load import percentile, run_load, summarise_paths
from .measures import SLICE_SECONDS, LoadConfig, Measure


@dataclass(frozen=True)
class Page:
    path: str
    expect: tuple[bytes, ...]


def fill_products(products: int, log: Log) -> int:
    """Top the bench database up to ``products`` products; the count."""
    import time

    from django.core.management import call_command

    have = Product.objects.count()
    if have < products:
        log(f"Database holds {have:,} products; generating {products - have:,} more…")
        started = time.perf_counter()
        call_command("generate_synthetic", products=products - have, batch=50_000, verbosity=1)
        log(f"Generated in {time.perf_counter() - started:.0f} s.")
    return Product.objects.count()


def digital_links(count: int, *, offset: int = 0) -> list[Page]:
    """Digital Links of ``count`` published products spread over the whole id range (every
    third with a lot, when it has one published), starting ``offset`` into the spread."""
    published = Product.objects.published().exclude(gtin="")
    bounds = published.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    step = max(1, (high - low) // (count * 3))
    ids = list(range(low + offset, high + 1, step))
    rows = list(
        published.filter(pk__in=ids).order_by("pk").values_list("pk", "gtin", "name")[:count]
    )
    lots = {}
    for product_id, lot, code in (
        TraceabilityRecord.objects.filter(product_id__in=[r[0] for r in rows], is_published=True)
        .order_by("product_id", "-produced_on", "-id")
        .values_list("product_id", "lot", "trace_code")
    ):
        lots.setdefault(product_id, (lot, code))
    pages = []
    for index, (product_id, gtin, name) in enumerate(rows):
        path = f"/01/{gtin.zfill(14)}"
        expect = (name.encode(),)
        if index % 3 == 0 and product_id in lots:
            lot, code = lots[product_id]
            path = f"{path}/10/{lot}"
            expect = (*expect, code.encode())
        pages.append(Page(path, expect))
    return pages


def _bare_pages(count: int) -> list[Page]:
    step = max(1, Enterprise.objects.count() // count)
    rows = Enterprise.objects.filter(pk__in=range(1, step * count + 1, step)).values_list(
        "tax_code", "name"
    )
    return [Page(f"/bench/bare/?tax_code={code}", (name.encode(),)) for code, name in rows]


class _Side:
    """One side of the alternating measure: its paths (taken in turn from ``cursor`` when
    ``fresh``, so no page repeats), and what was measured."""

    def __init__(self, pages: list[Page], *, fresh: bool = False):
        self.pages = pages
        self.fresh = fresh
        self.cursor = 0
        self.requests = self.errors = 0
        self.seconds = self.cpu = 0.0
        self.first_error = ""
        self.latencies: dict[str, list[float]] = {}

    def next_paths(self, want: int) -> list[Page]:
        if not self.fresh:
            return self.pages
        chosen = self.pages[self.cursor : self.cursor + want]
        self.cursor += want
        if len(chosen) < want:
            raise RuntimeError("not enough distinct pages for the misses: raise --miss-pages")
        return chosen

    def summary(self) -> dict:
        values = [ms for v in self.latencies.values() for ms in v]
        answered = max(self.requests + self.errors, 1)
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "first_error": self.first_error,
            "server_user_ms": round(self.cpu * 1000 / answered, 2),
            "server_system_ms": 0.0,
            "server_cpu_ms": round(self.cpu * 1000 / answered, 2),
            "server_minor_faults": 0,
            "slowest_paths": dict(
                sorted(
                    summarise_paths(self.latencies).items(),
                    key=lambda item: -item[1]["p99_ms"],
                )[:3]
            ),
        }


def _load(config: LoadConfig, side: _Side, pages: list[Page], seconds: float) -> list:
    """Load ``pages``; a fresh side's connections each take their own share of them, so no
    page is asked twice (one shared list would be walked by every connection in turn)."""
    port, expect = config.server.port, {p.path: p.expect for p in pages}
    if not side.fresh:
        paths = [p.path for p in pages]
        return [run_load(port=port, paths=paths, connections=config.connections,
                         duration=seconds, warmup=0.0, expect=expect)]  # fmt: skip
    shares = [pages[i :: config.connections] for i in range(config.connections)]
    results: list = [None] * len(shares)

    def one(index: int) -> None:
        paths = [p.path for p in shares[index]]
        results[index] = run_load(port=port, paths=paths, connections=1, duration=seconds,
                                  warmup=0.0, max_requests=len(paths), expect=expect)  # fmt: skip

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(shares))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _turn(config: LoadConfig, side: _Side, seconds: float, record: bool, rate: float) -> None:
    # A fresh side gets enough distinct pages for the turn at the rate seen so far (× 3).
    pages = side.next_paths(max(50, int(rate * seconds * 3)))
    before = config.server.usage()
    results = _load(config, side, pages, seconds)
    used = config.server.usage() - before
    if not record:
        return
    side.requests += sum(r.requests for r in results)
    side.errors += sum(r.errors for r in results)
    side.seconds += max(r.seconds for r in results)
    side.cpu += used.user_s + used.system_s
    for result in results:
        side.first_error = side.first_error or result.first_error
        for path, values in result.path_latencies.items():
            side.latencies.setdefault(path, []).extend(values)


def public_page_against_bare(config: LoadConfig, *, warm_pages: int, miss_pages: int) -> Measure:
    """Warm Digital Links, misses and the bare view, each in one-second turns in rotation."""
    cache.clear()  # pages left by an earlier run (or the light-load measure) are no misses
    sides = {
        "bare": _Side(_bare_pages(200)),
        "public_warm": _Side(digital_links(warm_pages)),
        "public_miss": _Side(digital_links(miss_pages, offset=1), fresh=True),
    }
    warm_paths = [p.path for p in sides["public_warm"].pages]
    # Every worker builds (or reads) each warm page: enough rounds that all four have.
    run_load(port=config.server.port, paths=warm_paths, connections=config.connections,
             duration=60, warmup=0, max_requests=len(warm_paths) * 12)  # fmt: skip
    rates = dict.fromkeys(sides, 300.0)
    for name, side in sides.items():
        _turn(config, side, config.warmup, record=False, rate=rates[name])
    for _ in range(max(1, round(config.duration / SLICE_SECONDS))):
        for name, side in sides.items():
            _turn(config, side, SLICE_SECONDS, record=True, rate=rates[name])
            if side.seconds:
                rates[name] = side.requests / side.seconds
    summaries = {name: side.summary() for name, side in sides.items()}
    warm, bare, miss = summaries["public_warm"], summaries["bare"], summaries["public_miss"]
    ratio = warm["rps"] / bare["rps"] if bare["rps"] else 0.0
    return Measure(
        name="GS1 Digital Link + public page (cache warm), timed alternately with the bare view",
        value=warm["rps"],
        baseline=bare["rps"],
        unit="req/s",
        goal="≥ 0.5× bare, p99 < 50 ms (warm); misses reported",
        passed=ratio >= 0.5
        and warm["p99_ms"] < 50
        and not (warm["errors"] or bare["errors"] or miss["errors"]),
        details={
            "miss_ratio_to_bare": round(miss["rps"] / bare["rps"], 3) if bare["rps"] else None,
            **summaries,
        },
    )


def queries_per_public_page() -> Measure:
    """SQL statements of one Digital Link request: built (a miss), served fresh from the cache,
    and served from the cache after its stamp is checked."""
    from standards.views import public_products

    page = digital_links(1, offset=7)[0]
    client = Client()

    def count() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} answered HTTP {response.status_code}")
        return len(captured), [
            f"{float(q['time']) * 1000:.1f} ms  {q['sql'][:160]}" for q in captured.captured_queries
        ]

    cache.clear()  # a page left by an earlier run would not be built
    miss, miss_sql = count()
    fresh, _ = count()
    saved, public_products.FRESH_SECONDS = public_products.FRESH_SECONDS, 0
    try:
        checked, checked_sql = count()
    finally:
        public_products.FRESH_SECONDS = saved
    return Measure(
        name="queries per public page: cached (checked) vs built",
        value=checked,
        baseline=miss,
        unit="queries",
        goal="0 when fresh, 1 when checked",
        passed=(fresh, checked) == (0, 1),
        details={
            "counts": {"built": miss, "fresh": fresh, "checked": checked},
            "built_sql": miss_sql,
            "checked_sql": checked_sql,
        },
    )


def latency_at_light_load(config: LoadConfig, *, seconds: float, miss_pages: int) -> Measure:
    """One request at a time (no queueing behind other requests): what a shopper waits for,
    warm and on a miss."""
    cache.clear()  # pages left by an earlier run would not be misses
    warm = digital_links(100)
    run_load(port=config.server.port, paths=[p.path for p in warm], connections=1,
             duration=30, warmup=0, max_requests=len(warm) * 6)  # fmt: skip
    misses = _Side(digital_links(miss_pages, offset=2), fresh=True)
    sides = {"public_warm": _Side(warm), "public_miss": misses}
    single = LoadConfig(config.server, "", 1, seconds, 0.0)
    rates = dict.fromkeys(sides, 30.0)
    for _ in range(max(1, round(seconds / SLICE_SECONDS))):
        for name, side in sides.items():
            _turn(single, side, SLICE_SECONDS, record=True, rate=rates[name])
            rates[name] = side.requests / side.seconds if side.seconds else rates[name]
    summaries = {name: side.summary() for name, side in sides.items()}
    warm_p99 = summaries["public_warm"]["p99_ms"]
    return Measure(
        name="public page latency, one request at a time: p99 warm",
        value=warm_p99,
        baseline=50.0,
        unit="ms",
        goal="p99 < 50 ms (warm); misses reported",
        passed=warm_p99 < 50 and not any(s["errors"] for s in summaries.values()),
        details=summaries,
    )
