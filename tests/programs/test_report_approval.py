"""Approval of a year's figures: a leader freezes them, later changes are shown against the
frozen figures, an officer asks to reopen with a reason, a leader reopens; each step in the
history and told to the people concerned."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laichau_nsc.editing import EditConflictError
from laichau_nsc.models import Notification
from programs import indicators
from programs import reports as services
from programs.models import ApprovalState, ReportRun, YearApproval
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.standards.factories import CertificateFactory

YEAR = 2022


def valid_certificates(snapshot: dict) -> int:
    return snapshot["indicators"]["CERT_VALID"]["value"]


@pytest.fixture
def report(officer, django_capture_on_commit_callbacks) -> ReportRun:
    CertificateFactory(enterprise=EnterpriseFactory(name="Công ty cổ phần Chè Tam Đường"))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(year=YEAR, user=officer)
    run.refresh_from_db()
    assert run.state == "done", run.error
    return run


@pytest.mark.django_db
def test_approval_freezes_the_figures_of_the_report(leader, officer, report):
    approval = services.year_approve(year=YEAR, report_id=report.pk, version=None, user=leader)

    assert approval.state == ApprovalState.APPROVED
    assert approval.report == report
    assert approval.snapshot == report.snapshot["indicators"]
    assert valid_certificates(approval.snapshot) == 1
    assert services.approval_changes(approval) == []

    # A record of that year changes: the frozen figures stay, the change is shown.
    CertificateFactory(issued_on=datetime.date(2022, 6, 1))
    approval.refresh_from_db()
    assert valid_certificates(approval.snapshot) == 1
    assert indicators.snapshot(YEAR)["indicators"]["CERT_VALID"]["value"] == 2
    changes = services.approval_changes(approval)
    assert ("CERT_VALID", "", "1", "2") in [(c.code, c.where, c.approved, c.now) for c in changes]
    page = client_for(leader).get(reverse("programs:approval_changes", args=[YEAR]))
    assert page.status_code == 200
    assert "Số chứng chỉ còn hiệu lực" in page.content.decode()

    # Officers are told.
    assert Notification.objects.filter(recipient=officer, kind="year_approval").count() == 1


@pytest.mark.django_db
def test_only_a_leader_approves_and_only_a_finished_report(leader, officer, report):
    with pytest.raises(PermissionDenied):
        services.year_approve(year=YEAR, report_id=report.pk, version=None, user=officer)
    unfinished = ReportRun.objects.create(year=YEAR)
    with pytest.raises(ValidationError):
        services.year_approve(year=YEAR, report_id=unfinished.pk, version=None, user=leader)
    with pytest.raises(ValidationError):  # a report of another year
        services.year_approve(year=2021, report_id=report.pk, version=None, user=leader)
    assert not YearApproval.objects.exists()


@pytest.mark.django_db
def test_an_approved_year_cannot_be_approved_again(leader, report):
    approval = services.year_approve(year=YEAR, report_id=report.pk, version=None, user=leader)
    with pytest.raises(ValidationError):
        services.year_approve(year=YEAR, report_id=report.pk, version=approval.version, user=leader)


@pytest.mark.django_db
def test_reopen_is_asked_with_a_reason_then_granted(leader, officer, report):
    approval = services.year_approve(year=YEAR, report_id=report.pk, version=None, user=leader)

    with pytest.raises(ValidationError):
        services.year_reopen_request(year=YEAR, reason="  ", version=approval.version, user=officer)
    with pytest.raises(PermissionDenied):
        services.year_reopen_request(year=YEAR, reason="x", version=approval.version, user=leader)
    asked = services.year_reopen_request(
        year=YEAR,
        reason="Bổ sung 3 chứng chỉ cấp tháng 12 nhập muộn.",
        version=approval.version,
        user=officer,
    )
    assert asked.state == ApprovalState.REOPEN_REQUESTED
    assert asked.is_frozen  # still frozen until a leader reopens
    assert Notification.objects.filter(recipient=leader, kind="year_approval").count() == 1

    with pytest.raises(PermissionDenied):
        services.year_reopen(year=YEAR, version=asked.version, user=officer)
    with pytest.raises(EditConflictError):  # the page the leader saw was before the request
        services.year_reopen(year=YEAR, version=approval.version, user=leader)
    reopened = services.year_reopen(year=YEAR, version=asked.version, user=leader)
    assert reopened.state == ApprovalState.REOPENED
    assert not reopened.is_frozen

    # Every step is in the history, with who did it.
    steps = list(reopened.history.order_by("history_date").values_list("state", "history_user"))
    assert steps == [
        (ApprovalState.APPROVED, leader.pk),
        (ApprovalState.REOPEN_REQUESTED, officer.pk),
        (ApprovalState.REOPENED, leader.pk),
    ]

    # Approving again freezes the figures of the new report.
    CertificateFactory(issued_on=datetime.date(2022, 6, 1))
    rebuilt = ReportRun.objects.create(
        year=YEAR, state="done", snapshot={"indicators": indicators.snapshot(YEAR)}
    )
    again = services.year_approve(
        year=YEAR, report_id=rebuilt.pk, version=reopened.version, user=leader
    )
    assert valid_certificates(again.snapshot) == 2
    assert again.reopen_reason == ""


@pytest.mark.django_db
def test_leader_approves_and_reopens_through_the_pages(leader, officer, report):
    leader_client, officer_client = client_for(leader), client_for(officer)
    year_page = reverse("programs:report_year", args=[YEAR])
    page = leader_client.get(year_page).content.decode()
    assert reverse("programs:year_approve", args=[YEAR]) in page

    response = leader_client.post(
        reverse("programs:year_approve", args=[YEAR]), {"report": report.pk, "version": ""}
    )
    assert response.status_code == 302
    approval = YearApproval.objects.get()
    assert approval.state == ApprovalState.APPROVED
    assert "Đã phê duyệt" in leader_client.get(year_page).content.decode()

    # An officer cannot approve nor reopen.
    for name in ("year_approve", "year_reopen"):
        url = reverse(f"programs:{name}", args=[YEAR])
        assert officer_client.post(url, {"report": report.pk}).status_code == 403

    url = reverse("programs:year_reopen_request", args=[YEAR])
    empty = officer_client.post(url, {"version": approval.version, "reopen_reason": ""})
    assert empty.status_code == 200
    assert "Trường này là bắt buộc" in empty.content.decode() or "bắt buộc" in (
        empty.content.decode()
    )
    asked = officer_client.post(
        url, {"version": approval.version, "reopen_reason": "Số liệu tháng 12 nhập muộn."}
    )
    assert asked.status_code == 302
    approval.refresh_from_db()
    assert approval.state == ApprovalState.REOPEN_REQUESTED

    # A stale page (the version before the request) is refused with a message; nothing changes.
    stale = leader_client.post(
        reverse("programs:year_reopen", args=[YEAR]), {"version": approval.version - 1}
    )
    assert stale.status_code == 302
    approval.refresh_from_db()
    assert approval.state == ApprovalState.REOPEN_REQUESTED
    leader_client.post(reverse("programs:year_reopen", args=[YEAR]), {"version": approval.version})
    approval.refresh_from_db()
    assert approval.state == ApprovalState.REOPENED
    assert "Số liệu tháng 12 nhập muộn." in leader_client.get(year_page).content.decode()
