"""Synthetic certificates for load tests (``generate_synthetic --certificates N``).

Each certificate gets what ``standards.derivation.rebuild`` would store for its events: its
validity periods (the issue and the renewals, a renewal before expiry ending the earlier period
the day before), suspensions, withdrawal and surveillance due date; and the events themselves
(issued, renewed, suspended, reinstated, withdrawn). Annual surveillance audits are kept as the
typed ``last_audit_on`` rather than as events (a tenth of the rows for the same derived state:
``rebuild`` takes the later of the two). No history rows are written, as for the enterprises.

The mix: issue years 2015–2026, ISO 9001 most common, then VietGAP, ISO 22000, HACCP, ISO 14001
and the rest; about seven in ten renewed at each expiry (so a few in ten lapse), 2% suspended
(most lifted after one to four months), 1% withdrawn, 6% behind with their surveillance audit.
Everything comes from one seeded ``random.Random`` and a fixed "as of" day, so the same seed and
existing data give the same rows whatever day it runs. COPY on PostgreSQL (rows formatted as
COPY text by hand, the fastest path from Python), ``bulk_create`` elsewhere.
"""

import datetime
import functools
import random
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.db.models import Max

from standards.demo import ensure_standards
from standards.derivation import SURVEILLANCE_MONTHS, clear_stretch
from standards.derivation import add_months as _add_months
from standards.models import (
    Certificate,
    CertificateEvent,
    CertificatePeriod,
    CertificateSuspension,
    CertificationBody,
)

from ..models import Enterprise
from .loader import REBUILD_INDEXES_FROM, Log, _drop_foreign_keys
from .loader import _drop_secondary_indexes as _drop_indexes
from .rows import IMPORTED_AT

#: The day the synthetic register is "as of": no event after it.
AS_OF = datetime.date(2026, 11, 30)
FIRST_YEAR, LAST_YEAR = 2015, 2026

# (code, weight of 100, the scopes its certificates name)
STANDARD_MIX = (
    ("TCVN ISO 9001:2015", 38, ("Sản xuất và kinh doanh", "Thi công xây dựng", "Chế biến chè")),
    ("TCVN 11892-1:2017", 16, ("Sản xuất chè búp tươi", "Trồng rau an toàn", "Trồng lúa")),
    ("ISO 22000:2018", 12, ("Chế biến thực phẩm", "Chế biến chè", "Sản xuất nước uống")),
    ("HACCP", 10, ("Chế biến thủy sản", "Sản xuất rượu", "Chế biến thịt")),
    ("ISO 14001:2015", 8, ("Sản xuất vật liệu xây dựng", "Khai thác khoáng sản")),
    ("ISO 45001:2018", 5, ("Thi công xây dựng", "Khai thác đá")),
    ("GLOBALG.A.P.", 4, ("Trồng cây ăn quả", "Trồng rau")),
    ("Rainforest Alliance 2020", 4, ("Trồng và chế biến chè", "Trồng cà phê")),
    ("FSSC 22000", 3, ("Sản xuất bánh kẹo", "Chế biến sữa")),
)
SYNTHETIC_BODIES = (
    ("Trung tâm Chứng nhận Phù hợp", "QUACERT", "HT"),
    ("Công ty Cổ phần Chứng nhận và Giám định Vinacert", "VINACERT", "VICB"),
    ("Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1", "QUATEST 1", "Q1"),
    ("Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3", "QUATEST 3", "Q3"),
    ("Công ty TNHH Chứng nhận Quốc tế Việt Nam", "VICERT", "VCT"),
    ("Công ty TNHH Control Union Việt Nam", "CU", "CU"),
    ("Công ty TNHH Bureau Veritas Certification Việt Nam", "BVC", "BV"),
    ("Công ty TNHH SGS Việt Nam", "SGS", "SGS"),
)
RENEWED = 0.7
SUSPENDED = 0.02
LIFTED = 0.75
WITHDRAWN = 0.01
AUDIT_MISSED = 0.06
PROPOSED = 0.01  # entered by the enterprise, not yet verified

CERTIFICATE_COLUMNS = (
    "id", "enterprise_id", "standard_id", "adoption_id", "number", "body_id", "scope", "sites",
    "first_issued_on", "issued_on", "expires_on", "last_audit_on", "surveillance_due_on",
    "withdrawn_on", "clear_from", "clear_until", "scan", "review_state", "review_reason",
    "reviewed_by_id", "reviewed_at",
    "is_archived", "version", "created_at", "updated_at",
)  # fmt: skip
PERIOD_COLUMNS = ("certificate_id", "starts_on", "ends_on")
EVENT_COLUMNS = (
    "certificate_id", "kind", "happened_on", "expires_on", "to_body_id", "note",
    "recorded_by_id", "recorded_at",
)  # fmt: skip
SUSPENSION_COLUMNS = ("certificate_id", "starts_on", "ends_on")
TABLES = {
    Certificate._meta.db_table: CERTIFICATE_COLUMNS,
    CertificatePeriod._meta.db_table: PERIOD_COLUMNS,
    CertificateEvent._meta.db_table: EVENT_COLUMNS,
    CertificateSuspension._meta.db_table: SUSPENSION_COLUMNS,
}
DAY = datetime.timedelta(days=1)
# A few thousand distinct days and a handful of month counts: cached, the generator runs twice
# as fast.
add_months = functools.cache(_add_months)


@dataclass
class Generated:
    """One certificate's rows."""

    certificate: tuple
    periods: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    suspensions: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class StandardChoice:
    id: int
    months: int
    scopes: tuple[str, ...]


class CertificateRows:
    """Certificates for consecutive ids, on enterprises drawn from ``enterprise_ids``."""

    def __init__(
        self,
        *,
        rng: random.Random,
        enterprise_ids: array,
        standards: list[tuple[StandardChoice, int]],
        bodies: list[tuple[int, str]],
    ):
        self.rng = rng
        self.enterprise_ids = enterprise_ids
        self.standards = [choice for choice, weight in standards for _ in range(weight)]
        self.bodies = bodies
        self.first_day = datetime.date(FIRST_YEAR, 1, 1).toordinal()
        self.span = min(datetime.date(LAST_YEAR, 12, 31), AS_OF).toordinal() - self.first_day

    def rows(self, first_id: int, count: int) -> Iterator[Generated]:
        for pk in range(first_id, first_id + count):
            yield self.row(pk)

    def row(self, pk: int) -> Generated:
        rng = self.rng
        standard = self.standards[int(rng.random() * len(self.standards))]
        body_id, prefix = self.bodies[int(rng.random() * len(self.bodies))]
        first = datetime.date.fromordinal(self.first_day + int(rng.random() * self.span))
        out = Generated(certificate=())
        periods = self.periods(first, standard.months)
        withdrawn = None
        if rng.random() < WITHDRAWN:
            start, end = periods[-1]
            withdrawn = start + DAY * int(rng.random() * ((min(end, AS_OF) - start).days + 1))
        self.issue_events(out, pk, periods, standard.months)
        if rng.random() < SUSPENDED:
            self.suspension(out, pk, periods[-1], withdrawn)
        if withdrawn is not None:
            out.events.append((pk, "withdrawn", withdrawn, None, None, "", None, IMPORTED_AT))
        last_start = periods[-1][0]
        audit = self.last_audit(last_start, periods[-1][1], withdrawn)
        due = add_months(audit or last_start, SURVEILLANCE_MONTHS)
        verified = rng.random() >= PROPOSED
        out.periods = [(pk, start, end) for start, end in periods]
        clear = clear_stretch(periods, [(begins, lifted) for _, begins, lifted in out.suspensions])
        out.certificate = (
            pk,
            self.enterprise_ids[int(rng.random() * len(self.enterprise_ids))],
            standard.id,
            None,
            f"{prefix} {pk:07d}/{first.year % 100:02d}",
            body_id,
            standard.scopes[int(rng.random() * len(standard.scopes))],
            "",
            first,
            last_start,
            periods[-1][1],
            audit or last_start,
            due,
            withdrawn,
            *(clear or (None, None)),
            "",
            "verified" if verified else "proposed",
            "",
            None,
            None,
            False,
            1,
            IMPORTED_AT,
            IMPORTED_AT,
        )
        return out

    def periods(self, first: datetime.date, months: int) -> list[tuple]:
        """The issue and its renewals until a lapse or the as-of day."""
        rng = self.rng
        periods = [(first, add_months(first, months) - DAY)]
        while periods[-1][1] < AS_OF and rng.random() < RENEWED:
            start, end = periods[-1]
            renewal = max(start + DAY, end + DAY - DAY * int(rng.random() * 45))
            if renewal > AS_OF:
                break
            periods[-1] = (start, renewal - DAY)
            periods.append((renewal, add_months(renewal, months) - DAY))
        return periods

    def issue_events(self, out: Generated, pk: int, periods: list[tuple], months: int) -> None:
        for index, (start, _end) in enumerate(periods):
            kind = "issued" if index == 0 else "renewed"
            expires = add_months(start, months) - DAY  # before a renewal trimmed it
            out.events.append((pk, kind, start, expires, None, "", None, IMPORTED_AT))

    def suspension(self, out: Generated, pk: int, period: tuple, withdrawn) -> None:
        rng = self.rng
        start, end = period
        last = min(end, AS_OF, withdrawn or AS_OF)
        if last <= start:
            return
        begins = start + DAY * (1 + int(rng.random() * (last - start).days))
        if begins > last:
            return
        out.events.append((pk, "suspended", begins, None, None, "", None, IMPORTED_AT))
        lifted = begins + DAY * (30 + int(rng.random() * 90))
        if rng.random() < LIFTED and lifted <= AS_OF and (withdrawn is None or lifted < withdrawn):
            out.events.append((pk, "reinstated", lifted, None, None, "", None, IMPORTED_AT))
            out.suspensions.append((pk, begins, lifted))
        else:
            out.suspensions.append((pk, begins, None))

    def last_audit(self, start: datetime.date, end: datetime.date, withdrawn) -> datetime.date:
        """The latest yearly surveillance audit of the period up to the as-of day (or the
        withdrawal); one certificate in sixteen missed its last one."""
        stop = min(end, AS_OF, withdrawn or AS_OF)
        years = (stop.year - start.year) + 1
        while years > 0 and add_months(start, 12 * years) - 7 * DAY > stop:
            years -= 1
        if years > 0 and self.rng.random() < AUDIT_MISSED:
            years -= 1
        return add_months(start, 12 * years) - 7 * DAY if years > 0 else None


@dataclass(frozen=True)
class CertificateLoad:
    created: int
    first_id: int
    periods: int
    events: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def generate_certificates(*, count: int, seed: int, batch: int, log: Log) -> CertificateLoad:
    """Add ``count`` synthetic certificates on the enterprises already there."""
    enterprise_ids = array(
        "q",
        Enterprise.objects.filter(is_archived=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=50_000),
    )
    if not enterprise_ids:
        raise ValueError("no enterprise to give certificates to: generate enterprises first")
    existing = Certificate.objects.count()
    rows = CertificateRows(
        rng=random.Random(f"{seed}:certificates:{existing}"),
        enterprise_ids=enterprise_ids,
        standards=_standards(log),
        bodies=_bodies(),
    )
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        first_id, periods, events = _copy_postgresql(rows, count, batch, existing, log)
        analyzed = time.perf_counter()
        _analyze_tables(tuple(TABLES))
        log(f"VACUUM ANALYZE in {time.perf_counter() - analyzed:.1f} s.")
    else:
        first_id, periods, events = _bulk_create(rows, count, batch, log)
    return CertificateLoad(count, first_id, periods, events, time.perf_counter() - started)


def _standards(log: Log) -> list[tuple[StandardChoice, int]]:
    codes = [code for code, _weight, _scopes in STANDARD_MIX]
    if "load_standards" in get_commands():
        try:
            call_command("load_standards", verbosity=0)
        except Exception as exc:  # the loader's own errors: fall back to the rows we know
            log(f"load_standards failed ({exc}); creating the standards needed.")
    found = ensure_standards(codes)
    return [
        (StandardChoice(found[code].pk, found[code].validity_months or 36, scopes), weight)
        for code, weight, scopes in STANDARD_MIX
    ]


def _bodies() -> list[tuple[int, str]]:
    bodies = []
    for name, acronym, prefix in SYNTHETIC_BODIES:
        body, _ = CertificationBody.objects.get_or_create(
            name=name,
            defaults={"acronym": acronym, "accredited": True, "accredited_by": "BoA (VICAS)"},
        )
        bodies.append((body.pk, prefix))
    return bodies


# --- PostgreSQL ------------------------------------------------------------------------------


@functools.cache
def _iso(day: datetime.date | None) -> str:
    return "\\N" if day is None else day.isoformat()


def _certificate_lines(rows: list[tuple]) -> str:
    """COPY text of certificate rows (our values hold no tab, newline or backslash); written
    out per table because it is the slowest part of the load in Python."""
    stamp = IMPORTED_AT.isoformat()
    return "".join(
        f"{r[0]}\t{r[1]}\t{r[2]}\t\\N\t{r[4]}\t{r[5]}\t{r[6]}\t\t{_iso(r[8])}\t{_iso(r[9])}\t"
        f"{_iso(r[10])}\t{_iso(r[11])}\t{_iso(r[12])}\t{_iso(r[13])}\t{_iso(r[14])}\t"
        f"{_iso(r[15])}\t\t{r[17]}\t\t\\N\t\\N\t"
        f"f\t1\t{stamp}\t{stamp}\n"
        for r in rows
    )


def _date_pair_lines(rows: list[tuple]) -> str:
    return "".join(f"{r[0]}\t{_iso(r[1])}\t{_iso(r[2])}\n" for r in rows)


def _event_lines(rows: list[tuple]) -> str:
    stamp = IMPORTED_AT.isoformat()
    return "".join(
        f"{r[0]}\t{r[1]}\t{_iso(r[2])}\t{_iso(r[3])}\t\\N\t\t\\N\t{stamp}\n" for r in rows
    )


def _copy_postgresql(
    rows: CertificateRows, count: int, batch: int, existing: int, log: Log
) -> tuple[int, int, int]:
    table = Certificate._meta.db_table
    rebuild = count >= REBUILD_INDEXES_FROM and count > existing
    periods = events = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        first_id = _reserve_ids(cursor, table, count)
        dropped = []
        if rebuild:
            tables = tuple(TABLES)
            dropped = _drop_foreign_keys(cursor, tables) + _drop_indexes(cursor, tables)
            log(f"Dropped {len(dropped)} foreign keys and indexes; restoring them after the load.")
        done, copied = 0, time.perf_counter()
        while done < count:
            size = min(batch, count - done)
            generated = list(rows.rows(first_id + done, size))
            new_periods = [p for g in generated for p in g.periods]
            new_events = [e for g in generated for e in g.events]
            parts = {
                Certificate: _certificate_lines([g.certificate for g in generated]),
                CertificatePeriod: _date_pair_lines(new_periods),
                CertificateEvent: _event_lines(new_events),
                CertificateSuspension: _date_pair_lines(
                    [s for g in generated for s in g.suspensions]
                ),
            }
            for model, text in parts.items():
                name = model._meta.db_table
                if text:
                    with cursor.copy(f"COPY {name} ({', '.join(TABLES[name])}) FROM STDIN") as copy:
                        copy.write(text.encode())
            periods += len(new_periods)
            events += len(new_events)
            done += size
            log(f"  {done:,} / {count:,}")
        log(f"Copied {count:,} certificates in {time.perf_counter() - copied:.1f} s.")
        if dropped:
            started = time.perf_counter()
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in dropped:
                cursor.execute(statement)
            log(f"Restored them in {time.perf_counter() - started:.1f} s.")
    return first_id, periods, events


def _analyze_tables(tables: tuple[str, ...]) -> None:
    """Fresh statistics so the planner sees the new size at once (ANALYZE alone inside a
    transaction, where VACUUM cannot run)."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {table}")


def _reserve_ids(cursor, table: str, count: int) -> int:
    """The first of ``count`` consecutive free ids; the identity sequence moves past them."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute(
        f"SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}))",  # noqa: S608
        [sequence],
    )
    (first_id,) = cursor.fetchone()
    cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + count - 1])
    return first_id


# --- SQLite and others -------------------------------------------------------------------


def _bulk_create(rows: CertificateRows, count: int, batch: int, log: Log) -> tuple[int, int, int]:
    periods = events = 0
    with transaction.atomic():
        first_id = (Certificate.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        done = 0
        while done < count:
            size = min(batch, count - done)
            generated = list(rows.rows(first_id + done, size))
            Certificate.objects.bulk_create(
                Certificate(**dict(zip(CERTIFICATE_COLUMNS, g.certificate, strict=True)))
                for g in generated
            )
            for model, columns, attribute in (
                (CertificatePeriod, PERIOD_COLUMNS, "periods"),
                (CertificateEvent, EVENT_COLUMNS, "events"),
                (CertificateSuspension, SUSPENSION_COLUMNS, "suspensions"),
            ):
                made = model.objects.bulk_create(
                    model(**dict(zip(columns, row, strict=True)))
                    for g in generated
                    for row in getattr(g, attribute)
                )
                periods += len(made) if model is CertificatePeriod else 0
                events += len(made) if model is CertificateEvent else 0
            done += size
            log(f"  {done:,} / {count:,}")
    return first_id, periods, events
