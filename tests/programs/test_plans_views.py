"""Plans, targets, entered values and the indicators page, as officers and leaders use them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.models import AnnualPlan, ManualIndicatorValue, Target
from programs.services_plans import fingerprint
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.programs.indicator_factories import IndicatorSupportFactory
from tests.test_files import pdf_bytes, upload

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def plan():
    return AnnualPlan.objects.create(year=2022, title="Kế hoạch thực hiện Chương trình năm 2022")


def targets_url(year=2022):
    return reverse("programs:plan_targets", args=[year])


def test_officer_creates_a_plan_with_its_document(officer):
    response = client_for(officer).post(
        reverse("programs:plan_create"),
        {
            "year": "2023",
            "title": "Kế hoạch năm 2023",
            "document_number": "45/KH-UBND",
            "document_date": "15/02/2023",
            "file": upload(pdf_bytes(), "ke hoach.pdf"),
        },
    )
    assert response.status_code == 302
    plan = AnnualPlan.objects.get(year=2023)
    assert (plan.document_number, plan.document_date) == ("45/KH-UBND", D(2023, 2, 15))
    assert plan.file.name.endswith(".pdf")
    download = client_for(officer).get(reverse("programs:plan_file", args=[2023]))
    assert download.status_code == 200


def test_a_second_plan_for_a_year_is_refused_with_a_message(officer, plan):
    response = client_for(officer).post(
        reverse("programs:plan_create"), {"year": "2022", "title": "Trùng"}
    )
    assert response.status_code == 200
    assert "đã có kế hoạch" in response.content.decode()
    assert AnnualPlan.objects.count() == 1


def test_a_file_that_is_not_a_document_is_refused(officer):
    response = client_for(officer).post(
        reverse("programs:plan_create"),
        {"year": "2024", "title": "Kế hoạch", "file": upload(b"MZ\x90\x00", "virus.pdf")},
    )
    assert response.status_code == 200
    assert not AnnualPlan.objects.exists()


def test_plan_edit_based_on_a_stale_copy_is_refused(officer, plan):
    url = reverse("programs:plan_update", args=[2022])
    data = {"title": "Sửa lần một", "version": "1"}
    assert client_for(officer).post(url, data).status_code == 302
    response = client_for(officer).post(url, {**data, "title": "Sửa lần hai"})
    assert response.status_code == 409
    plan.refresh_from_db()
    assert plan.title == "Sửa lần một"


def test_officer_sets_changes_and_clears_targets(officer, plan):
    client = client_for(officer)
    page = client.get(targets_url())
    assert page.status_code == 200
    shown = page.context["form"].initial["shown"]
    response = client.post(
        targets_url(),
        {"shown": shown, "SUPPORTED_ENTERPRISES": "20", "SUPPORTED_GROWTH": "12,5"},
    )
    assert response.status_code == 302
    assert dict(Target.objects.values_list("indicator", "value")) == {
        "SUPPORTED_ENTERPRISES": Decimal("20"),
        "SUPPORTED_GROWTH": Decimal("12.5"),
    }
    assert Target.objects.get(indicator="SUPPORTED_ENTERPRISES").plan == plan
    shown = client.get(targets_url()).context["form"].initial["shown"]
    client.post(targets_url(), {"shown": shown, "SUPPORTED_ENTERPRISES": "25"})
    assert dict(Target.objects.values_list("indicator", "value")) == {
        "SUPPORTED_ENTERPRISES": Decimal("25")
    }


@pytest.mark.parametrize("bad", ["-3", "abc", "1.234,5", "1" * 20])
def test_bad_target_values_are_refused_and_nothing_changes(officer, plan, bad):
    Target.objects.create(
        indicator="SUPPORT_TURNS", plan=plan, first_year=2022, last_year=2022, value=7
    )
    shown = fingerprint({"SUPPORT_TURNS": Decimal(7)})
    response = client_for(officer).post(
        targets_url(), {"shown": shown, "SUPPORT_TURNS": "9", "SUPPORTED_ENTERPRISES": bad}
    )
    assert response.status_code == 200
    assert 'class="invalid-feedback"' in response.content.decode()
    assert Target.objects.get().value == 7


def test_targets_changed_meanwhile_are_not_overwritten(officer, plan):
    client = client_for(officer)
    shown = client.get(targets_url()).context["form"].initial["shown"]
    Target.objects.create(
        indicator="SUPPORT_TURNS", plan=plan, first_year=2022, last_year=2022, value=7
    )
    response = client.post(targets_url(), {"shown": shown, "SUPPORT_TURNS": "3"})
    assert response.status_code == 409
    assert "Người khác vừa thay đổi" in response.content.decode()
    assert Target.objects.get().value == 7


def test_targets_of_a_year_without_plan_are_not_found(officer):
    assert client_for(officer).get(targets_url(2030)).status_code == 404


def test_leader_reads_but_cannot_post_targets(leader, plan):
    response = client_for(leader).post(targets_url(), {"shown": "", "SUPPORT_TURNS": "3"})
    assert response.status_code == 403
    assert not Target.objects.exists()


def test_plan_page_shows_progress_honestly(officer, plan):
    enterprises = EnterpriseFactory.create_batch(3)
    for e in enterprises:
        IndicatorSupportFactory(enterprise=e)
    IndicatorSupportFactory(enterprise=enterprises[0], provided_on=D(2022, 8, 1))
    for code, value in (("SUPPORTED_ENTERPRISES", 4), ("SUPPORT_TURNS", 2)):
        Target.objects.create(
            indicator=code, plan=plan, first_year=2022, last_year=2022, value=value
        )
    html = client_for(officer).get(plan.get_absolute_url()).content.decode()
    assert "3 / 4 (75 %)" in html
    assert "4 / 2 (200 %) – vượt chỉ tiêu" in html
    assert "chưa có chỉ tiêu" in html


def test_entered_values_need_a_source_and_show_as_entered(officer):
    url = reverse("programs:entered_values", args=[2022])
    client = client_for(officer)
    shown = client.get(url).context["form"].initial["shown"]
    refused = client.post(url, {"shown": shown, "LABOUR_PRODUCTIVITY_GROWTH": "6,2"})
    assert refused.status_code == 200
    assert not ManualIndicatorValue.objects.exists()
    saved = client.post(
        url,
        {
            "shown": shown,
            "LABOUR_PRODUCTIVITY_GROWTH": "6,2",
            "LABOUR_PRODUCTIVITY_GROWTH__source": "Cục Thống kê tỉnh Lai Châu",
        },
    )
    assert saved.status_code == 302
    assert ManualIndicatorValue.objects.get().value == Decimal("6.2")
    page = client.get(reverse("programs:indicator_overview"), {"year": 2022})
    row = next(
        r
        for _g, rows in page.context["groups"]
        for r in rows
        if r.code == "LABOUR_PRODUCTIVITY_GROWTH"
    )
    assert (row.value, row.source) == (Decimal("6.2"), "entered")
    assert "nhập tay" in page.content.decode()


def test_computed_indicators_cannot_be_entered_by_hand(officer):
    from django.core.exceptions import ValidationError

    from programs.services_plans import entered_values_set

    with pytest.raises(ValidationError):
        entered_values_set(
            year=2022, values={"CERT_VALID": (Decimal(3), "tay")}, shown="x", user=officer
        )


def test_overview_answers_any_year_and_breakdown(leader):
    client = client_for(leader)
    url = reverse("programs:indicator_overview")
    for params in ({"year": "abc"}, {"year": "99999"}, {"by": "x"}, {"year": "2022", "by": "unit"}):
        assert client.get(url, params).status_code == 200
    assert "Năm không hợp lệ" in client.get(url, {"year": "abc"}).content.decode()


def _overview_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("programs:indicator_overview"), {"year": 2022, "by": "unit"})
    return len(ctx.captured_queries)


def test_overview_query_count_is_flat(leader):
    client = client_for(leader)
    IndicatorSupportFactory()
    few = _overview_queries(client)
    for _ in range(10):
        IndicatorSupportFactory(funding={"provincial_budget": 5})
    assert _overview_queries(client) == few


def test_period_page_compares_the_period_with_its_target(leader):
    Target.objects.create(
        indicator="SUPPORTED_ENTERPRISES", first_year=2021, last_year=2025, value=10
    )
    for year in (2021, 2023):
        IndicatorSupportFactory(provided_on=D(year, 5, 1))
    html = client_for(leader).get(reverse("programs:period_detail", args=[2021, 2025]))
    assert "2 / 10 (20 %)" in html.content.decode()


def test_only_the_programme_periods_exist(officer):
    assert (
        client_for(officer).get(reverse("programs:period_detail", args=[2020, 2024])).status_code
        == 404
    )
