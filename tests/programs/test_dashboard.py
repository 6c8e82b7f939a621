"""The leaders' dashboard shows the figures of ``snapshot(year)`` (through the summaries), how
fresh they are, and exports them; officers and leaders only; its query count is flat."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from programs import indicators, summaries
from programs.models import IndicatorSummary
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import cache_reads
from tests.programs.dashboard_data import make_records
from tests.test_permission_matrix import assert_csp_clean

URL = "/bang-dieu-khien/"


def build_all() -> None:
    for year in summaries.summary_years():
        summaries.summary_rebuild(year=year)


@pytest.fixture
def built(db, settings):
    settings.SUMMARY_REFRESH_ON_VIEW = False
    make_records()
    build_all()


def as_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@pytest.mark.django_db
def test_dashboard_url():
    assert reverse("dashboard:dashboard") == URL


@pytest.mark.parametrize("year", [2022, 2023])
def test_dashboard_figures_equal_the_snapshot_of_the_year(built, leader, year):
    response = client_for(leader).get(URL, {"nam": year})
    assert response.status_code == 200
    board = response.context["board"]
    snapshot = indicators.snapshot(year)
    shown = {f.code: f.value for f in board.figures}
    assert shown == {c: as_decimal(e["value"]) for c, e in snapshot["indicators"].items()}
    targets = {f.code: f.target for f in board.figures}
    assert targets == {c: as_decimal(e["target"]) for c, e in snapshot["indicators"].items()}
    # Every breakdown group, as the snapshot has it.
    for b in board.breakdowns:
        for code, _name in b.indicators:
            expected = {
                str(k): as_decimal(v)
                for k, _l, v in snapshot["indicators"][code]["breakdowns"].get(b.by, [])
            }
            got = {k: b.values[(k, code)] for k, _l in b.groups if (k, code) in b.values}
            assert got == expected, (code, b.by)
    assert {b.by for b in board.breakdowns} >= {"unit", "sector"}
    # The trend has every year's total as that year's snapshot has it.
    other = indicators.snapshot(2023 if year == 2022 else 2022)
    trend = board.trend["CERT_VALID"]
    assert trend[other["year"]] == as_decimal(other["indicators"]["CERT_VALID"]["value"])


def test_dashboard_shows_the_target_progress(built, leader):
    text = client_for(leader).get(URL, {"nam": 2022}).text
    snapshot = indicators.snapshot(2022)
    progress = snapshot["indicators"]["CERT_VALID"]["progress"]
    assert progress == "3 / 4 (75 %)"
    assert progress in text
    assert_csp_clean(text)


def test_dashboard_says_when_figures_were_computed_and_when_they_are_updating(built, leader):
    client = client_for(leader)
    response = client.get(URL, {"nam": 2022})
    assert "Số liệu cập nhật lúc" in response.text
    assert 'id="stale-badge"' not in response.text
    EnterpriseFactory()  # a record changes: the year is stale until the rebuild
    summaries.summaries_note_change()  # what its commit runs (the test never commits)
    response = client.get(URL, {"nam": 2022})
    assert "đang cập nhật" in response.text
    summaries.summary_rebuild(year=2022)
    assert 'id="stale-badge"' not in client.get(URL, {"nam": 2022}).text


@pytest.mark.django_db
def test_embedded_mode_rebuilds_stale_years_when_the_dashboard_opens(leader, settings):
    settings.SUMMARY_REFRESH_ON_VIEW = True
    settings.SUMMARY_DEBOUNCE_SECONDS = 0
    make_records()
    assert not IndicatorSummary.objects.exists()
    response = client_for(leader).get(URL, {"nam": 2022})
    cert_valid = next(f for f in response.context["board"].figures if f.code == "CERT_VALID")
    assert cert_valid.value == 3
    assert summaries.stale_years() == []


@pytest.mark.parametrize("raw", ["abc", "1999", "20222"])
def test_a_bad_year_shows_this_year_with_a_message(built, leader, raw):
    response = client_for(leader).get(URL, {"nam": raw})
    assert response.status_code == 200
    assert response.context["board"].year == summaries.summary_years()[-1]
    assert "Năm không hợp lệ" in response.text


def test_dashboard_query_count_is_flat(built, leader, django_assert_max_num_queries):
    client = client_for(leader)
    client.get(URL, {"nam": 2022})  # warm the session
    cache.clear()  # the worst case: nothing cached
    # session, user, roles, summary states, approvals' states, summaries (one query), three
    # attention counts, notifications bell, the year's approval
    with django_assert_max_num_queries(11) as small:
        client.get(URL, {"nam": 2022})
    make_records(certificates=12)
    build_all()
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL, {"nam": 2022})


def test_the_board_is_cached_until_a_rebuild(built, leader, django_assert_max_num_queries):
    client = client_for(leader)
    first = client.get(URL, {"nam": 2022})
    assert "board" in first.context
    # session, user, roles, notifications bell: the summaries' states, the board and the
    # attention counts come from the cache; the year's approval is one small query.
    with django_assert_max_num_queries(5):
        again = client.get(URL, {"nam": 2022})
    assert "board" not in again.context  # not built again
    assert again.context["board_html"] == first.context["board_html"]
    make_records(certificates=2)
    summaries.summary_rebuild(year=2022)
    response = client.get(URL, {"nam": 2022})
    cert_valid = next(f for f in response.context["board"].figures if f.code == "CERT_VALID")
    assert cert_valid.value == indicators.snapshot(2022)["indicators"]["CERT_VALID"]["value"]


def test_dashboard_never_computes_indicators_per_request(
    built, leader, monkeypatch, django_assert_max_num_queries
):
    def forbidden(*args, **kwargs):
        raise AssertionError("the dashboard computed indicators in the request")

    monkeypatch.setattr(indicators, "snapshot", forbidden)
    monkeypatch.setattr(indicators, "year_table", forbidden)
    client = client_for(leader)
    with django_assert_max_num_queries(11) as captured:
        assert client.get(URL, {"nam": 2022}).status_code == 200
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    for table in ("standards_adoption", "programs_enrollment", "standards_product"):
        assert table not in sql


def test_csv_and_xlsx_exports_hold_the_figures(built, officer):
    client = client_for(officer)
    snapshot = indicators.snapshot(2022)
    response = client.get(f"{URL}2022/chi-tieu.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_code = {row[0]: row for row in rows[1:]}
    assert Decimal(by_code["CERT_VALID"][3]) == snapshot["indicators"]["CERT_VALID"]["value"]
    assert by_code["CERT_VALID"][4] == "4.00"
    response = client.get(f"{URL}2022/unit.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    column = header.index(indicators.get("CERT_VALID").name)
    values = {row[0]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = {
        str(k): v for k, _l, v in snapshot["indicators"]["CERT_VALID"]["breakdowns"]["unit"]
    }
    assert {k: float(v) for k, v in values.items() if v is not None} == {
        k: float(v) for k, v in expected.items()
    }


@pytest.mark.parametrize("path", ["2022/nothing.csv", "1999/chi-tieu.csv", "2022/chi-tieu.pdf"])
def test_unknown_exports_are_not_found(built, officer, path):
    assert client_for(officer).get(f"{URL}{path}").status_code == 404


@pytest.mark.parametrize("persona", ["ent_a", "ent_b"])
def test_enterprise_users_cannot_open_the_dashboard_or_its_exports(persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}2022/chi-tieu.csv").status_code == 403


def test_a_process_reads_a_year_page_from_the_shared_cache_once(built, leader, monkeypatch):
    from programs.views import dashboard as views

    client = client_for(leader)
    first = client.get(URL, {"nam": 2022}).context["board_html"]
    reads = cache_reads(monkeypatch, "dashboard-year:")
    assert client.get(URL, {"nam": 2022}).context["board_html"] == first
    assert reads == []  # kept by the process: no transfer of the page
    # A flushed cache is a flushed cache: the page is read (and here rebuilt) again.
    cache.clear()
    assert client.get(URL, {"nam": 2022}).context["board_html"] == first
    assert len(reads) == 1
    assert len(views._recent_years) <= views.RECENT_YEARS
