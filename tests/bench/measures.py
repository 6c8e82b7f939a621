"""The enterprise list's measures (issue 3 §7, issue 6 §6), each against a baseline or goal."""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise, Sector

from . import search_mix
from .load import LoadResult, percentile, run_load, summarise_paths
from .server import Server

LIST_PATH = "/doanh-nghiep/"


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


def _list_url(params: dict) -> str:
    return f"{LIST_PATH}?{urlencode(params)}"


# --- 1. List page against a bare view --------------------------------------------------------

#: Seconds of each turn when two kinds of request are timed alternately.
SLICE_SECONDS = 1.0


@dataclass(frozen=True)
class Target:
    """One side of an alternating measure: its paths, whether signed in, and what each answer
    must contain (``expect``: path → byte strings)."""

    paths: list[str]
    signed_in: bool = True
    headers: dict | None = None
    expect: dict[str, tuple[bytes, ...]] = field(default_factory=dict)


def alternate(config: LoadConfig, targets: dict[str, Target]) -> dict[str, dict]:
    """Load each target in turn for ``SLICE_SECONDS`` until each had ``config.duration``.

    Other work on the machine then slows every side alike, where two separate runs could meet
    different loads. The server's CPU is read around each turn, so it is known per side.
    """
    server = config.server
    latencies: dict[str, dict[str, list[float]]] = {name: {} for name in targets}
    totals = {
        name: {"requests": 0, "errors": 0, "seconds": 0.0, "first_error": ""} for name in targets
    }
    cpu = {name: [0.0, 0.0] for name in targets}

    def turn(name: str, target: Target, seconds: float, record: bool) -> None:
        before = server.usage()
        result = run_load(
            port=server.port,
            paths=target.paths,
            cookie=config.cookie if target.signed_in else "",
            connections=config.connections,
            duration=seconds,
            warmup=0.0,
            extra_headers=target.headers,
            expect=target.expect,
        )
        used = server.usage() - before
        if not record:
            return
        total = totals[name]
        total["requests"] += result.requests
        total["errors"] += result.errors
        total["seconds"] += result.seconds
        total["first_error"] = total["first_error"] or result.first_error
        cpu[name][0] += used.user_s
        cpu[name][1] += used.system_s
        for path, values in result.path_latencies.items():
            latencies[name].setdefault(path, []).extend(values)

    for name, target in targets.items():  # warm-up: caches, connections, each worker's imports
        turn(name, target, config.warmup, record=False)
    for _ in range(max(1, round(config.duration / SLICE_SECONDS))):
        for name, target in targets.items():
            turn(name, target, SLICE_SECONDS, record=True)
    summaries = {}
    for name in targets:
        total = totals[name]
        values = [ms for path_values in latencies[name].values() for ms in path_values]
        answered = max(total["requests"] + total["errors"], 1)
        summaries[name] = {
            "requests": total["requests"],
            "errors": total["errors"],
            "seconds": round(total["seconds"], 2),
            "rps": round(total["requests"] / total["seconds"], 1) if total["seconds"] else 0.0,
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "first_error": total["first_error"],
            "by_path": summarise_paths(latencies[name]),
            "server_user_ms": round(cpu[name][0] * 1000 / answered, 2),
            "server_system_ms": round(cpu[name][1] * 1000 / answered, 2),
            "server_cpu_ms": round((cpu[name][0] + cpu[name][1]) * 1000 / answered, 2),
            "server_minor_faults": 0,
        }
    return summaries


def _expected_list_rows(params: dict) -> tuple[bytes, ...]:
    """What the list page for ``params`` must show: its first, middle and last rows' tax codes
    (from the reference scan) and the count line."""
    answer = search_mix.reference_for_filters(params)
    codes = dict(Enterprise.objects.filter(pk__in=answer.page).values_list("pk", "tax_code"))
    picked = {answer.page[0], answer.page[len(answer.page) // 2], answer.page[-1]}
    texts = tuple(codes[pk].encode() for pk in picked)
    if answer.newest_only:
        return (*texts, "gần đây nhất".encode())
    if answer.count > settings.PORTAL_LIST_MAX_ROWS:
        return (*texts, "Hơn".encode())
    return (*texts, f"{answer.count:,}".replace(",", ".").encode() + " kết quả".encode())


def list_against_bare(config: LoadConfig, samples: Samples) -> Measure:
    """The officer's filtered, searched list page against the bare one-query view, timed
    alternately; each answer must hold the rows the reference scan expects.

    The bare view is anonymous (no session, no user): it is the floor of a request through
    Django. A signed-in counterpart (session, user and role, then the same lookup) is timed in
    the same run for information.
    """
    searches = [_list_url(p) for p in samples.list_searches()]
    expect = {
        url: _expected_list_rows(p)
        for url, p in zip(searches, samples.list_searches(), strict=True)
    }
    names = dict(
        Enterprise.objects.filter(tax_code__in=samples.tax_codes).values_list("tax_code", "name")
    )
    bare_paths = [f"/bench/bare/?tax_code={code}" for code in samples.tax_codes]
    bare_expect = {f"/bench/bare/?tax_code={c}": (names[c].encode(),) for c in samples.tax_codes}
    signed_paths = [f"/bench/bare-signed-in/?tax_code={code}" for code in samples.tax_codes]
    signed_expect = {
        f"/bench/bare-signed-in/?tax_code={c}": (names[c].encode(),) for c in samples.tax_codes
    }
    results = alternate(
        config,
        {
            "bare": Target(bare_paths, signed_in=False, expect=bare_expect),
            "list": Target(searches, expect=expect),
            "list_htmx": Target(searches, headers={"HX-Request": "true"}, expect=expect),
            "bare_signed_in": Target(signed_paths, expect=signed_expect),
        },
    )
    listing, bare = results["list"], results["bare"]
    ratio = listing["rps"] / bare["rps"] if bare["rps"] else 0.0
    cpu_ratio = (
        listing["server_cpu_ms"] / bare["server_cpu_ms"] if bare["server_cpu_ms"] else float("inf")
    )
    return Measure(
        name="filtered + searched list page, timed alternately with the bare view",
        value=listing["rps"],
        baseline=bare["rps"],
        unit="req/s",
        goal="≥ 0.10× bare (0.12× stretch) and server CPU per page ≤ 10× bare's",
        passed=ratio >= 0.10 and cpu_ratio <= 10 and not listing["errors"] and not bare["errors"],
        details={"cpu_ratio": round(cpu_ratio, 1), **results},
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


# --- 3. The search mix --------------------------------------------------------------------


def search_mix_timings(repeat: int, log: Callable[[str], None]) -> Measure:
    """The weighted search mix (``search_mix``), each answer checked against a reference scan."""
    queries = search_mix.mix(*search_mix.samples())
    results = search_mix.run(queries, repeat, log)
    selective = [r for r in results if r.matches <= search_mix.SELECTIVE]
    p95 = search_mix.weighted_percentile(results, 95)
    p95_selective = search_mix.weighted_percentile(selective, 95)
    worst = max(ms for r in results for ms in r.wall_ms)
    details = {
        "p95_ms": round(p95, 1),
        "worst_ms": round(worst, 1),
        "selective_p95_ms": round(p95_selective, 1),
        **{
            f"{r.query.label}: {r.query.text}": {
                "weight": r.query.weight,
                "matches": r.matches,
                "p50_ms": round(percentile(r.wall_ms, 50), 1),
                "max_ms": round(max(r.wall_ms), 1),
                "cpu_ms": round(r.cpu_ms, 1),
            }
            for r in results
        },
    }
    return Measure(
        name=f"search mix ({len(queries)} queries, weighted), p95 latency",
        value=p95,
        baseline=50.0,
        unit="ms",
        goal="p95 ≤ 50 ms, worst ≤ 150 ms, selective (≤ 100 matches) p95 ≤ 15 ms",
        passed=p95 <= 50 and worst <= 150 and p95_selective <= 15,
        details=details,
    )


# --- 4. Queries per page ---------------------------------------------------------------------


def queries_per_page(user, samples: Samples) -> Measure:
    """SQL statements for 50 and for 100 rows shown, unfiltered and searched: must be equal.

    Counted on warm caches (a first request builds the unit and sector catalogues, and a first
    search reads the word index's statistics, as the first requests of a web process do), so
    each count is what every later request costs.
    """
    client = Client()
    client.force_login(user)
    client.get(LIST_PATH, {"q": "che"})
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
