"""Test helpers: query-count assertions that do not grow with the number of rows."""

from collections.abc import Callable

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
