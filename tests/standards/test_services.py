"""Adoption and certificate services: every refusal changes nothing, every review step is
checked in the service (forged fields included), events rebuild the certificate."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laichau_nsc.editing import EditConflictError
from standards import services
from standards.choices import CertificateEventKind as Event
from standards.choices import CertificateStatus, ReviewState
from standards.models import Adoption, Certificate, CertificateEvent
from tests.standards.factories import (
    AdoptionFactory,
    CertificateFactory,
    CertificationBodyFactory,
    StandardFactory,
    ToolFactory,
)
from tests.test_files import pdf_bytes, png_bytes, upload

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def iso(db):
    return StandardFactory()


@pytest.fixture
def body(db):
    return CertificationBodyFactory(name="Trung tâm Chứng nhận Phù hợp (QUACERT)")


def cert_data(iso, body, **changes):
    data = {
        "standard": iso,
        "body": body,
        "number": "HT 1001/2021",
        "scope": "Sản xuất và chế biến chè xanh, chè đen",
        "issued_on": D(2021, 3, 1),
        "expires_on": D(2024, 2, 29),
    }
    return {**data, **changes}


def messages_of(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


# --- Recording a certificate ------------------------------------------------------------------


def test_officer_records_a_verified_certificate_with_its_issue_event(
    officer, enterprise_a, iso, body
):
    certificate = services.certificate_create(
        enterprise=enterprise_a, data=cert_data(iso, body), user=officer
    )
    assert certificate.review_state == ReviewState.VERIFIED
    assert certificate.reviewed_by == officer
    event = certificate.events.get()
    assert (event.kind, event.happened_on, event.expires_on) == (
        Event.ISSUED,
        D(2021, 3, 1),
        D(2024, 2, 29),
    )
    assert event.recorded_by == officer
    assert certificate.first_issued_on == D(2021, 3, 1)
    assert certificate.surveillance_due_on == D(2022, 3, 1)
    assert list(Certificate.objects.valid_on(D(2022, 12, 31))) == [certificate]
    assert certificate.history.get().history_user == officer


REFUSALS = {
    "expiry before issue": (
        {"expires_on": D(2021, 2, 1)},
        "Ngày hết hạn (01/02/2021) trước ngày cấp (01/03/2021).",
    ),
    "validity longer than the scheme's 36 months": (
        {"expires_on": D(2024, 3, 2)},
        "dài hơn mức tối đa 36 tháng của TCVN ISO 9001:2015",
    ),
    "first issue after the current issue": (
        {"first_issued_on": D(2021, 4, 1)},
        "Ngày cấp lần đầu (01/04/2021) phải trước hoặc bằng ngày cấp hiện hành",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_certificate_refused_with_a_message_and_nothing_saved(
    case, officer, enterprise_a, iso, body
):
    changes, message = REFUSALS[case]
    with pytest.raises(ValidationError) as error:
        services.certificate_create(
            enterprise=enterprise_a, data=cert_data(iso, body, **changes), user=officer
        )
    assert message in messages_of(error)
    assert not Certificate.objects.exists()
    assert not CertificateEvent.objects.exists()


def test_same_day_three_years_on_is_within_the_validity(officer, enterprise_a, iso, body):
    certificate = services.certificate_create(
        enterprise=enterprise_a, data=cert_data(iso, body, expires_on=D(2024, 3, 1)), user=officer
    )
    assert certificate.expires_on == D(2024, 3, 1)


@pytest.mark.parametrize(
    "spelling", ["HT 1001/2021", "ht-1001/2021", "HT.1001/2021", "HT1001/2021"]
)
def test_duplicate_number_at_the_same_body_is_refused_after_normalisation(
    spelling, officer, enterprise_a, enterprise_b, iso, body
):
    services.certificate_create(enterprise=enterprise_a, data=cert_data(iso, body), user=officer)
    with pytest.raises(ValidationError) as error:
        services.certificate_create(
            enterprise=enterprise_b, data=cert_data(iso, body, number=spelling), user=officer
        )
    assert "đã được ghi nhận" in messages_of(error)
    assert "Công ty cổ phần Chè Tam Đường" in messages_of(error)
    assert Certificate.objects.count() == 1


def test_full_width_digits_are_the_same_number(officer, enterprise_a, enterprise_b, iso, body):
    services.certificate_create(enterprise=enterprise_a, data=cert_data(iso, body), user=officer)
    with pytest.raises(ValidationError):
        services.certificate_create(
            enterprise=enterprise_b,
            data=cert_data(iso, body, number="HT １００１/２０２１"),
            user=officer,
        )


def test_same_number_at_another_body_is_another_certificate(officer, enterprise_a, iso, body):
    services.certificate_create(enterprise=enterprise_a, data=cert_data(iso, body), user=officer)
    other = CertificationBodyFactory(name="Trung tâm Kỹ thuật TĐC 1")
    services.certificate_create(enterprise=enterprise_a, data=cert_data(iso, other), user=officer)
    assert Certificate.objects.count() == 2


def test_no_certificate_for_a_standard_no_third_party_certifies(officer, enterprise_a, body):
    tool = ToolFactory()
    with pytest.raises(ValidationError) as error:
        services.certificate_create(
            enterprise=enterprise_a, data=cert_data(tool, body), user=officer
        )
    assert "“5S” không do tổ chức chứng nhận bên thứ ba chứng nhận" in messages_of(error)
    assert not Certificate.objects.exists()


def test_leader_records_nothing(leader, enterprise_a, iso, body):
    with pytest.raises(PermissionDenied):
        services.certificate_create(enterprise=enterprise_a, data=cert_data(iso, body), user=leader)


def test_stale_version_raises_conflict_and_saves_nothing(officer, enterprise_a, iso, body):
    certificate = services.certificate_create(
        enterprise=enterprise_a, data=cert_data(iso, body), user=officer
    )
    services.certificate_update(
        certificate_id=certificate.pk, data={"sites": "Xã Bình Lư"}, version=1, user=officer
    )
    with pytest.raises(EditConflictError) as conflict:
        services.certificate_update(
            certificate_id=certificate.pk, data={"sites": "Xã Sơn Bình"}, version=1, user=officer
        )
    assert [(c.field, c.old, c.new) for c in conflict.value.changes] == [
        ("sites", "", "Xã Bình Lư")
    ]
    certificate.refresh_from_db()
    assert (certificate.sites, certificate.version) == ("Xã Bình Lư", 2)


def test_editing_the_dates_corrects_the_current_issue(officer, enterprise_a, iso, body):
    certificate = services.certificate_create(
        enterprise=enterprise_a, data=cert_data(iso, body), user=officer
    )
    services.certificate_update(
        certificate_id=certificate.pk,
        data={
            "issued_on": D(2021, 3, 5),
            "first_issued_on": D(2021, 3, 5),
            "expires_on": D(2024, 3, 4),
        },
        version=1,
        user=officer,
    )
    certificate.refresh_from_db()
    assert (certificate.issued_on, certificate.expires_on) == (D(2021, 3, 5), D(2024, 3, 4))
    assert list(certificate.events.values_list("happened_on", flat=True)) == [D(2021, 3, 5)]
    assert list(certificate.periods.values_list("starts_on", "ends_on")) == [
        (D(2021, 3, 5), D(2024, 3, 4))
    ]


# --- Events -------------------------------------------------------------------------------------


def record(certificate, officer, kind, day, **kw):
    return services.certificate_record_event(
        certificate_id=certificate.pk, kind=kind, happened_on=day, user=officer, **kw
    )


def status(certificate, day):
    certificate = Certificate.objects.prefetch_related("periods", "suspensions").get(
        pk=certificate.pk
    )
    return certificate.status_on(day)


def test_events_rebuild_the_certificate(officer):
    certificate = CertificateFactory()
    record(certificate, officer, Event.SURVEILLANCE_PASSED, D(2022, 2, 20))
    certificate.refresh_from_db()
    assert (certificate.last_audit_on, certificate.surveillance_due_on) == (
        D(2022, 2, 20),
        D(2023, 2, 20),
    )
    record(certificate, officer, Event.SUSPENDED, D(2022, 5, 10), note="Không khắc phục điểm KPH")
    assert status(certificate, D(2022, 6, 1)) == CertificateStatus.SUSPENDED
    record(certificate, officer, Event.REINSTATED, D(2022, 7, 1))
    assert status(certificate, D(2022, 7, 1)) == CertificateStatus.VALID
    record(certificate, officer, Event.RENEWED, D(2024, 2, 1), expires_on=D(2027, 1, 31))
    certificate.refresh_from_db()
    assert (certificate.issued_on, certificate.expires_on) == (D(2024, 2, 1), D(2027, 1, 31))
    assert certificate.first_issued_on == D(2021, 3, 1)
    new_body = CertificationBodyFactory(name="Công ty Chứng nhận BSI Việt Nam")
    record(certificate, officer, Event.TRANSFERRED, D(2024, 5, 1), to_body=new_body)
    certificate.refresh_from_db()
    assert certificate.body == new_body
    record(certificate, officer, Event.WITHDRAWN, D(2025, 1, 15))
    assert status(certificate, D(2025, 1, 15)) == CertificateStatus.WITHDRAWN
    assert certificate.events.count() == 7
    assert set(certificate.events.values_list("recorded_by", flat=True)) == {None, officer.pk}
    assert certificate.history.count() == 7  # one version per event after the factory's


EVENT_REFUSALS = {
    "reinstating what is not suspended": (
        [],
        (Event.REINSTATED, D(2022, 7, 1)),
        "Không thể hủy đình chỉ ngày 01/07/2022: chứng chỉ không bị đình chỉ vào ngày đó.",
    ),
    "a surveillance after expiry": (
        [],
        (Event.SURVEILLANCE_PASSED, D(2024, 3, 15)),
        "Ngày 15/03/2024 nằm ngoài thời hạn hiệu lực",
    ),
    "a surveillance before the issue": (
        [],
        (Event.SURVEILLANCE_PASSED, D(2021, 1, 15)),
        "Ngày 15/01/2021 nằm ngoài thời hạn hiệu lực",
    ),
    "suspending what is suspended": (
        [(Event.SUSPENDED, D(2022, 5, 10))],
        (Event.SUSPENDED, D(2022, 6, 1)),
        "Chứng chỉ đang bị đình chỉ từ ngày 10/05/2022.",
    ),
    "anything after a withdrawal": (
        [(Event.WITHDRAWN, D(2022, 9, 1))],
        (Event.SURVEILLANCE_PASSED, D(2022, 10, 1)),
        "Chứng chỉ đã bị thu hồi từ ngày 01/09/2022.",
    ),
    "a withdrawal that makes a later event meaningless": (
        [(Event.SUSPENDED, D(2022, 5, 10)), (Event.REINSTATED, D(2022, 7, 1))],
        (Event.WITHDRAWN, D(2022, 6, 1)),
        "Hủy đình chỉ ngày 01/07/2022: Chứng chỉ đã bị thu hồi từ ngày 01/06/2022.",
    ),
    "a second issue": (
        [],
        (Event.ISSUED, D(2022, 3, 1), D(2025, 2, 28)),
        "hãy ghi nhận là “Cấp lại (tái chứng nhận)”",
    ),
    "a renewal longer than the scheme allows": (
        [],
        (Event.RENEWED, D(2024, 2, 1), D(2028, 1, 31)),
        "dài hơn mức tối đa 36 tháng",
    ),
    "a renewal without an expiry": (
        [],
        (Event.RENEWED, D(2024, 2, 1)),
        "Nhập ngày hết hạn của lần cấp này.",
    ),
}


@pytest.mark.parametrize("case", EVENT_REFUSALS)
def test_event_that_makes_no_sense_is_refused_and_changes_nothing(case, officer):
    earlier, (kind, day, *expiry), message = EVENT_REFUSALS[case]
    certificate = CertificateFactory(events=earlier)
    before = (
        list(certificate.events.values_list("kind", "happened_on")),
        list(certificate.periods.values_list("starts_on", "ends_on")),
        list(certificate.suspensions.values_list("starts_on", "ends_on")),
        Certificate.objects.filter(pk=certificate.pk).values().get(),
    )
    with pytest.raises(ValidationError) as error:
        record(certificate, officer, kind, day, expires_on=expiry[0] if expiry else None)
    assert message in messages_of(error)
    after = (
        list(certificate.events.values_list("kind", "happened_on")),
        list(certificate.periods.values_list("starts_on", "ends_on")),
        list(certificate.suspensions.values_list("starts_on", "ends_on")),
        Certificate.objects.filter(pk=certificate.pk).values().get(),
    )
    assert after == before


def test_event_in_the_future_is_refused(officer):
    certificate = CertificateFactory(issued_on=datetime.date.today() - datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as error:
        record(
            certificate,
            officer,
            Event.SUSPENDED,
            datetime.date.today() + datetime.timedelta(days=2),
        )
    assert "Ngày sự kiện không thể ở tương lai." in messages_of(error)


def test_transfer_to_the_same_body_is_refused(officer):
    certificate = CertificateFactory()
    with pytest.raises(ValidationError) as error:
        record(certificate, officer, Event.TRANSFERRED, D(2022, 1, 1), to_body=certificate.body)
    assert "chính tổ chức này" in messages_of(error)


def test_transfer_to_a_body_that_has_the_number_is_refused(officer):
    certificate = CertificateFactory(number="HT 5/2021")
    other = CertificateFactory(number="ht-5/2021", body=CertificationBodyFactory(name="BSI"))
    with pytest.raises(ValidationError) as error:
        record(certificate, officer, Event.TRANSFERRED, D(2022, 1, 1), to_body=other.body)
    assert "đã được ghi nhận" in messages_of(error)
    certificate.refresh_from_db()
    assert certificate.body != other.body


def test_only_officers_record_events(ent_a, leader, enterprise_a):
    certificate = CertificateFactory(enterprise=enterprise_a)
    for user in (ent_a, leader):
        with pytest.raises(PermissionDenied):
            record(certificate, user, Event.SUSPENDED, D(2022, 5, 10))


# --- Proposals and review -----------------------------------------------------------------------


def test_enterprise_user_proposes_and_officer_verifies(ent_a, officer, enterprise_a, iso, body):
    proposal = services.certificate_create(
        enterprise=enterprise_a, data=cert_data(iso, body), user=ent_a
    )
    assert proposal.review_state == ReviewState.PROPOSED
    assert proposal.reviewed_by is None
    assert not Certificate.objects.valid_on(D(2022, 6, 1)).exists()  # not counted yet
    services.certificate_verify(certificate_id=proposal.pk, version=1, user=officer)
    proposal.refresh_from_db()
    assert (proposal.review_state, proposal.reviewed_by) == (ReviewState.VERIFIED, officer)
    assert list(Certificate.objects.valid_on(D(2022, 6, 1))) == [proposal]


def test_returned_proposal_is_corrected_and_proposed_again(ent_a, officer, enterprise_a, iso, body):
    proposal = services.certificate_create(
        enterprise=enterprise_a, data=cert_data(iso, body), user=ent_a
    )
    with pytest.raises(ValidationError) as error:
        services.certificate_return(certificate_id=proposal.pk, version=1, reason=" ", user=officer)
    assert "Vui lòng ghi lý do" in messages_of(error)
    services.certificate_return(
        certificate_id=proposal.pk, version=1, reason="Thiếu bản chụp chứng chỉ", user=officer
    )
    proposal.refresh_from_db()
    assert (proposal.review_state, proposal.review_reason) == (
        ReviewState.RETURNED,
        "Thiếu bản chụp chứng chỉ",
    )
    services.certificate_update(
        certificate_id=proposal.pk, data={"sites": "Bản Nà Ngò"}, version=2, user=ent_a
    )
    proposal.refresh_from_db()
    assert (proposal.review_state, proposal.review_reason, proposal.sites) == (
        ReviewState.PROPOSED,
        "",
        "Bản Nà Ngò",
    )
    assert proposal.history.filter(review_reason="Thiếu bản chụp chứng chỉ").exists()


FORGED = {
    "review_state": ReviewState.VERIFIED,
    "reviewed_by": None,
    "review_reason": "",
    "is_archived": True,
    "enterprise": None,
    "adoption": None,
    "withdrawn_on": None,
}


@pytest.mark.parametrize("field", FORGED)
def test_enterprise_user_cannot_set_a_review_or_status_field(field, ent_a, enterprise_a, iso, body):
    with pytest.raises(ValidationError) as error:
        services.certificate_create(
            enterprise=enterprise_a,
            data={**cert_data(iso, body), field: FORGED[field]},
            user=ent_a,
        )
    assert f"Không được phép đặt các trường: {field}" in messages_of(error)
    assert not Certificate.objects.exists()


def test_enterprise_user_cannot_change_a_verified_certificate(ent_a, enterprise_a):
    certificate = CertificateFactory(enterprise=enterprise_a)
    with pytest.raises(ValidationError) as error:
        services.certificate_update(
            certificate_id=certificate.pk, data={"scope": "Khác"}, version=1, user=ent_a
        )
    assert "đã được cán bộ xác minh" in messages_of(error)


def test_enterprise_user_cannot_propose_for_another_enterprise(ent_a, enterprise_b, iso, body):
    with pytest.raises(PermissionDenied):
        services.certificate_create(enterprise=enterprise_b, data=cert_data(iso, body), user=ent_a)
    assert not Certificate.objects.exists()


def test_enterprise_user_cannot_verify_their_own_proposal(ent_a, enterprise_a, iso, body):
    proposal = services.certificate_create(
        enterprise=enterprise_a, data=cert_data(iso, body), user=ent_a
    )
    with pytest.raises(PermissionDenied):
        services.certificate_verify(certificate_id=proposal.pk, version=1, user=ent_a)
    proposal.refresh_from_db()
    assert proposal.review_state == ReviewState.PROPOSED


def test_only_a_proposal_is_verified_or_returned(officer):
    certificate = CertificateFactory()
    with pytest.raises(ValidationError) as error:
        services.certificate_verify(certificate_id=certificate.pk, version=1, user=officer)
    assert "Đã xác minh" in messages_of(error)


def test_verifying_rechecks_the_number(ent_a, officer, enterprise_a, iso, body):
    proposal = services.certificate_create(
        enterprise=enterprise_a, data=cert_data(iso, body), user=ent_a
    )
    # Proposed twice (two tabs): the second is a duplicate and cannot be saved at all.
    with pytest.raises(ValidationError):
        services.certificate_create(enterprise=enterprise_a, data=cert_data(iso, body), user=ent_a)
    services.certificate_verify(certificate_id=proposal.pk, version=1, user=officer)


def test_archive_and_restore_keep_everything(officer):
    certificate = CertificateFactory()
    services.certificate_set_archived(certificate_id=certificate.pk, archived=True, user=officer)
    assert not Certificate.objects.valid_on(D(2022, 1, 1)).exists()
    assert certificate.events.count() == 1
    services.certificate_set_archived(certificate_id=certificate.pk, archived=False, user=officer)
    assert Certificate.objects.valid_on(D(2022, 1, 1)).exists()


# --- Scans ------------------------------------------------------------------------------------


def test_replacing_a_scan_keeps_the_old_file_until_commit(
    officer, django_capture_on_commit_callbacks
):
    certificate = CertificateFactory()
    services.certificate_attach_scan(
        certificate_id=certificate.pk, scan=upload(pdf_bytes()), user=officer
    )
    certificate.refresh_from_db()
    old = certificate.scan.name
    assert old.startswith("private/certificates/")
    assert old.endswith(".pdf")
    storage = certificate.scan.storage
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.certificate_attach_scan(
            certificate_id=certificate.pk, scan=upload(png_bytes(), name="x.pdf"), user=officer
        )
    certificate.refresh_from_db()
    assert certificate.scan.name.endswith(".png")
    assert certificate.scan.name != old
    assert storage.exists(old)  # not committed yet: the old file is still there
    for callback in callbacks:
        callback()
    assert not storage.exists(old)
    assert storage.exists(certificate.scan.name)


def test_a_refused_scan_changes_nothing(officer):
    certificate = CertificateFactory()
    with pytest.raises(ValidationError):
        services.certificate_attach_scan(
            certificate_id=certificate.pk, scan=upload(b"<html>x</html>"), user=officer
        )
    certificate.refresh_from_db()
    assert (certificate.scan.name, certificate.version) == ("", 1)


# --- Adoptions -------------------------------------------------------------------------------


def test_officer_records_a_verified_adoption(officer, enterprise_a, iso):
    adoption = services.adoption_create(
        enterprise=enterprise_a,
        data={
            "standard": iso,
            "status": "applied",
            "started_on": D(2019, 5, 1),
            "programme_supported": True,
        },
        user=officer,
    )
    assert adoption.review_state == ReviewState.VERIFIED
    assert list(Adoption.objects.applying_on(D(2022, 12, 31))) == [adoption]


def test_second_current_adoption_of_a_standard_is_refused(officer, enterprise_a, iso):
    AdoptionFactory(enterprise=enterprise_a, standard=iso)
    with pytest.raises(ValidationError) as error:
        services.adoption_create(
            enterprise=enterprise_a, data={"standard": iso, "status": "planned"}, user=officer
        )
    assert "đã có một hồ sơ áp dụng TCVN ISO 9001:2015" in messages_of(error)
    assert Adoption.objects.count() == 1


def test_adoption_end_before_start_is_refused(officer, enterprise_a, iso):
    with pytest.raises(ValidationError) as error:
        services.adoption_create(
            enterprise=enterprise_a,
            data={"standard": iso, "started_on": D(2022, 5, 1), "ended_on": D(2022, 4, 1)},
            user=officer,
        )
    assert "Ngày kết thúc (01/04/2022) trước ngày bắt đầu (01/05/2022)." in messages_of(error)


def test_enterprise_proposes_adoption_without_programme_fields(ent_a, officer, enterprise_a):
    tool = ToolFactory()
    with pytest.raises(ValidationError) as error:
        services.adoption_create(
            enterprise=enterprise_a,
            data={"standard": tool, "programme_supported": True},
            user=ent_a,
        )
    assert "programme_supported" in messages_of(error)
    proposal = services.adoption_create(
        enterprise=enterprise_a, data={"standard": tool, "status": "applied"}, user=ent_a
    )
    assert proposal.review_state == ReviewState.PROPOSED
    assert not Adoption.objects.applying_on(datetime.date.today()).exists()
    services.adoption_return(adoption_id=proposal.pk, version=1, reason="Ghi rõ ngày", user=officer)
    services.adoption_update(
        adoption_id=proposal.pk, data={"started_on": D(2023, 1, 1)}, version=2, user=ent_a
    )
    services.adoption_verify(adoption_id=proposal.pk, version=3, user=officer)
    proposal.refresh_from_db()
    assert proposal.review_state == ReviewState.VERIFIED
    assert Adoption.objects.applying_on(datetime.date.today()).exists()
    with pytest.raises(ValidationError):
        services.adoption_update(
            adoption_id=proposal.pk, data={"note": "sửa"}, version=4, user=ent_a
        )


def test_restoring_an_adoption_cannot_make_two_current(officer, enterprise_a, iso):
    old = AdoptionFactory(enterprise=enterprise_a, standard=iso)
    services.adoption_set_archived(adoption_id=old.pk, archived=True, user=officer)
    AdoptionFactory(enterprise=enterprise_a, standard=iso)
    with pytest.raises(ValidationError):
        services.adoption_set_archived(adoption_id=old.pk, archived=False, user=officer)
    old.refresh_from_db()
    assert old.is_archived
