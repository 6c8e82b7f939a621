"""The four measures of issue 3 §7, each against a baseline taken in the same run."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import geometric_mean, median
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise, Sector
from laichau_nsc.collation import VietnameseCollate
from laichau_nsc.text import fold

from .load import LoadResult, percentile, run_load
from .server import Server

LIST_PATH = "/doanh-nghiep/"
TRIGRAM_INDEX = "enterprise_search_trgm"


@dataclass
class Measure:
    """One line of the report: a value, its baseline, their ratio and whether the goal is met."""

    name: str
    value: float
    baseline: float
    unit: str
    goal: str
    passed: bool
    details: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


@dataclass(frozen=True)
class LoadConfig:
    server: Server
    cookie: str
    connections: int
    duration: float
    warmup: float

    def run(
        self, paths: list[str], *, signed_in: bool = True, headers: dict | None = None
    ) -> tuple[LoadResult, dict]:
        """Load ``paths``; the result and its summary with the server's CPU per request."""
        before = self.server.usage()
        result = run_load(
            port=self.server.port,
            paths=paths,
            cookie=self.cookie if signed_in else "",
            connections=self.connections,
            duration=self.duration,
            warmup=self.warmup,
            extra_headers=headers,
        )
        # Includes the warm-up's requests: close enough once the warm-up is short.
        used = self.server.usage() - before
        total = result.requests * (self.duration + self.warmup) / self.duration
        return result, {**result.summary(), **used.per_request(round(total))}


@dataclass(frozen=True)
class Samples:
    """Values picked from the data, so that every search finds what a user would find."""

    tax_codes: list[str]
    unit_id: int
    sector_id: int
    rare_name: str
    tax_prefix: str

    @classmethod
    def pick(cls) -> "Samples":
        bounds = Enterprise.objects.order_by("pk").values_list("pk", flat=True)
        low, high = bounds.first(), bounds.last()
        step = max(1, (high - low) // 200)
        rows = list(
            Enterprise.objects.filter(pk__in=range(low, high + 1, step))
            .order_by("pk")
            .values_list("tax_code", "admin_unit_id", "name")
        )
        sector = Sector.objects.filter(code="01").first() or Sector.objects.first()
        middle = rows[len(rows) // 2]
        return cls(
            tax_codes=[r[0] for r in rows],
            unit_id=middle[1],
            sector_id=sector.pk,
            rare_name=middle[2],
            tax_prefix=middle[0][:8],
        )

    def list_searches(self) -> list[dict]:
        """Representative searches of the officer list: words, filters, codes, a whole name."""
        return [
            {"q": "tam duong", "legal_form": "joint_stock"},
            {"q": "che", "status": "active"},
            {"q": self.tax_prefix},
            {"q": "nguyen van", "admin_unit": self.unit_id},
            {"sector": self.sector_id, "size_class": "small"},
            {"q": self.rare_name},
        ]

    def search_texts(self) -> list[str]:
        return ["tam duong", "che", "Mường Tè", self.tax_prefix, "lo van", self.rare_name]


def _list_url(params: dict) -> str:
    return f"{LIST_PATH}?{urlencode(params)}"


# --- 1. List page against a bare view --------------------------------------------------------


def list_against_bare(config: LoadConfig, samples: Samples) -> Measure:
    bare, bare_summary = config.run(
        [f"/bench/bare/?tax_code={code}" for code in samples.tax_codes], signed_in=False
    )
    searches = [_list_url(p) for p in samples.list_searches()]
    listing, list_summary = config.run(searches)
    # For information: typing in the search box fetches only the results part (htmx).
    _, partial_summary = config.run(searches, headers={"HX-Request": "true"})
    ratio = listing.rps / bare.rps if bare.rps else 0.0
    p99 = listing.percentile(99)
    return Measure(
        name="filtered + searched list page",
        value=listing.rps,
        baseline=bare.rps,
        unit="req/s",
        goal=f"≥ 0.12× bare and p99 < 100 ms at {config.connections} connections",
        passed=ratio >= 0.12 and p99 < 100 and not listing.errors and not bare.errors,
        details={"list": list_summary, "bare": bare_summary, "list_htmx": partial_summary},
    )


# --- 2. Deep page against page 1 -------------------------------------------------------------


def deep_against_first(config: LoadConfig, params: dict, label: str) -> Measure:
    """The deepest page the bounded list offers (PORTAL_LIST_MAX_ROWS at 50 a page) vs page 1.

    Both pages are requested alternately in one run and compared by median latency, so drift
    between two separate runs (the load generator shares the two cores) does not count.
    """
    deepest = settings.PORTAL_LIST_MAX_ROWS // 50
    first_url = _list_url({**params, "page": 1})
    deep_url = _list_url({**params, "page": deepest})
    mixed, summary = config.run([first_url, deep_url])
    first_ms = mixed.by_path[first_url]["p50_ms"]
    deep_ms = mixed.by_path[deep_url]["p50_ms"]
    ratio = deep_ms / first_ms if first_ms else 0.0
    return Measure(
        name=f"page {deepest} against page 1 ({label}), median latency",
        value=deep_ms,
        baseline=first_ms,
        unit="ms",
        goal="within ±20%",
        passed=0.8 <= ratio <= 1.2 and not mixed.errors,
        details={"alternating": summary},
    )


# --- 3. Search with the trigram index against the unindexed scan ------------------------------


def _search_once(text: str) -> float:
    """What a search costs the list (as BoundedPaginator does it): the ordered ids up to the
    bound, which give the count and every page, then page 1's rows by primary key; in ms."""
    started = time.perf_counter()
    queryset = (
        Enterprise.objects.search(text)
        .filter(is_archived=False)
        .select_related("admin_unit", "sector")
        .order_by(VietnameseCollate("name"), "pk")  # the list's order, which the name index serves
    )
    ids = list(queryset.values_list("pk", flat=True)[: settings.PORTAL_LIST_MAX_ROWS + 1])
    queryset.order_by().in_bulk(ids[:50])
    return (time.perf_counter() - started) * 1000


def _time_searches(texts: list[str], repeat: int) -> dict[str, list[float]]:
    timings = {}
    for text in texts:
        _search_once(text)  # warm the cache: both sides are measured on a warm cache
        timings[text] = [_search_once(text) for _ in range(repeat)]
    return timings


def search_index_against_scan(texts: list[str], repeat: int, scan_repeat: int) -> Measure:
    """The same searches with the trigram index and with the planner's best plan without it.

    Without it means: ``DROP INDEX`` inside a transaction that is rolled back, so the planner
    picks what it would pick if the index had never been made (a sequential scan, or walking
    the name index and filtering) — not an artificially crippled plan.
    """
    indexed = _time_searches(texts, repeat)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX {TRIGRAM_INDEX}")
        scanned = _time_searches(texts, scan_repeat)
        transaction.set_rollback(True)
    per_query = {
        fold(text): {
            "indexed_p50_ms": round(median(indexed[text]), 2),
            "indexed_p95_ms": round(percentile(indexed[text], 95), 2),
            "scan_p50_ms": round(median(scanned[text]), 2),
            "speedup": round(median(scanned[text]) / median(indexed[text]), 1),
            "matches": Enterprise.objects.search(text).order_by()[:100_000].count(),
        }
        for text in texts
    }
    # Each search is a user's action of its own: the geometric mean weighs them alike.
    indexed_mean = geometric_mean([median(v) for v in indexed.values()])
    scan_mean = geometric_mean([median(v) for v in scanned.values()])
    p95 = percentile([ms for values in indexed.values() for ms in values], 95)
    speedup = scan_mean / indexed_mean
    return Measure(
        name="search with trigram index (geometric mean of medians over the query mix)",
        value=indexed_mean,
        baseline=scan_mean,
        unit="ms",
        goal="≥ 50× faster than the scan and p95 < 50 ms",
        passed=speedup >= 50 and p95 < 50,
        details={"speedup": round(speedup, 1), "indexed_p95_ms": round(p95, 2), **per_query},
    )


# --- 4. Queries per page ---------------------------------------------------------------------


def queries_per_page(user, samples: Samples) -> Measure:
    """SQL statements for 50 and for 100 rows shown, unfiltered and searched: must be equal."""
    client = Client()
    client.force_login(user)
    counts: dict[str, int] = {}
    statements: dict[str, list[str]] = {}
    for label, params in (("all", {}), ("search", {"q": "tam duong"})):
        for per_page in (50, 100):
            key = f"{label}_{per_page}"
            counts[key], statements[key] = _count_queries(
                lambda p=params, n=per_page: client.get(LIST_PATH, {**p, "per_page": n})
            )
    equal = counts["all_50"] == counts["all_100"] and counts["search_50"] == counts["search_100"]
    return Measure(
        name="queries per page (100 rows against 50 rows)",
        value=counts["all_100"],
        baseline=counts["all_50"],
        unit="queries",
        goal="equal",
        passed=equal,
        details={"counts": counts, "statements_50": statements["all_50"]},
    )


def _count_queries(request: Callable) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    if response.status_code != 200:
        raise RuntimeError(f"list page answered HTTP {response.status_code}")
    return len(captured), [
        f"{float(q['time']) * 1000:.1f} ms  {q['sql'][:160]}" for q in captured.captured_queries
    ]
