"""The declarations' procedure: every step, every illegal transition, every deadline (across Tết
and a weekend), who may act, what an enterprise can never set, and the nightly job."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laichau_nsc.editing import EditConflictError
from laichau_nsc.models import Notification, OutboundEmail
from standards import services_declarations as services
from standards.choices import DeclarationBasis, DeclarationKind, DeclarationState
from standards.models import Declaration, DeclarationRule, DeclarationStep
from tests.standards.factories import CertificateFactory, StandardFactory
from tests.standards.factories_declarations import DeclarationFactory, RegulationFactory
from tests.standards.factories_products import ProductFactory
from tests.test_files import pdf_bytes, upload

D = datetime.date
S = DeclarationState
pytestmark = pytest.mark.django_db

ALL_ACTIONS = ("submit", "request_supplement", "answer", "accept", "reject", "cancel")


def act(action: str, declaration: Declaration, user, today: D | None = None) -> Declaration:
    """Take ``action`` through its service, with valid arguments."""
    pk, version = declaration.pk, Declaration.objects.get(pk=declaration.pk).version
    if action == "submit":
        return services.declaration_submit(
            declaration_id=pk, version=version, user=user, today=today
        )
    if action == "request_supplement":
        return services.declaration_request_supplement(
            declaration_id=pk,
            version=version,
            reason="Thiếu phiếu kết quả thử nghiệm",
            user=user,
            today=today,
        )
    if action == "answer":
        return services.declaration_answer_supplement(
            declaration_id=pk,
            version=version,
            note="Đã bổ sung phiếu thử nghiệm",
            user=user,
            today=today,
        )
    if action == "accept":
        return services.declaration_accept(
            declaration_id=pk,
            version=version,
            receipt_number=f"{pk}/TB-TĐC",
            receipt_date=timezone.localdate(),
            user=user,
        )
    if action == "reject":
        return services.declaration_reject(
            declaration_id=pk, version=version, reason="Không phù hợp QCVN", user=user
        )
    assert action == "cancel"
    services.declaration_cancel_lapsed(day=D(2100, 1, 1))
    return Declaration.objects.get(pk=pk)


def in_state(state: str, enterprise) -> Declaration:
    """A declaration brought to ``state`` through the services, as an officer would."""
    return DeclarationFactory(enterprise=enterprise, state=state, **STATE_FIELDS[state])


STATE_FIELDS = {
    S.DRAFT: {},
    S.RECORDED: {"must_be_filed": False, "effective_on": D(2026, 11, 2)},
    S.SUBMITTED: {
        "submitted_at": timezone.now(),
        "complete_on": D(2026, 11, 2),
        "decision_due_on": D(2026, 11, 9),
    },
    S.SUPPLEMENT_REQUESTED: {"submitted_at": timezone.now(), "supplement_due_on": D(2026, 12, 21)},
    S.ACCEPTED: {"receipt_number": "1/TB", "receipt_date": D(2026, 11, 5)},
    S.REJECTED: {"reason": "Không phù hợp"},
    S.CANCELLED: {"reason": "Quá hạn"},
}


# --- The happy paths --------------------------------------------------------------------------


def test_enterprise_files_officer_asks_for_more_enterprise_answers_officer_accepts(
    enterprise_a, ent_a, officer
):
    declaration = DeclarationFactory(enterprise=enterprise_a)
    # Submitted Thursday 12/02/2026, before Tết: five working days end on 26/02/2026.
    declaration = act("submit", declaration, ent_a, today=D(2026, 2, 12))
    assert declaration.state == S.SUBMITTED
    assert declaration.must_be_filed
    assert declaration.complete_on == D(2026, 2, 12)
    assert declaration.decision_due_on == D(2026, 2, 26)
    # A supplement asked on Friday 27/11/2026: 15 working days end on Friday 18/12/2026.
    declaration = act("request_supplement", declaration, officer, today=D(2026, 11, 27))
    assert declaration.state == S.SUPPLEMENT_REQUESTED
    assert declaration.supplement_due_on == D(2026, 12, 18)
    assert declaration.decision_due_on is None
    assert declaration.complete_on is None
    # Answered on Saturday 28/11: complete that day, the five working days run Mon–Fri.
    declaration = act("answer", declaration, ent_a, today=D(2026, 11, 28))
    assert declaration.state == S.SUBMITTED
    assert (declaration.complete_on, declaration.decision_due_on) == (
        D(2026, 11, 28),
        D(2026, 12, 4),
    )
    declaration = act("accept", declaration, officer)
    assert declaration.state == S.ACCEPTED
    assert declaration.decision_due_on is None  # no longer in the queue's deadlines
    assert declaration.effective_on == declaration.receipt_date == timezone.localdate()
    # No basis certificate: valid for three years.
    assert declaration.valid_until == declaration.receipt_date.replace(
        year=declaration.receipt_date.year + 3
    ) - datetime.timedelta(days=1)
    steps = list(declaration.steps.values_list("from_state", "to_state", "by__username", "note"))
    assert steps == [
        (S.DRAFT, S.SUBMITTED, "doanhnghiep", ""),
        (S.SUBMITTED, S.SUPPLEMENT_REQUESTED, "canbo", "Thiếu phiếu kết quả thử nghiệm"),
        (S.SUPPLEMENT_REQUESTED, S.SUBMITTED, "doanhnghiep", "Đã bổ sung phiếu thử nghiệm"),
        (S.SUBMITTED, S.ACCEPTED, "canbo", ""),
    ]


def test_accepted_with_a_certificate_is_valid_until_the_certificate_expires(
    enterprise_a, ent_a, officer
):
    certificate = CertificateFactory(enterprise=enterprise_a, issued_on=D(2025, 6, 1))
    declaration = DeclarationFactory(
        enterprise=enterprise_a, basis=DeclarationBasis.CERTIFICATE, certificate=certificate
    )
    act("submit", declaration, ent_a)
    declaration = act("accept", declaration, officer)
    assert declaration.valid_until == certificate.expires_on == D(2028, 5, 31)


def test_rejected_with_reasons_the_enterprise_reads(enterprise_a, ent_a, officer):
    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    declaration = act("reject", declaration, officer)
    assert (declaration.state, declaration.reason) == (S.REJECTED, "Không phù hợp QCVN")
    with pytest.raises(ValidationError) as error:
        services.declaration_reject(
            declaration_id=act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a).pk,
            version=2,
            reason="   ",
            user=officer,
        )
    assert "reason" in error.value.error_dict


def test_a_kind_only_recorded_is_recorded_not_filed(enterprise_a, ent_a):
    declaration = DeclarationFactory(
        enterprise=enterprise_a,
        kind=DeclarationKind.APPLIED_STANDARD,
        standard=StandardFactory(),
        declared_on=D(2026, 3, 2),
    )
    declaration = act("submit", declaration, ent_a)
    assert declaration.state == S.RECORDED
    assert not declaration.must_be_filed
    assert declaration.effective_on == D(2026, 3, 2)
    assert declaration.valid_until is None
    assert declaration.decision_due_on is None


def test_the_rule_in_force_on_the_declaration_date_decides(enterprise_a, ent_a):
    # The seeded rules: hợp chuẩn filed from 2013, only recorded since Decree 154/2018.
    assert services.must_be_filed(DeclarationKind.CONFORMITY_STANDARD, D(2017, 6, 1))
    assert not services.must_be_filed(DeclarationKind.CONFORMITY_STANDARD, D(2022, 6, 1))
    assert services.must_be_filed(DeclarationKind.CONFORMITY_REGULATION, D(2022, 6, 1))
    DeclarationRule.objects.create(
        kind=DeclarationKind.CONFORMITY_REGULATION, must_be_filed=False, valid_from=D(2026, 1, 1)
    )
    assert not services.must_be_filed(DeclarationKind.CONFORMITY_REGULATION, D(2026, 6, 1))
    assert services.must_be_filed(DeclarationKind.CONFORMITY_REGULATION, D(2025, 12, 31))
    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    assert declaration.state == S.RECORDED  # declared 02/11/2026, under the new rule


# --- Illegal transitions -----------------------------------------------------------------------


LEGAL = {(action, state) for action, state in services.TRANSITIONS}
ILLEGAL = [
    (action, state) for state in S.values for action in ALL_ACTIONS if (action, state) not in LEGAL
]


@pytest.mark.parametrize(("action", "state"), ILLEGAL)
def test_every_illegal_transition_is_refused_and_changes_nothing(
    action, state, enterprise_a, officer
):
    declaration = in_state(state, enterprise_a)
    before = Declaration.objects.filter(pk=declaration.pk).values().get()
    if action == "cancel":
        act(action, declaration, officer)  # the nightly job skips it
    else:
        with pytest.raises(ValidationError) as error:
            act(action, declaration, officer)
        assert error.value.code == "illegal_transition"
    assert Declaration.objects.filter(pk=declaration.pk).values().get() == before
    assert not DeclarationStep.objects.exists()


def test_the_transition_table_covers_every_action_and_state():
    assert len(ILLEGAL) + len(LEGAL) == len(ALL_ACTIONS) * len(S.values)
    assert len(LEGAL) == 6


# --- Who may act -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(services.OFFICER_ACTIONS))
def test_an_enterprise_user_can_never_decide_its_own_declaration(action, enterprise_a, ent_a):
    declaration = in_state(S.SUBMITTED, enterprise_a)
    with pytest.raises(PermissionDenied):
        act(action, declaration, ent_a)
    assert Declaration.objects.get(pk=declaration.pk).state == S.SUBMITTED


@pytest.mark.parametrize(
    ("action", "state"), [("submit", S.DRAFT), ("answer", S.SUPPLEMENT_REQUESTED)]
)
def test_an_enterprise_user_cannot_act_on_another_enterprise_declaration(
    action, state, enterprise_b, ent_a, leader
):
    declaration = in_state(state, enterprise_b)
    for user in (ent_a, leader):
        with pytest.raises(PermissionDenied):
            act(action, declaration, user)
    assert Declaration.objects.get(pk=declaration.pk).state == state


@pytest.mark.parametrize(
    "field",
    [
        "state",
        "receipt_number",
        "receipt_date",
        "valid_until",
        "effective_on",
        "decision_due_on",
        "supplement_due_on",
        "reason",
        "must_be_filed",
        "enterprise",
        "is_archived",
    ],
)
def test_an_enterprise_user_cannot_set_a_field_of_the_department(field, enterprise_a, ent_a):
    declaration = DeclarationFactory(enterprise=enterprise_a)
    values = {"state": S.ACCEPTED, "receipt_date": D(2026, 1, 1), "must_be_filed": False}
    with pytest.raises(ValidationError) as error:
        services.declaration_update(
            declaration_id=declaration.pk,
            data={field: values.get(field, "X")},
            products=None,
            version=declaration.version,
            user=ent_a,
        )
    assert error.value.code == "forbidden_field"
    with pytest.raises(ValidationError):
        services.declaration_create(
            enterprise=enterprise_a,
            data={
                "kind": DeclarationKind.CONFORMITY_REGULATION,
                "standard": declaration.standard,
                field: values.get(field, "X"),
            },
            products=[],
            user=ent_a,
        )
    assert Declaration.objects.get(pk=declaration.pk).state == S.DRAFT
    assert Declaration.objects.count() == 1


def test_products_and_certificate_must_be_the_enterprise_own(enterprise_a, enterprise_b, ent_a):
    declaration = DeclarationFactory(enterprise=enterprise_a)
    theirs = ProductFactory(enterprise=enterprise_b)
    with pytest.raises(ValidationError) as error:
        services.declaration_update(
            declaration_id=declaration.pk, data={}, products=[theirs], version=1, user=ent_a
        )
    assert "products" in error.value.error_dict
    certificate = CertificateFactory(enterprise=enterprise_b)
    with pytest.raises(ValidationError) as error:
        services.declaration_update(
            declaration_id=declaration.pk,
            data={"basis": DeclarationBasis.CERTIFICATE, "certificate": certificate},
            products=None,
            version=1,
            user=ent_a,
        )
    assert "certificate" in error.value.error_dict
    assert list(Declaration.objects.get(pk=declaration.pk).products.all()) != [theirs]


def test_a_conformity_declaration_names_a_regulation_of_its_kind(enterprise_a, ent_a):
    with pytest.raises(ValidationError) as error:
        services.declaration_create(
            enterprise=enterprise_a,
            data={"kind": DeclarationKind.CONFORMITY_REGULATION, "standard": StandardFactory()},
            products=[],
            user=ent_a,
        )
    assert "standard" in error.value.error_dict


def test_only_drafts_and_supplements_can_be_edited(enterprise_a, ent_a):
    for state in (S.SUBMITTED, S.ACCEPTED, S.REJECTED, S.CANCELLED, S.RECORDED):
        declaration = in_state(state, enterprise_a)
        with pytest.raises(ValidationError) as error:
            services.declaration_update(
                declaration_id=declaration.pk,
                data={"document_number": "SUA"},
                products=None,
                version=declaration.version,
                user=ent_a,
            )
        assert error.value.code == "not_editable"
    declaration = in_state(S.SUPPLEMENT_REQUESTED, enterprise_a)
    services.declaration_update(
        declaration_id=declaration.pk,
        data={"document_number": "SUA"},
        products=None,
        version=declaration.version,
        user=ent_a,
    )
    assert Declaration.objects.get(pk=declaration.pk).document_number == "SUA"


def test_a_stale_version_is_a_conflict(enterprise_a, ent_a, officer):
    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    with pytest.raises(EditConflictError):
        services.declaration_accept(
            declaration_id=declaration.pk,
            version=declaration.version - 1,
            receipt_number="1/TB",
            receipt_date=timezone.localdate(),
            user=officer,
        )
    assert Declaration.objects.get(pk=declaration.pk).state == S.SUBMITTED


def test_submit_needs_a_product_and_a_file(enterprise_a, ent_a):
    for kwargs in ({"products": []}, {"documents": 0}):
        declaration = DeclarationFactory(enterprise=enterprise_a, **kwargs)
        with pytest.raises(ValidationError):
            act("submit", declaration, ent_a)
        assert Declaration.objects.get(pk=declaration.pk).state == S.DRAFT


def test_accept_needs_a_receipt_number_not_used_and_a_date_not_in_the_future(
    enterprise_a, ent_a, officer
):
    first = act(
        "accept", act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a), officer
    )
    second = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    today = timezone.localdate()
    for number, day, field in (
        ("", today, "receipt_number"),
        (first.receipt_number.lower(), today, "receipt_number"),
        ("2/TB", today + datetime.timedelta(days=1), "receipt_date"),
        ("2/TB", today - datetime.timedelta(days=30), "receipt_date"),
    ):
        with pytest.raises(ValidationError) as error:
            services.declaration_accept(
                declaration_id=second.pk,
                version=second.version,
                receipt_number=number,
                receipt_date=day,
                user=officer,
            )
        assert field in error.value.error_dict
    assert Declaration.objects.get(pk=second.pk).state == S.SUBMITTED


def test_dossier_files_are_checked_by_content(enterprise_a, ent_a):
    declaration = DeclarationFactory(enterprise=enterprise_a, documents=0)
    with pytest.raises(ValidationError):
        services.declaration_attach_document(
            declaration_id=declaration.pk,
            title="Bản công bố",
            upload=upload(b"MZ not a pdf", "ban-cong-bo.pdf"),
            user=ent_a,
        )
    document = services.declaration_attach_document(
        declaration_id=declaration.pk, title="Bản công bố", upload=upload(pdf_bytes()), user=ent_a
    )
    assert document.file.name.endswith(".pdf")
    assert declaration.documents.count() == 1


# --- Deadlines and the nightly job ------------------------------------------------------------


def test_supplement_deadline_across_tet(enterprise_a, ent_a, officer):
    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    # Asked on Monday 09/02/2026: 10-13/02 (4), Tết 16-20/02 off, 23-27/02 (9), 02-06/03 (14),
    # 09/03 (15).
    declaration = act("request_supplement", declaration, officer, today=D(2026, 2, 9))
    assert declaration.supplement_due_on == D(2026, 3, 9)


def test_an_answer_after_the_supplement_deadline_is_refused(enterprise_a, ent_a, officer):
    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    declaration = act("request_supplement", declaration, officer, today=D(2026, 2, 9))
    with pytest.raises(ValidationError):
        act("answer", declaration, ent_a, today=D(2026, 3, 10))
    assert act("answer", declaration, ent_a, today=D(2026, 3, 9)).state == S.SUBMITTED


def test_the_nightly_job_cancels_lapsed_supplements_only_after_the_deadline(
    enterprise_a, ent_a, officer
):
    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    declaration = act("request_supplement", declaration, officer, today=D(2026, 2, 9))
    assert services.declarations_nightly(day="2026-03-09")["cancelled"] == 0
    assert services.declarations_nightly(day="2026-03-10")["cancelled"] == 1
    declaration.refresh_from_db()
    assert declaration.state == S.CANCELLED
    assert "09/03/2026" in declaration.reason
    step = declaration.steps.last()
    assert (step.from_state, step.to_state, step.by) == (S.SUPPLEMENT_REQUESTED, S.CANCELLED, None)
    assert Notification.objects.filter(recipient=ent_a, kind="declaration_cancelled").exists()
    assert services.declarations_nightly(day="2026-03-11")["cancelled"] == 0


def test_overdue_and_due_follow_the_officer_deadline(enterprise_a, ent_a, officer):
    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a, D(2026, 2, 12))
    assert declaration.decision_due_on == D(2026, 2, 26)
    assert not Declaration.objects.overdue_on(D(2026, 2, 26)).exists()
    assert Declaration.objects.due_on(D(2026, 2, 26)).get() == declaration
    assert Declaration.objects.overdue_on(D(2026, 2, 27)).get() == declaration
    result = services.declarations_nightly(day="2026-02-27")
    assert result["overdue_notified"] == 1
    assert services.declarations_nightly(day="2026-02-28")["overdue_notified"] == 0  # once


def test_each_step_notifies_the_other_side_once(enterprise_a, ent_a, officer):
    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    assert Notification.objects.filter(recipient=officer, kind="declaration_submitted").count() == 1
    assert not Notification.objects.filter(recipient=ent_a).exists()
    act("request_supplement", declaration, officer)
    notice = Notification.objects.get(recipient=ent_a, kind="declaration_supplement_requested")
    assert "Thiếu phiếu kết quả thử nghiệm" in notice.body
    mails = [m for m in OutboundEmail.objects.values_list("to", flat=True) if ent_a.email in m]
    assert len(mails) == 1


def test_the_queryset_definitions_count_in_the_database(enterprise_a, ent_a, officer):
    accepted = act(
        "accept", act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a), officer
    )
    act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    DeclarationFactory(enterprise=enterprise_a)  # a draft: not received
    year = timezone.localdate().year
    assert Declaration.objects.received_in(year).count() == 2
    assert Declaration.objects.received_in(year - 1).count() == 0
    assert list(Declaration.objects.accepted()) == [accepted]
    assert list(Declaration.objects.declared_in(year)) == [accepted]
    assert Declaration.objects.in_force_on(timezone.localdate()).get() == accepted
    assert Declaration.objects.expired_on(accepted.valid_until + datetime.timedelta(days=1)).get()


def test_regulation_factory_is_a_regulation():
    assert RegulationFactory().kind == "technical_regulation"


def test_the_beat_task_runs_the_nightly_job_once_a_day(
    enterprise_a, ent_a, officer, django_capture_on_commit_callbacks
):
    from laichau_nsc.models import BackgroundJob, JobState
    from standards.tasks import run_declarations_nightly

    declaration = act("submit", DeclarationFactory(enterprise=enterprise_a), ent_a)
    act("request_supplement", declaration, officer, today=D(2026, 1, 5))  # lapsed since
    with django_capture_on_commit_callbacks(execute=True):
        run_declarations_nightly.delay()
    with django_capture_on_commit_callbacks(execute=True):
        run_declarations_nightly.delay()  # beat asked twice
    job = BackgroundJob.objects.get()
    assert job.state == JobState.DONE, job.error
    assert job.result["cancelled"] == 1
    assert Declaration.objects.get(pk=declaration.pk).state == S.CANCELLED


def test_the_nightly_job_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="standards.run_declarations_nightly")
    assert (task.crontab.hour, task.crontab.minute) == ("1", "45")
    assert task.enabled


def test_archive_first_an_enterprise_archives_only_its_drafts(enterprise_a, ent_a, officer):
    draft = DeclarationFactory(enterprise=enterprise_a)
    services.declaration_set_archived(declaration_id=draft.pk, archived=True, user=ent_a)
    assert Declaration.objects.get(pk=draft.pk).is_archived
    assert not Declaration.objects.active().filter(pk=draft.pk).exists()
    with pytest.raises(ValidationError):
        act("submit", draft, ent_a)  # restore first
    services.declaration_set_archived(declaration_id=draft.pk, archived=False, user=ent_a)
    waiting = in_state(S.SUBMITTED, enterprise_a)
    with pytest.raises(ValidationError):
        services.declaration_set_archived(declaration_id=waiting.pk, archived=True, user=ent_a)
    services.declaration_set_archived(declaration_id=waiting.pk, archived=True, user=officer)
    assert Declaration.objects.get(pk=waiting.pk).is_archived
