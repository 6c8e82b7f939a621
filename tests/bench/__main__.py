"""``make bench``: measure the portal at national scale: the enterprise list, the certificates,
the public product pages, the officers' declaration queue, the indicators of a year and the
yearly report.

Outside pytest, against a real gunicorn on a database of its own (``BENCH_DATABASE_URL``), topped
up with synthetic enterprises to ``--enterprises`` (default ``BENCH_ENTERPRISES`` or 1,000,000),
certificates to ``--certificates`` (default ``BENCH_CERTIFICATES`` or 3,000,000) and, for the
``products`` group, products to ``--products`` (default ``BENCH_PRODUCTS`` or 2,000,000). Prints
each measure against a baseline measured in the same run, with PASS/FAIL against its goal, and
saves the numbers to ``bench-results/``. ``--only GROUP`` (repeatable) runs some groups. A missed
goal is reported, not an error: the exit status is non-zero only when something could not be
measured (a measure whose page does not exist is skipped with a message).
"""

import argparse
import datetime
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from .environment import DEFAULT_DATABASE_URL, configure_environment, ensure_database

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
GROUPS = (
    "enterprises",
    "certificates",
    "expiring",
    "products",
    "declarations",
    "indicators",
    "reports",
    "dashboard",
    "api",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--enterprises", type=int, default=int(os.environ.get("BENCH_ENTERPRISES", 1_000_000))
    )
    parser.add_argument(
        "--certificates",
        type=int,
        default=int(os.environ.get("BENCH_CERTIFICATES", 3_000_000)),
        help="certificates the data is topped up to (0: none)",
    )
    parser.add_argument(
        "--products", type=int, default=int(os.environ.get("BENCH_PRODUCTS", 2_000_000))
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=GROUPS,
        help="run only this group of measures (repeatable); all by default",
    )
    parser.add_argument("--warm-pages", type=int, default=300, help="products kept warm")
    parser.add_argument(
        "--miss-pages", type=int, default=30_000, help="distinct products for the cache misses"
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per HTTP measure")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each measure")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--search-repeat", type=int, default=10, help="rounds of the search mix")
    parser.add_argument(
        "--query-repeat", type=int, default=6, help="timed runs of each certificate query"
    )
    parser.add_argument(
        "--reminder-sizes",
        default="1000,2000",
        help="due certificates the reminder job processes, two sizes (memory must stay flat)",
    )
    parser.add_argument(
        "--report-repeat", type=int, default=4, help="timed builds of the yearly report"
    )
    parser.add_argument(
        "--expiring-path",
        default=None,
        help="path (with query) of the officers' 'expiring within 90 days' list; default: "
        "standards:certificate_list?expiring_within=90 when this branch has it",
    )
    args = parser.parse_args()
    args.only = set(args.only or GROUPS)
    return args


def log(message: str) -> None:
    print(message, flush=True)


def main() -> int:
    args = parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_environment(database_url)
    sys.path.insert(0, str(ROOT))

    ensure_database(database_url, log)

    import django

    django.setup()
    from django.db import connection

    from . import api, certificates, dashboard, declarations, indicators, measures, products, report
    from . import reports as yearly_report
    from .dataset import migrate_and_fill, officer_session
    from .server import gunicorn

    total, certificate_total = migrate_and_fill(args.enterprises, args.certificates, log)
    # The synthetic products carry the declarations (one in 25 of them waiting in the queue); the
    # report states every indicator: it needs the same records as the indicators' measure.
    wants_products = args.only & {"products", "declarations", "indicators", "reports"}
    product_total = products.fill_products(args.products, log) if wants_products else 0
    if {"indicators", "reports"} & args.only:
        indicators.fill_programme(log)
    user, cookie = officer_session()
    samples = measures.Samples.pick()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    meta = {
        "enterprises": total,
        "certificates": certificate_total,
        "products": product_total,
        "groups": sorted(args.only),
        "postgresql": pg_version,
        "cpus": os.cpu_count(),
        "connections": args.connections,
        "gunicorn": f"{args.workers} gthread workers × {args.threads} threads",
        "duration_s": args.duration,
    }
    log(
        f"\nBench on {total:,} enterprises and {certificate_total:,} certificates, "
        f"PostgreSQL {pg_version}, {os.cpu_count()} CPUs, "
    )
    log(f"gunicorn {meta['gunicorn']}, {args.connections} connections, {args.duration:g} s each.\n")

    results: list[tuple[measures.Measure, str]] = []

    def measure(name: str, function: Callable[[], measures.Measure]) -> None:
        started = time.perf_counter()
        try:
            result, error = function(), ""
        except certificates.SkipMeasure as exc:
            log(f"SKIP  {name}: {exc}")
            return
        except Exception as exc:  # one broken measure must not hide the others
            traceback.print_exc()
            result = measures.Measure(name, float("nan"), float("nan"), "", "", False)
            error = f"{type(exc).__name__}: {exc}"
        report.print_measure(result, error)
        log(f"        ({time.perf_counter() - started:.0f} s)")
        results.append((result, error))

    if "enterprises" in args.only:
        measure("queries per page", lambda: measures.queries_per_page(user, samples))
        measure("search mix", lambda: measures.search_mix_timings(args.search_repeat, log))
    if "certificates" in args.only:
        from django.utils import timezone

        today = timezone.localdate()  # the day the nightly job would run for
        sizes = tuple(int(n) for n in args.reminder_sizes.split(","))
        measure(
            "valid by standard × unit",
            lambda: certificates.valid_count_against_sql(
                [datetime.date(2022, 12, 31), datetime.date(2025, 12, 31)], args.query_repeat
            ),
        )
        measure(
            "reminder selection",
            lambda: certificates.reminder_selection_against_sql(today, args.query_repeat),
        )
        measure(
            "reminder selection, ordinary night",
            lambda: certificates.reminder_selection_ordinary_night(today, args.query_repeat),
        )
        measure(
            "reminder processing",
            lambda: certificates.reminder_processing_memory(today, sizes, rounds=2),
        )
    if "products" in args.only:
        measure("queries per public page", products.queries_per_public_page)
    if "indicators" in args.only:
        measure(
            "all indicators of a year",
            lambda: indicators.all_indicators_against_sql([2022, 2025], args.query_repeat),
        )
    if "reports" in args.only:
        measure(
            "report build against SQL",
            lambda: yearly_report.report_build_against_sql(2022, args.report_repeat),
        )
        measure(
            "report build against snapshot",
            lambda: yearly_report.report_build_against_snapshot(2022, args.report_repeat),
        )
        measure("report build memory", lambda: yearly_report.report_build_memory(2022))
    try:
        with gunicorn(
            workers=args.workers, threads=args.threads, log_path=RESULTS / "gunicorn.log"
        ) as server:
            config = measures.LoadConfig(
                server, cookie, args.connections, args.duration, args.warmup
            )
            if "enterprises" in args.only:
                measure("list against bare", lambda: measures.list_against_bare(config, samples))
                measure("deep page", lambda: measures.deep_against_first(config, {}, "unfiltered"))
                measure(
                    "deep page, search",
                    lambda: measures.deep_against_first(config, {"q": "che"}, "search 'che'"),
                )
            if "api" in args.only:
                measure(
                    "API list against bare",
                    lambda: api.api_list_against_bare(config, samples, user),
                )
            if args.only & {"certificates", "expiring"}:
                path = args.expiring_path or certificates.default_expiring_path()
                measure(
                    "expiring list against bare",
                    lambda: certificates.expiring_list_against_bare(config, path, rounds=4),
                )
            if "products" in args.only:
                measure(
                    "public page latency",
                    lambda: products.latency_at_light_load(
                        config, seconds=args.duration, miss_pages=args.miss_pages
                    ),
                )
                measure(
                    "public page against bare",
                    lambda: products.public_page_against_bare(
                        config, warm_pages=args.warm_pages, miss_pages=args.miss_pages
                    ),
                )
            if "declarations" in args.only:
                measure(
                    "declaration queue against bare",
                    lambda: declarations.queue_against_bare(config, rounds=4),
                )
            if "dashboard" in args.only:
                measure(
                    "dashboard against bare",
                    lambda: dashboard.dashboard_against_bare(config, samples, user, log),
                )
    except RuntimeError as exc:
        log(f"ERROR could not run the HTTP measures: {exc}")
        results.append((measures.Measure("HTTP server", 0, 0, "", "", False), str(exc)))
    path = report.save(RESULTS, meta, results)
    log(f"\nSaved {path.relative_to(ROOT)}")
    return 2 if any(error for _, error in results) else 0


if __name__ == "__main__":
    sys.exit(main())
