"""Test helpers: query-count assertions that do not grow with the number of rows."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def count_queries(client: Client, url: str) -> tuple[int, int, list[str]]:
    """(status, number of queries, the SQL) of one GET."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response.status_code, len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


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
