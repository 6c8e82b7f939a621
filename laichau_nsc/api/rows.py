"""A list's page of ``values()`` rows in one query whose column list is compiled once.

``ScopedViewSet.value_rows`` used to end a list's queryset with ``values(*23 paths)``: every
request then set up those paths (joins included) and compiled the 23 columns again, about
0.7 ms of a 7 ms request, for SQL that never changes. Here the request's queryset (``for_user``,
the FilterSet, the paginator's order, position and slice) is compiled as it always was, but for
its ids only, and put inside a statement whose columns and joins were compiled once per
serializer and database (``_RowsSql``):

    SELECT <the serializer's columns> FROM <table> LEFT OUTER JOIN …
    WHERE <table>.<pk> IN (<the request's query, ids only>)   -- = ANY(ARRAY(…)) on PostgreSQL
    ORDER BY <table>.<pk> [DESC]

Why it is right for every user, scope and filter: the rows are exactly those whose id the
request's own query returns (the outer statement adds no condition and drops none: its only
WHERE is membership in that query's ids), and the ids are unique, so no row is repeated or
lost; the outer order is the inner one (only a page ordered by the primary key alone takes this
path, so the order is total and the same). The compiled part holds no value of any request
(no parameters: table and column names only), so nothing of one request can reach another.
The inner query's own tables resolve to its own FROM (SQL's scoping), so it is not correlated
with the outer one. Still one query per page.
"""

import functools

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import BaseIterable


class _RowsSql:
    """The constant part of the statement for one model, column paths and database vendor."""

    def __init__(self, model, paths: tuple[str, ...], using: str) -> None:
        connection = connections[using]
        # The base manager: no condition of a default manager, no default ordering.
        query = model._base_manager.order_by().values(*paths).query
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        if params or query.where or query.order_by or query.is_sliced:  # pragma: no cover
            raise ValueError("the rows' head must be plain columns and joins")
        self.head = sql
        self.names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        cols = [col for col, _sql, _alias in compiler.select]
        # Per column: the database backend's converters (SQLite's booleans, dates…).
        self.converters = [
            (index, col, convs) for index, (convs, col) in compiler.get_converters(cols).items()
        ]
        quote = connection.ops.quote_name
        self.pk = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
        # On PostgreSQL an InitPlan: the page's ids first, then one index probe each.
        self.among = "= ANY(ARRAY({}))" if connection.vendor == "postgresql" else "IN ({})"

    def sql(self, inner: str, descending: bool) -> str:
        where = f"{self.pk} {self.among.format(inner)}"
        return f"{self.head} WHERE {where} ORDER BY {self.pk} {'DESC' if descending else 'ASC'}"


@functools.cache
def _rows_sql(model, paths: tuple[str, ...], using: str, vendor: str) -> _RowsSql:
    return _RowsSql(model, paths, using)


def pk_ordering(query) -> bool | None:
    """True (descending) / False (ascending) when ``query`` is ordered by its primary key
    alone, else None."""
    ordering = query.order_by
    if len(ordering) != 1 or not isinstance(ordering[0], str):
        return None
    name = ordering[0]
    descending = name.startswith("-")
    name = name.lstrip("-")
    pk = query.model._meta.pk
    if name in ("pk", pk.name, pk.attname):
        return descending
    return None


class RowsByIdIterable(BaseIterable):
    """Rows as dicts keyed by the ``values()`` paths (as ``ValuesIterable`` gives them), read
    by the statement above; a queryset not ordered by its primary key alone, or with extra
    selections, is read by Django's own ``ValuesIterable`` from the same paths."""

    paths: tuple[str, ...] = ()

    def __iter__(self):
        queryset = self.queryset
        query = queryset.query
        descending = pk_ordering(query)
        if (
            descending is None
            or query.extra
            or query.annotation_select
            or query.distinct
            or query.combinator
        ):
            yield from _plain_values(queryset, self.paths)
            return
        using = queryset.db
        connection = connections[using]
        rows_sql = _rows_sql(query.model, self.paths, using, connection.vendor)
        try:
            inner, params = query.get_compiler(using).as_sql()
        except EmptyResultSet:  # none(): no rows, as Django's own iterables answer
            return
        names, converters = rows_sql.names, rows_sql.converters
        with connection.cursor() as cursor:
            _fast_times(cursor, connection)
            cursor.execute(rows_sql.sql(inner, descending), params)
            rows = cursor.fetchall()
        for row in rows:
            if converters:
                row = list(row)
                for index, col, convs in converters:
                    value = row[index]
                    for converter in convs:
                        value = converter(value, col, connection)
                    row[index] = value
            yield dict(zip(names, row, strict=True))


@functools.cache
def _psycopg_time_loader() -> tuple[int, type] | None:
    """psycopg's own loader of ``timestamptz`` text (compiled, when psycopg's C module is
    installed), and the type's oid; None without psycopg."""
    try:
        import psycopg
        from psycopg.postgres import types
        from psycopg.pq import Format
    except ImportError:  # pragma: no cover - SQLite only
        return None
    oid = types["timestamptz"].oid
    return oid, psycopg.adapters.get_loader(oid, Format.TEXT)


def _fast_times(cursor, connection) -> None:
    """Times read by psycopg's own loader on this cursor, not Django's: Django's loader (which
    only sets the connection's time zone on what psycopg's Python loader read) costs about
    3 µs a value, two a row. With the session in UTC, as Django keeps it when ``USE_TZ`` is on,
    psycopg's loader gives the same aware times in UTC (``tests/api/test_api_rows.py``
    compares the answers byte for byte)."""
    loader = _psycopg_time_loader() if connection.vendor == "postgresql" else None
    if loader is None or connection.timezone_name != "UTC":
        return
    oid, loader_class = loader
    # The cursor's own map (psycopg gives every cursor a copy of its connection's).
    cursor.cursor.adapters.register_loader(oid, loader_class)


def _plain_values(queryset, paths: tuple[str, ...]):
    return iter(queryset.values(*paths))  # values() sets Django's own ValuesIterable


@functools.cache
def _iterable_of(paths: tuple[str, ...]) -> type[RowsByIdIterable]:
    return type("RowsByIdIterable", (RowsByIdIterable,), {"paths": paths})


def rows_by_id(queryset, paths: list[str]):
    """``queryset`` (the list's, before paging) read as rows of ``paths`` by ``RowsByIdIterable``:
    its own select is the primary key only (what the statement above needs of it)."""
    ids = queryset.values(queryset.model._meta.pk.name)
    ids._iterable_class = _iterable_of(tuple(paths))
    return ids
