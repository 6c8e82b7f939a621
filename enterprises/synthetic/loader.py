"""Writing synthetic enterprises: COPY on PostgreSQL, batched ``bulk_create`` on SQLite.

Rows bypass ``Enterprise.save()`` and simple-history on purpose: ``search_text`` is built with the
model's own ``build_search_text`` and ``version`` starts at 1, but no history rows are written
(a synthetic record has no past, and a million history rows would only slow the load).
"""

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Substr

from .. import catalogues
from ..choices import ClassificationVersion, SectorLevel, UnitLevel
from ..models import AdministrativeUnit, Enterprise, Sector, UnitAssignment, UnitOrigin
from . import vocabulary as v
from .rows import ASSIGNMENT_COLUMNS, ENTERPRISE_COLUMNS, EnterpriseRows, UnitChoice
from .taxcodes import tax_codes

Log = Callable[[str], None]

# Below this many new rows, dropping and rebuilding indexes costs more than it saves.
REBUILD_INDEXES_FROM = 100_000


@dataclass(frozen=True)
class LoadResult:
    created: int
    first_id: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def generate_enterprises(*, count: int, seed: int, batch: int, log: Log) -> LoadResult:
    """Add ``count`` synthetic enterprises (and their unit periods) after the existing ones."""
    ensure_reference_data(log)
    _check_columns()
    existing = Enterprise.objects.count()
    rows = EnterpriseRows(
        # The existing count is part of the seed: a top-up continues with new, repeatable rows.
        rng=random.Random(f"{seed}:{existing}"),
        **_unit_choices(),
        sector_ids=_sector_ids(),
    )
    codes = tax_codes(_next_sequences(), v.TAX_PREFIXES)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        first_id = _copy_postgresql(rows, codes, count, batch, existing, log)
        analyzed = time.perf_counter()
        _analyze_postgresql()
        log(f"VACUUM ANALYZE in {time.perf_counter() - analyzed:.1f} s.")
    else:
        first_id = _bulk_create(rows, codes, count, batch, log)
    return LoadResult(count, first_id, time.perf_counter() - started)


# --- Reference data ------------------------------------------------------------------------


def ensure_reference_data(log: Log) -> None:
    """Units and sectors to place enterprises in: the loading commands' data, else a small set."""
    if not AdministrativeUnit.objects.exists():
        if _run_loader("load_admin_units", log):
            _run_loader("load_unit_origins", log)  # the communes' former districts, if known
        else:
            _create_fallback_units()
            log("Created a fallback set of Lai Châu units (load_admin_units not available).")
    if not Sector.objects.exists() and not _run_loader("load_sectors", log):
        _create_fallback_sectors()
        log("Created a fallback set of VSIC 2018 sectors (load_sectors not available).")


def _run_loader(command: str, log: Log) -> bool:
    if command not in get_commands():
        return False
    try:
        call_command(command, verbosity=0)
    except CommandError as exc:
        log(f"{command} failed ({exc}); using the fallback set.")
        return False
    return True


@transaction.atomic
def _create_fallback_units() -> None:
    province = AdministrativeUnit.objects.create(
        code="12", name="Tỉnh Lai Châu", level=UnitLevel.PROVINCE
    )
    ended = datetime.date(2025, 6, 30)
    started = datetime.date(2025, 7, 1)
    AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                code=str(105 + i),
                name=name,
                level=UnitLevel.DISTRICT,
                parent=province,
                valid_to=ended,
            )
            for i, name in enumerate(v.FALLBACK_DISTRICTS)
        ]
        + [
            AdministrativeUnit(
                code=f"9{i:04d}",
                name=name,
                level=UnitLevel.WARD if name.startswith("Phường") else UnitLevel.COMMUNE,
                parent=province,
                valid_from=started,
            )
            for i, name in enumerate(v.FALLBACK_COMMUNES)
        ]
    )
    catalogues.invalidate(catalogues.UNITS)  # bulk_create sends no signal


@transaction.atomic
def _create_fallback_sectors() -> None:
    version = ClassificationVersion.VSIC2018
    sections = {
        code: Sector.objects.create(
            version=version, code=code, level=SectorLevel.SECTION, name=name
        )
        for code, name in v.FALLBACK_SECTIONS
    }
    Sector.objects.bulk_create(
        Sector(
            version=version,
            code=code,
            level=SectorLevel.DIVISION,
            parent=sections[section],
            name=name,
        )
        for code, section, name in v.FALLBACK_DIVISIONS
    )
    catalogues.invalidate(catalogues.SECTORS)


def _unit_choices() -> dict:
    """Leaf units in force today (wards weigh more), each with the unit of the period before.

    A current unit's former unit is the first it came from (``UnitOrigin``, as loaded by
    ``load_unit_origins``); without recorded origins, old units (with an end date) are shared
    out in blocks over the current ones, the way communes were grouped under a district.
    """
    units = list(AdministrativeUnit.objects.order_by("code", "pk"))
    if not units:
        raise CommandError("No administrative unit to place enterprises in.")
    by_id = {u.pk: u for u in units}
    parents = {u.parent_id for u in units}
    leaves = [u for u in units if u.pk not in parents]
    current = [u for u in leaves if u.valid_to is None] or leaves
    former = [u for u in leaves if u.valid_to is not None and u not in current]
    origins: dict[int, int] = {}
    for successor, predecessor in UnitOrigin.objects.order_by(
        "successor", "predecessor__code"
    ).values_list("successor_id", "predecessor_id"):
        origins.setdefault(successor, predecessor)
    choices = []
    for i, unit in enumerate(current):
        before = former[i * len(former) // len(current)] if former else None
        if unit.pk in origins:
            before = by_id.get(origins[unit.pk], before)
        choices.append(
            UnitChoice(
                id=unit.pk,
                valid_from=unit.valid_from,
                former_id=before.pk if before and unit.valid_from else None,
                address_suffix=_address_suffix(unit, by_id),
            )
        )
    weights = [3 if u.level == UnitLevel.WARD else 1 for u in current]
    return {"units": choices, "unit_weights": weights}


def _address_suffix(unit: AdministrativeUnit, by_id: dict[int, AdministrativeUnit]) -> str:
    """ "xã Bình Lư, tỉnh Lai Châu": the unit and its ancestors, lower-case kind words."""
    names = []
    seen: AdministrativeUnit | None = unit
    while seen is not None and len(names) < 4:
        names.append(seen.name[:1].lower() + seen.name[1:])
        seen = by_id.get(seen.parent_id)
    return ", ".join(names)


def _sector_ids() -> dict[str, int]:
    divisions = Sector.objects.filter(level=SectorLevel.DIVISION)
    preferred = divisions.filter(version=ClassificationVersion.VSIC2018)
    return dict((preferred if preferred.exists() else divisions).values_list("code", "pk"))


def _next_sequences() -> dict[str, int]:
    """Per tax-code prefix, the sequence number after the highest one already used."""
    used = (
        Enterprise.objects.filter(tax_code__regex=r"^[0-9]{10}(-[0-9]{3})?$")
        .values(prefix=Substr("tax_code", 1, 2))
        .annotate(top=Max(Substr("tax_code", 3, 7)))
    )
    return {row["prefix"]: int(row["top"]) + 1 for row in used}


def _check_columns() -> None:
    """Refuse to run when the model gained a required column the generator does not fill."""
    unfilled = [
        f.column
        for f in Enterprise._meta.concrete_fields
        if f.column not in ENTERPRISE_COLUMNS and not f.null
    ]
    if unfilled:
        raise CommandError(f"generate_synthetic does not fill: {', '.join(unfilled)}")


# --- PostgreSQL ------------------------------------------------------------------------------

ENTERPRISE_TABLE = Enterprise._meta.db_table
ASSIGNMENT_TABLE = UnitAssignment._meta.db_table


def _copy_postgresql(
    rows: EnterpriseRows, codes: Iterator[str], count: int, batch: int, existing: int, log: Log
) -> int:
    """COPY in one transaction; for a load larger than the table, indexes are rebuilt after."""
    enterprise_copy = f"COPY {ENTERPRISE_TABLE} ({', '.join(ENTERPRISE_COLUMNS)}) FROM STDIN"
    assignment_copy = f"COPY {ASSIGNMENT_TABLE} ({', '.join(ASSIGNMENT_COLUMNS)}) FROM STDIN"
    rebuild = count >= REBUILD_INDEXES_FROM and count > existing
    with transaction.atomic(), connection.cursor() as cursor:
        # No other writer may take ids or tax codes while ours are handed out.
        cursor.execute(f"LOCK TABLE {ENTERPRISE_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        first_id = _reserve_ids(cursor, count)
        dropped = []
        if rebuild:
            tables = (ENTERPRISE_TABLE, ASSIGNMENT_TABLE)
            dropped = _drop_foreign_keys(cursor, tables) + _drop_secondary_indexes(cursor, tables)
            log(f"Dropped {len(dropped)} foreign keys and indexes; restoring them after the load.")
        done, copied = 0, time.perf_counter()
        while done < count:
            size = min(batch, count - done)
            periods: list[tuple] = []
            with cursor.copy(enterprise_copy) as copy:
                for enterprise, assignments in rows.rows(first_id + done, codes, size):
                    copy.write_row(enterprise)
                    periods.extend(assignments)
            with cursor.copy(assignment_copy) as copy:
                for period in periods:
                    copy.write_row(period)
            done += size
            log(f"  {done:,} / {count:,}")
        log(f"Copied {count:,} rows in {time.perf_counter() - copied:.1f} s.")
        if dropped:
            started = time.perf_counter()
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in dropped:
                cursor.execute(statement)
            log(f"Restored them in {time.perf_counter() - started:.1f} s.")
    return first_id


def _reserve_ids(cursor, count: int) -> int:
    """The first of ``count`` consecutive free ids; the identity sequence moves past them."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [ENTERPRISE_TABLE])
    (sequence,) = cursor.fetchone()
    # The table name comes from the model, not from input.
    cursor.execute(
        f"SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM {ENTERPRISE_TABLE}))",  # noqa: S608
        [sequence],
    )
    (first_id,) = cursor.fetchone()
    cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + count - 1])
    return first_id


def _drop_foreign_keys(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' foreign keys; return the statements that add (and check) them again.

    One check of the whole table when they are added back costs a fraction of a trigger
    per inserted row.
    """
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
        ORDER BY conname
        """,
        [list(tables)],
    )
    found = cursor.fetchall()
    for table, name, _definition in found:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in found
    ]


def _drop_secondary_indexes(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes that back no constraint; return the statements that recreate them."""
    cursor.execute(
        """
        SELECT ci.relname, pg_get_indexdef(ci.oid)
        FROM pg_index x JOIN pg_class ci ON ci.oid = x.indexrelid
        WHERE x.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY ci.relname
        """,
        [list(tables)],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _analyze_postgresql() -> None:
    """Fresh statistics (and visibility map) so the planner sees the new size at once.

    VACUUM cannot run inside a transaction (a caller's, or a test's): ANALYZE alone then.
    """
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in (ENTERPRISE_TABLE, ASSIGNMENT_TABLE):
            cursor.execute(f"{command} {table}")


# --- SQLite and others -------------------------------------------------------------------


def _bulk_create(
    rows: EnterpriseRows, codes: Iterator[str], count: int, batch: int, log: Log
) -> int:
    with transaction.atomic():
        top = Enterprise.objects.aggregate(top=Max("pk"))["top"] or 0
        first_id = top + 1
        done = 0
        while done < count:
            size = min(batch, count - done)
            enterprises, periods = [], []
            for enterprise, assignments in rows.rows(first_id + done, codes, size):
                enterprises.append(
                    Enterprise(**dict(zip(ENTERPRISE_COLUMNS, enterprise, strict=True)))
                )
                periods.extend(
                    UnitAssignment(**dict(zip(ASSIGNMENT_COLUMNS, p, strict=True)))
                    for p in assignments
                )
            Enterprise.objects.bulk_create(enterprises)
            UnitAssignment.objects.bulk_create(periods)
            done += size
            log(f"  {done:,} / {count:,}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return first_id
