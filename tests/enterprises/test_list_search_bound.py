"""A search with more matches than the list shows lists its newest matches, and says so."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import assert_queries_constant

LIST = reverse("enterprises:enterprise_list")


@pytest.fixture
def eight(db) -> list[Enterprise]:
    """Eight "Hợp tác xã" made in the order G, B, H, A, F, C, E, D (ids rise in that order)."""
    return [EnterpriseFactory(name=f"Hợp tác xã {letter}") for letter in "GBHAFCED"]


def _names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].page.object_list]


@pytest.mark.django_db
def test_a_broad_search_lists_its_newest_matches_in_name_order(officer, eight, settings):
    settings.PORTAL_LIST_MAX_ROWS = 5
    response = client_for(officer).get(LIST, {"q": "hợp tác xã"})
    # The five added last (A, F, C, E, D), in Vietnamese name order, not A–E.
    assert _names(response) == [f"Hợp tác xã {c}" for c in "ACDEF"]
    assert "Hơn 5 kết quả — đang hiện 5 kết quả được thêm gần đây nhất" in response.text


@pytest.mark.django_db
def test_the_newest_matches_keep_the_order_asked_for(officer, eight, settings):
    settings.PORTAL_LIST_MAX_ROWS = 5
    response = client_for(officer).get(LIST, {"q": "hop tac xa", "sort": "-name"})
    assert _names(response) == [f"Hợp tác xã {c}" for c in "FEDCA"]


@pytest.mark.django_db
def test_a_search_within_the_bound_lists_every_match_and_counts_them(officer, eight, settings):
    settings.PORTAL_LIST_MAX_ROWS = 8
    response = client_for(officer).get(LIST, {"q": "hợp tác xã"})
    assert _names(response) == [f"Hợp tác xã {c}" for c in "ABCDEFGH"]
    assert "8 kết quả" in response.text
    assert "gần đây nhất" not in response.text


@pytest.mark.django_db
def test_a_list_without_search_still_shows_the_first_names(officer, eight, settings):
    settings.PORTAL_LIST_MAX_ROWS = 5
    response = client_for(officer).get(LIST)
    assert _names(response) == [f"Hợp tác xã {c}" for c in "ABCDE"]
    assert "Hơn 5 kết quả — hãy thu hẹp" in response.text


@pytest.mark.django_db
def test_search_page_query_count_does_not_grow_with_matches(officer, monkeypatch):
    # The probe of the newest rows covers every id, whatever ids earlier tests used.
    monkeypatch.setattr("enterprises.models.SEARCH_PROBE_ROWS", 10**9)
    client = client_for(officer)
    url = f"{LIST}?q=hop+tac+xa"
    # Builds the unit and sector catalogues once, and on PostgreSQL reads the word index's
    # statistics (kept for ten minutes).
    client.get(url)
    count = assert_queries_constant(
        client,
        url,
        lambda n: EnterpriseFactory.create_batch(n, name="Hợp tác xã Chè", admin_unit=None),
    )
    # session, user with its roles; the page of rows with unit and sector joined; the bell's
    # unread count. SQLite: the newest matching ids; the shown ids in the order asked for.
    # PostgreSQL: the words that end with "hop" (for the word index), the newest id, and the
    # probe of the newest rows (which holds every match here) with the shown ids in order.
    from django.db import connection

    assert count == (7 if connection.vendor == "postgresql" else 6)
