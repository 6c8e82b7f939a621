import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory

LIST = reverse("enterprises:enterprise_list")


@pytest.fixture
def seven(db):
    return [EnterpriseFactory(name=f"Công ty {letter}") for letter in "GFEDCBA"]


@pytest.mark.django_db
def test_list_stops_counting_at_the_bound(officer, seven, settings):
    settings.PORTAL_LIST_MAX_ROWS = 5
    response = client_for(officer).get(LIST, {"per_page": 20})
    assert "Hơn 5 kết quả" in response.text
    shown = [name for name in (f"Công ty {c}" for c in "ABCDEFG") if name in response.text]
    assert shown == ["Công ty A", "Công ty B", "Công ty C", "Công ty D", "Công ty E"]


@pytest.mark.django_db
def test_pages_keep_the_sort_order(officer, seven, settings):
    settings.PORTAL_LIST_MAX_ROWS = 100
    client = client_for(officer)
    page = client.get(LIST, {"per_page": 20, "sort": "-name"}).context["table"].page
    assert [e.name for e in (row.record for row in page.object_list)][:3] == [
        "Công ty G",
        "Công ty F",
        "Công ty E",
    ]


@pytest.mark.django_db
def test_deepest_page_holds_the_last_rows_within_the_bound(officer, db, settings):
    settings.PORTAL_LIST_MAX_ROWS = 45
    EnterpriseFactory.create_batch(60)
    context = client_for(officer).get(LIST, {"per_page": 20, "page": 3}).context
    page = context["table"].page
    assert page.number == 3
    assert len(page.object_list) == 5  # rows 41–45 of the 45 shown
    # A page past the end shows the last one instead of an error.
    assert (
        client_for(officer).get(LIST, {"per_page": 20, "page": 99}).context["table"].page.number
        == 3
    )


@pytest.mark.django_db
def test_rows_per_page_can_be_chosen_from_the_offered_sizes_only(officer, db):
    EnterpriseFactory.create_batch(25)
    client = client_for(officer)
    assert client.get(LIST, {"per_page": 20}).context["table"].paginator.per_page == 20
    assert client.get(LIST, {"per_page": 7}).context["table"].paginator.per_page == 50
    assert "Số dòng mỗi trang" in client.get(LIST).text
