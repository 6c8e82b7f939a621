"""Bench of the bulk import: rows/s with full validation and history against PostgreSQL COPY of
the same rows, and the import's memory at two sizes (it must stay flat).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/nsc_imports_bench \\
        python -m tests.bench.imports --sizes 1000,2000 --rounds 3

Each round imports N enterprises (a CSV of the import template) through the job runner's
commit path (``import_job_run``: every row parsed, checked by ``enterprise_create`` with
``full_clean``, saved with its history row naming the import, all in one transaction), then
COPYs the same N rows into the same table; both are deleted after each round. Rounds alternate
(import, COPY, import, COPY …) so load on the machine hits both alike; the median of each is
reported. Memory: the Python heap's peak (tracemalloc) during an import of N and of 2N rows.
"""

import argparse
import io
import os
import statistics
import time
import tracemalloc

from .environment import DEFAULT_DATABASE_URL, configure_environment, ensure_database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.imports")
    parser.add_argument("--sizes", default="1000,2000", help="rows per round; two sizes")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds per size (0: memory only)"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    url = os.environ.get(
        "BENCH_DATABASE_URL", DEFAULT_DATABASE_URL.replace("nsc_bench", "nsc_imports_bench")
    )
    ensure_database(url, print)
    configure_environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from .report import print_measure

    sizes = [int(s) for s in args.sizes.split(",")]
    officer = _officer()
    for size in sizes if args.rounds else ():  # --rounds 0: memory only
        rows = _rows(size)
        content = _csv(rows)
        imports, copies = [], []
        for _round in range(args.rounds):
            imports.append(size / _timed(lambda c=content, n=size: _import(officer, c, n)))
            _delete(rows)
            copies.append(size / _timed(lambda r=rows: _copy(r)))
            _delete(rows)
        measure = _measure(size, statistics.median(imports), statistics.median(copies))
        print_measure(measure)
    _peak_memory(officer, 20)  # warm-up: modules imported on first use are not the import's
    peaks = [_peak_memory(officer, size) for size in sizes]
    print(
        "MEMORY  import peak Python heap: "
        + ", ".join(
            f"{size:,} rows → {peak / 1024 / 1024:.1f} MB"
            for size, peak in zip(sizes, peaks, strict=True)
        )
        + f"; growth ×{peaks[-1] / max(peaks[0], 1):.2f} for ×{sizes[-1] / sizes[0]:.1f} rows"
    )


def _measure(size: int, rate: float, baseline: float):
    from .measures import Measure

    return Measure(
        name=f"import {size:,} enterprises (validation + history) vs COPY",
        value=rate,
        baseline=baseline,
        unit="rows/s",
        goal="≥ 0.3× COPY",
        passed=rate >= 0.3 * baseline,
    )


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _officer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _created = get_user_model().objects.get_or_create(username="bench-import-officer")
    user.groups.add(Group.objects.get(name="officer"))
    return user


def _rows(size: int) -> list[dict]:
    from enterprises.synthetic.taxcodes import tax_codes

    codes = tax_codes({}, ("79",))  # a province code the synthetic Lai Châu data does not use
    return [
        {
            "tax_code": next(codes),
            "name": f"Công ty cổ phần Thử tải số {i}",
            "legal_form": "Công ty cổ phần",
            "address": f"Số {i}, đường Trần Hưng Đạo, tỉnh Lai Châu",
            "representative": "Nguyễn Văn An",
            "phone": "0213 3876 123",
        }
        for i in range(size)
    ]


def _csv(rows: list[dict]) -> bytes:
    import csv

    from imports.kinds import SPECS

    columns = SPECS["enterprises"].columns
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.title() for c in columns])
    for row in rows:
        writer.writerow([row.get(c.name, "") for c in columns])
    return out.getvalue().encode("utf-8")


def _import(officer, content: bytes, size: int) -> None:
    from django.core.files.base import ContentFile

    from imports.models import ImportJob
    from laichau_nsc import jobs

    job = ImportJob(
        user=officer,
        kind="enterprises",
        mode="commit",
        original_name="bench.csv",
        size=len(content),
    )
    job.file.save("bench.csv", ContentFile(content), save=False)
    job.save()
    jobs.execute(ImportJob._meta.label, job.pk, heartbeat=False)
    job.refresh_from_db()
    if not job.committed or job.created_count != size:
        raise SystemExit(f"import failed: {job.error or job.messages[:3]}")


def _copy(rows: list[dict]) -> None:
    from django.db import connection, transaction

    from enterprises.models import Enterprise

    columns = (
        "name",
        "short_name",
        "tax_code",
        "legal_form",
        "size_class",
        "address",
        "representative",
        "representative_title",
        "phone",
        "email",
        "website",
        "status",
        "is_archived",
        "search_text",
        "version",
        "created_at",
        "updated_at",
    )
    now = time.strftime("%Y-%m-%d %H:%M:%S+00")
    with transaction.atomic(), connection.cursor() as cursor:
        sql = f"COPY enterprises_enterprise ({', '.join(columns)}) FROM STDIN"
        with cursor.connection.cursor().copy(sql) as copy:
            for r in rows:
                copy.write_row(
                    (
                        r["name"],
                        "",
                        r["tax_code"],
                        "joint_stock",
                        "",
                        r["address"],
                        r["representative"],
                        "",
                        r["phone"],
                        "",
                        "",
                        "active",
                        False,
                        Enterprise.build_search_text(
                            r["name"], r["tax_code"], r["representative"], r["address"]
                        ),
                        1,
                        now,
                        now,
                    )
                )


def _delete(rows: list[dict]) -> None:
    from django.db import connection

    codes = [r["tax_code"] for r in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM enterprises_historicalenterprise WHERE tax_code = ANY(%s)", [codes]
        )
        cursor.execute("DELETE FROM enterprises_enterprise WHERE tax_code = ANY(%s)", [codes])


def _peak_memory(officer, size: int) -> int:
    rows = _rows(size)
    content = _csv(rows)
    tracemalloc.start()
    try:
        _import(officer, content, size)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        _delete(rows)


if __name__ == "__main__":
    main()
