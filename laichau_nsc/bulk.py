"""Inserting many checked records at once with PostgreSQL's COPY, and their history rows.

For imports: the rows were checked by the services' rules already (``full_clean`` and the
lookups of a batch); what is left is writing them. Django's ``bulk_create`` spends most of an
import's time preparing each value of each row in Python (and django-simple-history builds a
historical model instance per row), where COPY takes the values as they are. The ids are
drawn from the table's sequence first (one query), so every record knows its id, as
``bulk_create`` would tell it, and its history rows can point at it.

Only models whose columns are plain (text, numbers, dates, booleans, foreign keys) are
written this way, and only on PostgreSQL; ``can_copy`` says so, and the caller otherwise uses
``bulk_create`` and ``bulk_create_with_history``. Errors (a unique key taken meanwhile, a check
constraint) are Django's ``IntegrityError``, raised inside the caller's transaction.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
_HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def can_copy(model: type[models.Model]) -> bool:
    """Whether ``copy_insert`` can write this model (and its history model, if any)."""
    if connection.vendor != "postgresql":
        return False
    models_ = [model]
    history = getattr(model, "history", None)
    if history is not None:
        models_.append(history.model)
        extra = {f.attname for f in history.model._meta.concrete_fields} - _HISTORY_FIELDS
        if extra - {f.attname for f in model._meta.concrete_fields}:
            return False  # a history field we would not know how to fill
    return all(
        field.get_internal_type() in _PLAIN
        for each in models_
        for field in each._meta.concrete_fields
    )


def _new_ids(model: type[models.Model], count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[models.Model], rows: Iterable[Sequence]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _plain(field: models.Field):
    """The value as COPY takes it: text fields as text (``get_prep_value`` does the same)."""
    if field.get_internal_type() in ("CharField", "TextField"):
        return lambda value: value if value is None or isinstance(value, str) else str(value)
    return lambda value: value


def copy_insert(objs: list[models.Model], *, now: datetime.datetime | None = None) -> None:
    """Insert ``objs`` (new records of one model) with their ids drawn first; ``auto_now`` and
    ``auto_now_add`` fields get ``now``. Each record then behaves as saved."""
    if not objs:
        return
    model = type(objs[0])
    now = now or timezone.now()
    fields = model._meta.concrete_fields
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj, pk in zip(objs, _new_ids(model, len(objs)), strict=True):
        obj.pk = pk
        for field in stamped:
            setattr(obj, field.attname, now)
        obj._state.adding = False
        obj._state.db = connection.alias
    plain = [(f.attname, _plain(f)) for f in fields]
    _copy(model, (tuple(convert(getattr(o, name)) for name, convert in plain) for o in objs))


def copy_history(
    objs: list[models.Model], *, user, reasons: list[str], now: datetime.datetime | None = None
) -> None:
    """The "created" history rows of ``objs`` (just inserted), as django-simple-history writes
    them: the tracked fields, the date, who, and each row's change reason."""
    if not objs:
        return
    history = type(objs[0]).history.model
    now = now or timezone.now()
    ids = _new_ids(history, len(objs))
    special = {
        "history_date": lambda obj, index: now,
        "history_change_reason": lambda obj, index: reasons[index],
        "history_type": lambda obj, index: "+",
        "history_user_id": lambda obj, index: getattr(user, "pk", None),
        "history_id": lambda obj, index: ids[index],
    }
    getters = []
    for field in history._meta.concrete_fields:
        if field.attname in special:
            getters.append(special[field.attname])
        else:
            convert, name = _plain(field), field.attname
            getters.append(lambda obj, index, c=convert, n=name: c(getattr(obj, n)))
    _copy(history, (tuple(get(o, i) for get in getters) for i, o in enumerate(objs)))
