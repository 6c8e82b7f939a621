"""The public statistics page shows the approved snapshot of each year and nothing else; it is
cached, rate-limited and open to anyone."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from programs import indicators
from programs.models import YearApproval
from tests.conftest import client_for
from tests.programs.dashboard_data import make_records
from tests.standards.factories import CertificateFactory
from tests.test_permission_matrix import assert_csp_clean

URL = "/thong-ke/"


def approve(year: int, state: str = "approved") -> YearApproval:
    return YearApproval.objects.create(
        year=year, state=state, snapshot=indicators.snapshot(year), approved_at=timezone.now()
    )


@pytest.fixture
def approved_2022(db):
    records = make_records()
    approval = approve(2022)
    # After the approval, a new certificate of 2022: the public page must not show it.
    CertificateFactory(standard=records["standard"], issued_on=datetime.date(2022, 9, 1))
    return approval


def shown_values(response) -> dict[str, Decimal | None]:
    return {f.code: f.value for f in response.context["board"].figures}


def test_the_public_page_shows_the_approved_snapshot_only(approved_2022, client):
    response = client.get(URL, {"nam": 2022})
    assert response.status_code == 200
    frozen = approved_2022.snapshot["indicators"]
    assert shown_values(response) == {
        code: None if e["value"] is None else Decimal(str(e["value"])) for code, e in frozen.items()
    }
    live = indicators.snapshot(2022)["indicators"]["CERT_VALID"]["value"]
    assert live == frozen["CERT_VALID"]["value"] + 1  # the records moved on; the page did not
    assert_csp_clean(response.text)
    assert "Set-Cookie" not in response.headers


def test_the_latest_approved_year_is_the_default(approved_2022, client):
    response = client.get(URL)
    assert response.context["board"].year == 2022


@pytest.mark.parametrize("state", ["reopened", None])
def test_a_year_not_approved_is_never_shown(approved_2022, client, state):
    if state:
        approve(2023, state=state)
    response = client.get(URL, {"nam": 2023})
    assert response.status_code == 404
    assert "chưa được phê duyệt" in response.text
    assert "board" not in response.context or response.context.get("board") is None
    assert ">2023<" not in response.text.split('id="not-published"')[0]
    assert client.get(f"{URL}2023/chi-tieu.csv").status_code == 404


def test_a_reopen_request_keeps_the_approved_figures_public(db, client):
    make_records()
    approve(2022, state="reopen_requested")
    assert client.get(URL, {"nam": 2022}).status_code == 200


def test_no_approved_year_says_so(db, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Chưa có năm nào được phê duyệt" in response.text


def test_downloads_hold_the_approved_figures(approved_2022, client):
    response = client.get(f"{URL}2022/chi-tieu.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_code = {row[0]: row for row in rows[1:]}
    frozen = approved_2022.snapshot["indicators"]["CERT_VALID"]["value"]
    assert Decimal(by_code["CERT_VALID"][3]) == frozen
    xlsx = client.get(f"{URL}2022/unit.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_the_page_is_cached_until_an_approval_changes(
    approved_2022, client, django_assert_num_queries
):
    client.get(URL, {"nam": 2022})
    with django_assert_num_queries(1):  # the approvals' stamp; the page comes from the cache
        client.get(URL, {"nam": 2022})
    approve(2021)
    response = client.get(URL, {"nam": 2022})
    assert ">2021<" in response.text  # the new year is offered at once


def test_the_page_is_rate_limited(approved_2022, client, settings):
    settings.PORTAL_PUBLIC_PAGES_PER_HOUR = 2
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    assert client.get(f"{URL}2022/chi-tieu.csv").status_code == 429


@pytest.mark.parametrize("persona", ["officer", "leader", "ent_a"])
def test_signed_in_users_see_the_same_public_page(approved_2022, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(URL, {"nam": 2022})
    assert response.status_code == 200
    assert shown_values(response)["CERT_VALID"] == Decimal(
        str(approved_2022.snapshot["indicators"]["CERT_VALID"]["value"])
    )
