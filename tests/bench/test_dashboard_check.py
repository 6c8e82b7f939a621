"""The dashboard bench accepts an answer only if it states the figures the year's snapshot
computed from the records; a page whose figures differ from them fails the check."""

import pytest
from django.core.cache import cache

from programs.models import IndicatorSummary
from tests.bench.dashboard import build_summaries, expected_rows
from tests.conftest import client_for
from tests.programs.dashboard_data import make_records

URL = "/bang-dieu-khien/"


@pytest.mark.django_db
def test_the_bench_checks_each_answer_against_the_snapshot_of_its_year(leader, settings):
    settings.SUMMARY_REFRESH_ON_VIEW = False
    make_records()
    _seconds, snapshots = build_summaries(lambda message: None)
    rows = expected_rows(snapshots[2022])
    first = snapshots[2022]["order"][0]
    assert len(rows) > 1
    assert rows[0].startswith(f"<tr><td>{first}</td>".encode())
    client = client_for(leader)
    page = client.get(URL, {"nam": 2022}).content
    assert all(row in page for row in rows)

    # Summaries that no longer say what the records say: the check refuses the page.
    IndicatorSummary.objects.filter(year=2022, indicator=first, breakdown="").update(value=987)
    cache.clear()
    page = client.get(URL, {"nam": 2022}).content
    assert b"987" in page
    assert not all(row in page for row in rows)
