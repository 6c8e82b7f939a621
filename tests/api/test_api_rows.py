"""API lists read by id (``laichau_nsc.api.rows``) answer exactly what ``values()`` answered:
the same bytes for every list, persona, filter and cursor page, in as many queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laichau_nsc.api import rows
from tests.api.test_api_lists import LISTS, _add_enterprises

pytestmark = pytest.mark.django_db

STAFF_LISTS = ("enterprise", "adoption", "certificate")
ENTERPRISE_QUERIES = (
    "",
    "status=active",
    "archived=all",
    "size_class=small",
    "q=cong ty",
    "q=6200",
    "legal_form=cooperative&archived=yes",
    "page_size=2",
)


BY_ID = re.compile(r'\."id" (IN \(|= ANY\(ARRAY\()SELECT')


def _pages(client, url: str) -> list[tuple[bytes, int, bool]]:
    """The first page, the next two by cursor, then back one: (bytes, queries, whether a query
    read rows by id) of each."""
    seen = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content
        by_id = any(BY_ID.search(q["sql"]) for q in captured)
        seen.append((response.content, len(captured), by_id))
        body = response.json()
        following = body.get("next") if isinstance(body, dict) else None
        if not following:
            break
        url = following
    previous = response.json().get("previous") if isinstance(response.json(), dict) else None
    if previous:
        back = client.get(previous)
        seen.append((back.content, -1, False))
    return seen


def _without_rows_by_id(monkeypatch) -> None:
    """Every list read by Django's ``values()``, as before ``rows``."""
    monkeypatch.setattr(rows, "pk_ordering", lambda query: None)


@pytest.mark.parametrize("persona", ["officer", "leader", "ent_a"])
def test_every_list_answers_the_same_bytes_read_by_id(api_clients, ent_a, persona, monkeypatch):
    client = api_clients[persona]
    member = ent_a if persona == "ent_a" else None
    _add_enterprises(3, member)
    _add_enterprises(2)  # others' records, which an enterprise user must not get
    urls = []
    for name in LISTS:
        if persona == "ent_a" and name in STAFF_LISTS:
            continue
        base = reverse(f"api:{name}-list")
        urls += [base, f"{base}?page_size=1"]
    if persona != "ent_a":
        urls += [f"{reverse('api:enterprise-list')}?{query}" for query in ENTERPRISE_QUERIES]
    for url in urls:  # the catalogues built, as any web process has them
        client.get(url)
    fast = {url: _pages(client, url) for url in urls}
    _without_rows_by_id(monkeypatch)
    plain = {url: _pages(client, url) for url in urls}
    for url in urls:
        assert [page[0] for page in fast[url]] == [page[0] for page in plain[url]], url
        assert [page[1] for page in fast[url]] == [page[1] for page in plain[url]], url
        assert not any(page[2] for page in plain[url])
    # The comparison covered lists that are read by id (products; enterprises for staff).
    read_by_id = {url.split("?")[0] for url in urls if any(page[2] for page in fast[url])}
    if persona != "ent_a":
        assert reverse("api:enterprise-list") in read_by_id, read_by_id


def test_the_enterprise_list_reads_its_page_by_id_in_one_query(api_clients):
    _add_enterprises(3)
    with CaptureQueriesContext(connection) as captured:
        response = api_clients["officer"].get(reverse("api:enterprise-list") + "?status=active")
    assert response.status_code == 200
    pages = [q["sql"] for q in captured if "enterprises_enterprise" in q["sql"]]
    # One query for the page: the columns by id, the ids from the list's own conditions.
    assert len(pages) == 1, pages
    assert BY_ID.search(pages[0]), pages[0]


@pytest.mark.parametrize("persona", ["officer", "ent_a", "nobody"])
def test_rows_by_id_keep_the_users_scope(api_records, officer, ent_a, persona):
    """Read by id, a scoped queryset gives the rows ``values()`` gives: an enterprise user's
    own enterprise only (a subquery of its memberships), none for a user without a role."""
    from django.contrib.auth import get_user_model

    from enterprises.api import EnterpriseSerializer
    from enterprises.models import Enterprise

    users = {
        "officer": officer,
        "ent_a": ent_a,
        "nobody": get_user_model().objects.create_user("nobody"),
    }
    paths = EnterpriseSerializer.value_paths()
    scoped = Enterprise.objects.for_user(users[persona])
    for ordering in ("-id", "id", "pk"):
        expected = list(scoped.values(*paths).order_by(ordering)[:50])
        drawn = list(rows.rows_by_id(scoped, paths).order_by(ordering)[:50])
        assert drawn == expected
    mine = {row["id"] for row in rows.rows_by_id(scoped, paths).order_by("-id")[:50]}
    own, other = api_records.own["enterprise"].pk, api_records.other["enterprise"].pk
    assert (own in mine, other in mine) == {
        "officer": (True, True),
        "ent_a": (True, False),
        "nobody": (False, False),
    }[persona]


def test_a_list_not_ordered_by_its_key_alone_is_read_by_values(api_clients, api_records):
    """Numbered lists ordered by code (units, sectors…) keep Django's own reading."""
    with CaptureQueriesContext(connection) as captured:
        response = api_clients["officer"].get(reverse("api:admin-unit-list"))
    assert response.status_code == 200
    assert not any(BY_ID.search(q["sql"]) for q in captured)
