"""The certificate list's results, kept by each process for as long as nothing they show has
changed.

The officers' "expiring within 90 days" list is asked again and again, and between two changes
of the certificates its answer is the same: the ids query (1,001 ids checked against
``expiring_within``), the page's rows, its HTML and the filter panel cost about 15 ms of CPU
each time. A process keeps the rendered filter fields and results (``Kept``) under a key naming
everything they depend on:

- ``data_version()``: counted by the database's own triggers on every table the results read
  (``CertificateDataChange``, migration 0013), so a write by any path (services, bulk updates,
  imports, the admin, raw SQL) changes it, and read before the results are computed, so results
  stored under a version were computed from that version or a later one, never an earlier one;
- the day (a certificate's status, the expiry window and the units in force move with it), the
  language and the address (the rows' links), the query string (filters, order, page) and the
  user's roles (``for_user``: officers and leaders see every certificate). The filter's choices
  come from the tables counted in the version (units, sectors, standards, bodies).

Input with errors and a search (``q``) are not kept: the enterprises' word index is read
through other tables. Each process keeps at most ``SIZE`` drawings (the least recently used go
first), only in its memory: restart the web processes after restoring a backup (the version
could come back to a value they have seen).
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import NamedTuple

from django.db import connection
from django.utils.safestring import SafeString

SIZE = 64
VERSION_SQL = (
    "SELECT COALESCE(SUM(changes), 0), COALESCE(MAX(last), 0) FROM standards_certificatedatachange"
)


class Kept(NamedTuple):
    """What the list keeps of a drawing: the filter panel's fields, the results, and the
    conditions shown above them (their number is on the filter button)."""

    filter_form_html: SafeString
    results_html: SafeString
    active_filters: tuple


_results: OrderedDict[Hashable, Kept] = OrderedDict()
_lock = threading.Lock()


def data_version() -> tuple[int, int]:
    """What the database has changed in the certificate list's tables, as this request sees it
    (its own uncommitted writes included)."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        changes, last = cursor.fetchone()
    return int(changes), int(last)


def get(key: Hashable) -> Kept | None:
    with _lock:
        kept = _results.get(key)
        if kept is not None:
            _results.move_to_end(key)
        return kept


def put(key: Hashable, kept: Kept) -> None:
    with _lock:
        _results[key] = kept
        _results.move_to_end(key)
        while len(_results) > SIZE:
            _results.popitem(last=False)


def clear() -> None:
    with _lock:
        _results.clear()
