"""Test helpers: query-count assertions that do not grow with the number of rows."""

from collections.abc import Callable, Iterator

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def count_queries(client: Client, url: str) -> tuple[int, int, list[str]]:
    """(status, number of data queries, their SQL) of one GET.

    Transaction control (savepoints of ATOMIC_REQUESTS, SQLite's BEGIN IMMEDIATE) is left out,
    so the same count holds on SQLite and PostgreSQL.
    """
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    sql = [q["sql"] for q in ctx.captured_queries]
    sql = [q for q in sql if not q.lstrip().upper().startswith(TRANSACTION_CONTROL)]
    return response.status_code, len(sql), sql


def assert_queries_constant(
    client: Client, url: str, add_rows: Callable[[int], None], n: int = 10
) -> int:
    """Fetch ``url`` with n and with 2n more rows added: the query count must be the same.

    Returns that count so the caller can also pin it.
    """
    add_rows(n)
    status, first, _ = count_queries(client, url)
    assert status == 200, status
    add_rows(n)
    status, second, sql = count_queries(client, url)
    assert status == 200, status
    assert first == second, f"{first} queries at {n} rows, {second} at {2 * n}:\n" + "\n".join(sql)
    return second


def require_postgresql() -> None:
    """Skip on SQLite during local runs; in CI (``REQUIRE_SERVICES=1``) a skip is a failure."""
    import os

    import pytest

    if connection.vendor == "postgresql":
        return
    message = "needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def cache_reads(monkeypatch, prefix: str = "") -> list[list[str]]:
    """The keys of each read of the default cache from now on whose keys start with ``prefix``:
    a ``get`` is one read of one key, a ``get_many`` one read of its keys (a backend's
    ``get_many`` may be a loop of ``get``s: those are not counted again)."""
    from django.core.cache import caches

    backend = caches["default"]
    reads: list[list[str]] = []
    inside_get_many: list[int] = []
    get, get_many = backend.get, backend.get_many

    def counted_get(key, *args, **kwargs):
        if key.startswith(prefix) and not inside_get_many:
            reads.append([key])
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        if any(key.startswith(prefix) for key in keys):
            reads.append(sorted(keys))
        inside_get_many.append(1)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(backend, "get", counted_get)
    monkeypatch.setattr(backend, "get_many", counted_get_many)
    return reads


def url_callbacks(patterns=None) -> Iterator[Callable]:
    """The view of every URL of the project (the URLconf's patterns, walked through includes)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_callbacks(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback
