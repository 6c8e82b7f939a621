"""``pk__among``: the same rows as ``pk__in``, with the list sent as one array on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise
from laichau_nsc.pagination import BoundedPaginator
from tests.enterprises.factories import EnterpriseFactory


@pytest.mark.django_db
def test_among_finds_what_in_finds():
    made = EnterpriseFactory.create_batch(5)
    wanted = [made[0].pk, made[3].pk, 10**9]
    assert set(Enterprise.objects.filter(pk__among=wanted)) == {made[0], made[3]}
    assert not Enterprise.objects.filter(pk__among=[]).exists()
    assert Enterprise.objects.exclude(pk__among=wanted).count() == 3


@pytest.mark.django_db
def test_a_search_page_orders_its_ids_with_one_parameter_on_postgresql(settings):
    settings.PORTAL_LIST_MAX_ROWS = 30
    EnterpriseFactory.create_batch(40, name="Hợp tác xã Chè 2024")
    # Digits: a search the word index does not serve, whose newest ids are ordered by key
    # (the word index's searches order them in the query that finds them).
    searched = Enterprise.objects.search("2024").order_by("name", "pk")
    with CaptureQueriesContext(connection) as captured:
        paginator = BoundedPaginator(searched, 10)
        page = paginator.page(1)
    assert paginator.shows_newest
    assert len(page.object_list) == 10
    ordering = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]]
    if connection.vendor == "postgresql":
        # The 30 newest ids travel as one array, not as 30 literals.
        assert any("= ANY(" in sql for sql in ordering), ordering
        assert not any(" IN (" in sql and sql.count(",") >= 29 for sql in ordering), ordering
