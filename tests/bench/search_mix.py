"""The search mix: what officers type in the enterprise list's search box, weighted, each result
checked against a reference scan.

Each query runs as the list runs it for a signed-in officer (archived records hidden, Vietnamese
name order, ``BoundedPaginator``'s ids and then page 1's 50 rows) and is timed from building the
queryset to holding the rows. Its answer (the rows of page 1 in their order, the count up to the
bound, and whether the list shows only the newest matches) is compared with ``reference``, which
computes the same definition the slowest, simplest way: a sequential scan testing every row with
``STRPOS``, the newest ``PORTAL_LIST_MAX_ROWS`` kept by id in Python, then sorted by name.

Goals (issue 6 §6): p95 ≤ 50 ms and worst ≤ 150 ms over the weighted mix, and p95 ≤ 15 ms over
the selective queries (at most 100 matches).
"""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from enterprises.models import Enterprise
from laichau_nsc.collation import VietnameseCollate
from laichau_nsc.pagination import BoundedPaginator
from laichau_nsc.text import fold

from .load import percentile

PER_PAGE = 50
SELECTIVE = 100  # matches
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Query:
    label: str
    text: str
    weight: int


@dataclass(frozen=True)
class Answer:
    """What the list shows for a search: page 1's ids, the count up to the bound, and whether it
    holds only the newest matches."""

    page: list[int]
    count: int
    newest_only: bool


def mix(sample: Enterprise, urban: Enterprise) -> list[Query]:
    """The weighted mix. ``sample`` gives a representative's full name, a whole enterprise name
    and tax-code pieces; ``urban`` an address with a house number."""
    village = sample.address.split(",", 1)
    return [
        # Legal-form phrases: what officers type most, and the broadest.
        Query("legal form: cooperative", "hợp tác xã", 4),
        Query("legal form: household business", "hộ kinh doanh", 4),
        Query("legal form: cooperative group", "tổ hợp tác", 2),
        Query("legal form: private enterprise", "doanh nghiệp tư nhân", 2),
        Query("legal form: joint-stock company", "công ty cổ phần", 2),
        Query("legal form: limited company", "Công ty TNHH", 2),
        # Places.
        Query("place: former district", "Tam Đường", 3),
        Query("place: commune", "Mường Tè", 2),
        Query("place: commune, no diacritics", "sin ho", 2),
        Query("place: ward", "Tân Phong", 1),
        # People.
        Query("surname and middle name", "Lò Văn", 2),
        Query("surname", "Nguyễn", 1),
        Query("full name of a representative", sample.representative, 3),
        Query("whole enterprise name", sample.name, 3),
        Query("a rarer word", "khiêm", 1),
        Query("a product", "chè", 2),
        # Codes.
        Query("tax-code prefix (8 digits)", sample.tax_code[:8], 3),
        Query("tax-code tail (6 digits)", sample.tax_code[-6:], 2),
        Query("whole tax code", sample.tax_code, 2),
        # Addresses.
        Query("full street address", urban.address, 2),
        Query("village and commune", village[0] + "," + village[1].split(",")[0], 1),
        # Short and empty-handed input.
        Query("one character", "a", 1),
        Query("two characters", "ch", 1),
        Query("no match", "xyzzy", 1),
    ]


def samples() -> tuple[Enterprise, Enterprise]:
    """A rural enterprise from the middle of the data, and an urban one (an address with a
    house number): fixed for a given database."""
    ids = Enterprise.objects.filter(is_archived=False).order_by("pk").values_list("pk", flat=True)
    total = ids.count()
    sample = Enterprise.objects.get(pk=ids[total // 2])
    urban = (
        Enterprise.objects.filter(is_archived=False, address__startswith="Số ", pk__gte=sample.pk)
        .order_by("pk")
        .first()
    )
    return sample, urban or sample


def listed(text: str) -> Answer:
    """The search as the list runs it: the paginator's ids, then page 1's rows."""
    queryset = (
        Enterprise.objects.search(text)
        .filter(is_archived=False)
        .select_related("admin_unit", "sector")
        .order_by(VietnameseCollate("name"), "pk")
    )
    paginator = BoundedPaginator(queryset, PER_PAGE)
    page = paginator.page(1)
    return Answer(
        [e.pk for e in page.object_list],
        min(paginator.count, settings.PORTAL_LIST_MAX_ROWS + 1),
        paginator.shows_newest,
    )


def reference(text: str) -> Answer:
    """The same answer from a sequential scan of every row (no index may be used)."""
    return reference_for_filters({"q": text})


def reference_for_filters(params: dict) -> Answer:
    """The list's answer for ``params`` (search and the plain filters a bench URL uses) from a
    sequential scan: with a search, the newest ``PORTAL_LIST_MAX_ROWS`` matches by id, sorted
    by name; without one, the first ones by name."""
    bound = settings.PORTAL_LIST_MAX_ROWS
    table = Enterprise._meta.db_table
    where, args = ["NOT is_archived"], []
    for name in ("legal_form", "status", "size_class"):
        if name in params:
            where.append(f"{name} = %s")
            args.append(params[name])
    if "admin_unit" in params:  # the bench picks a commune, which has no units under it
        where.append("admin_unit_id = %s")
        args.append(params["admin_unit"])
    if "sector" in params:  # a division, or a section with its divisions
        where.append(
            "(sector_id = %s OR sector_id IN (SELECT id FROM enterprises_sector "
            "WHERE parent_id = %s))"
        )
        args += [params["sector"], params["sector"]]
    folded = fold(params.get("q", ""))
    if folded:
        where.append("STRPOS(search_text, %s) > 0")
        args.append(folded)
    condition = " AND ".join(where)
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        if not folded:
            cursor.execute(
                f"SELECT id FROM {table} WHERE {condition} "  # noqa: S608
                f'ORDER BY name COLLATE "vi-x-icu", id LIMIT %s',
                [*args, bound + 1],
            )
            ordered = [row[0] for row in cursor.fetchall()]
            return Answer(ordered[:PER_PAGE], len(ordered), False)
        cursor.execute(f"SELECT id FROM {table} WHERE {condition}", args)  # noqa: S608
        matches = sorted((row[0] for row in cursor.fetchall()), reverse=True)
        cursor.execute(
            f'SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY name COLLATE "vi-x-icu", id',  # noqa: S608
            [matches[:bound]],
        )
        ordered = [row[0] for row in cursor.fetchall()]
    return Answer(ordered[:PER_PAGE], min(len(matches), bound + 1), len(matches) > bound)


@dataclass
class Timings:
    query: Query
    wall_ms: list[float]
    cpu_ms: float  # mean per search: this process plus the database backend
    matches: int


def _backend_cpu_s(pid: int) -> float:
    """CPU seconds of the PostgreSQL backend serving this connection (same machine)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / _TICKS


def run(queries: list[Query], repeat: int, log: Callable[[str], None]) -> list[Timings]:
    """Check every query against the reference, then time ``repeat`` rounds of the whole mix
    (round-robin, so noise from other work on the machine falls on every query alike)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    results = []
    for query in queries:
        got, want = listed(query.text), reference(query.text)
        if got != want:
            raise AssertionError(f"{query.label} {query.text!r}: list {got} ≠ reference {want}")
        results.append(Timings(query, [], 0.0, want.count))
        log(f"        checked {query.label!r}: {want.count:,} matches (capped at bound + 1)")
    cpu = [0.0] * len(queries)
    for _ in range(repeat):
        for i, query in enumerate(queries):
            started, own, db = time.perf_counter(), time.process_time(), _backend_cpu_s(backend)
            listed(query.text)
            results[i].wall_ms.append((time.perf_counter() - started) * 1000)
            cpu[i] += time.process_time() - own + _backend_cpu_s(backend) - db
    for i, result in enumerate(results):
        result.cpu_ms = cpu[i] * 1000 / repeat
    return results


def weighted_percentile(results: list[Timings], p: float) -> float:
    """Percentile of the timings, each search counted as often as its weight."""
    values = [ms for r in results for ms in r.wall_ms for _ in range(r.query.weight)]
    return percentile(values, p)
