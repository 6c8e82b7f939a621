"""The yearly indicators endpoint: the staff's, the same figures as year_table, flat queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.indicators.compute import json_number, year_table
from tests.api.test_api_lists import _add_enterprises

pytestmark = pytest.mark.django_db

URL = reverse("api:indicator-list")
SNAPSHOT = reverse("api:indicator-snapshot")


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("officer", 200), ("leader", 200), ("ent_a", 403)]
)
@pytest.mark.parametrize("url", [URL, SNAPSHOT])
def test_indicators_are_the_staffs(api_clients, api_records, persona, expected, url):
    assert api_clients[persona].get(f"{url}?year=2024").status_code == expected


def test_indicators_are_year_table(api_clients, api_records):
    body = api_clients["officer"].get(f"{URL}?year=2024&by=unit").json()
    expected = year_table(2024, by="unit")
    assert [r["code"] for r in body["results"]] == [r.code for r in expected]
    assert [r["value"] for r in body["results"]] == [json_number(r.value) for r in expected]
    assert any(r["value"] for r in body["results"])  # the records made count somewhere


def test_snapshot_has_every_indicator(api_clients, api_records):
    body = api_clients["leader"].get(f"{SNAPSHOT}?year=2024").json()
    assert body["year"] == 2024
    assert set(body["order"]) == set(body["indicators"])


@pytest.mark.parametrize("query", ["", "?year=abc", "?year=2024&by=nope", "?year=1800"])
def test_bad_year_or_breakdown_is_a_400(api_clients, api_records, query):
    response = api_clients["officer"].get(URL + query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_indicator_queries_are_flat(api_clients):
    client = api_clients["officer"]
    url = f"{URL}?year=2024&by=unit"
    _add_enterprises(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_enterprises(4)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
