"""Every write to declarations goes through these functions: the Department's procedure for a
declaration of conformity (Circular 28/2012/TT-BKHCN as amended) and the recording of the
declarations that are not filed.

The procedure is a state machine (``TRANSITIONS``); each step is one function here, checks who
acts and from which state, takes the version the actor loaded (optimistic concurrency, as in
``laichau_nsc.editing``), writes a ``DeclarationStep`` (who, when, from, to, why) and notifies the
other side (``laichau_nsc.notifications.notify``: the bell and an e-mail)::

    draft ──submit──▶ submitted ──accept──▶ accepted (receipt notice; valid until the basis
      │                 │  ▲                          certificate expires, or 3 years)
      │                 │  └──answer── supplement_requested ──(15 working days pass)──▶ cancelled
      │                 ├──request_supplement──▶ ┘
      │                 └──reject──▶ rejected (with reasons)
      └──submit (the kind is only recorded, ``DeclarationRule``)──▶ recorded

- an **enterprise user** (approved member) creates and edits its own drafts, adds dossier files,
  submits, and answers a supplement request. It sets only ``ENTERPRISE_FIELDS``: never the state,
  the deadlines, the receipt notice or the reasons, whatever it posts;
- an **officer** may do what the enterprise does, and alone requests a supplement, accepts and
  rejects;
- the **nightly job** cancels dossiers whose supplement deadline passed and tells the officers
  about the overdue ones;
- a **leader** changes nothing.

Deadlines count working days (``laichau_nsc.workdays``): the officer has
``DECISION_WORKING_DAYS`` from the day the dossier is complete (submitted, or supplemented), the
enterprise ``SUPPLEMENT_WORKING_DAYS`` from the day a supplement is requested. "Expired" is not a
stored state: an accepted declaration is expired once ``valid_until`` has passed.

A refused step raises ``ValidationError`` (a Vietnamese message, nothing changed) or
``PermissionDenied``; a stale version raises ``EditConflictError``.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from laichau_nsc import jobs
from laichau_nsc.editing import lock_for_update
from laichau_nsc.files import discard_on_error, named_for_storage, validate_document
from laichau_nsc.notifications import Message, notify, notify_many
from laichau_nsc.roles import is_officer
from laichau_nsc.workdays import add_working_days

from .choices import DeclarationBasis, DeclarationKind, DeclarationState, StandardKind
from .models import (
    Certificate,
    Declaration,
    DeclarationDocument,
    DeclarationRule,
    DeclarationStep,
    Product,
)
from .reminders import chunked, enterprise_members, officer_ids
from .services import _actor, _as_user, _check_enterprise_active, _only_fields

S = DeclarationState

DECISION_WORKING_DAYS = 5
SUPPLEMENT_WORKING_DAYS = 15
#: Validity of an accepted declaration without a certificate's expiry to follow.
VALIDITY_YEARS = 3

#: What an enterprise user (and an officer) sets on a declaration. Everything else — state,
#: deadlines, receipt notice, reasons — only the steps below set.
ENTERPRISE_FIELDS = ("kind", "standard", "basis", "certificate", "document_number", "declared_on")

#: Steps: (action, from state) → to state. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("submit", S.DRAFT): S.SUBMITTED,  # or RECORDED, when the kind is only recorded
    ("request_supplement", S.SUBMITTED): S.SUPPLEMENT_REQUESTED,
    ("answer", S.SUPPLEMENT_REQUESTED): S.SUBMITTED,
    ("accept", S.SUBMITTED): S.ACCEPTED,
    ("reject", S.SUBMITTED): S.REJECTED,
    ("cancel", S.SUPPLEMENT_REQUESTED): S.CANCELLED,
}
#: Steps only an officer takes (the nightly job takes "cancel").
OFFICER_ACTIONS = frozenset({"request_supplement", "accept", "reject"})
#: States in which the enterprise may still change the dossier.
EDITABLE = (S.DRAFT, S.SUPPLEMENT_REQUESTED)

#: Which standards a declaration of conformity may name.
STANDARD_KINDS = {
    DeclarationKind.CONFORMITY_STANDARD: (StandardKind.NATIONAL_STANDARD,),
    DeclarationKind.CONFORMITY_REGULATION: (StandardKind.TECHNICAL_REGULATION,),
}

#: Defaults when no ``DeclarationRule`` covers a day: conformity declarations are filed.
DEFAULT_FILED = frozenset(
    {DeclarationKind.CONFORMITY_STANDARD, DeclarationKind.CONFORMITY_REGULATION}
)

STEP_TEMPLATE = "standards/email/declaration_step"
OVERDUE_TEMPLATE = "standards/email/declaration_overdue"


# --- Rules ---------------------------------------------------------------------------------------


def must_be_filed(kind: str, day: datetime.date) -> bool:
    """Whether a declaration of ``kind`` made on ``day`` is filed with the Department: the
    latest ``DeclarationRule`` of the kind in force that day, else ``DEFAULT_FILED``."""
    rule = (
        DeclarationRule.objects.filter(kind=kind, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("must_be_filed", flat=True)
        .first()
    )
    return kind in DEFAULT_FILED if rule is None else rule


# --- Checks --------------------------------------------------------------------------------------


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _target(declaration: Declaration, action: str) -> str:
    """The state ``action`` leads to from the declaration's state, or a refusal saying why."""
    to_state = TRANSITIONS.get((action, declaration.state))
    if declaration.is_archived and action != "cancel":
        raise ValidationError(
            _("Hồ sơ đã lưu trữ; khôi phục trước khi xử lý."), code="illegal_transition"
        )
    if to_state is None:
        raise ValidationError(
            _("Không thể thực hiện bước này khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"state": declaration.get_state_display()},
            code="illegal_transition",
        )
    return to_state


def _require_officer(user) -> None:
    if not is_officer(user):
        raise PermissionDenied


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message}, code="required")
    return reason


def _set_products(declaration: Declaration, products: Iterable[Product] | None) -> None:
    if products is None:
        return
    ids = {p.pk for p in products}
    own = set(
        Product.objects.active()
        .filter(pk__in=ids, enterprise_id=declaration.enterprise_id)
        .values_list("pk", flat=True)
    )
    if own != ids:
        raise ValidationError(
            {"products": _("Chỉ chọn được sản phẩm đang dùng của chính doanh nghiệp.")},
            code="foreign_product",
        )
    declaration.products.set(ids)


def _validate(declaration: Declaration) -> None:
    errors: dict[str, str] = {}
    allowed = STANDARD_KINDS.get(declaration.kind)
    if allowed and declaration.standard_id and declaration.standard.kind not in allowed:
        errors["standard"] = (
            _("Công bố hợp quy phải theo một quy chuẩn kỹ thuật (QCVN).")
            if declaration.kind == DeclarationKind.CONFORMITY_REGULATION
            else _("Công bố hợp chuẩn phải theo một tiêu chuẩn quốc gia (TCVN).")
        )
    if declaration.basis == DeclarationBasis.CERTIFICATE:
        certificate = declaration.certificate
        if certificate is None:
            errors["certificate"] = _("Chọn giấy chứng nhận làm căn cứ công bố.")
        elif certificate.enterprise_id != declaration.enterprise_id or certificate.is_archived:
            errors["certificate"] = _("Giấy chứng nhận phải là của chính doanh nghiệp.")
    elif declaration.certificate_id:
        errors["certificate"] = _("Tự đánh giá thì không chọn giấy chứng nhận.")
    today = timezone.localdate()
    if declaration.declared_on and declaration.declared_on > today:
        errors["declared_on"] = _("Ngày công bố không được sau hôm nay.")
    if errors:
        raise ValidationError(errors)
    declaration.full_clean(exclude=["products"])


def _save(declaration: Declaration, user) -> None:
    declaration.version += 1
    _as_user(declaration, user)
    declaration.save()


def _step(declaration: Declaration, from_state: str, user, note: str = "") -> DeclarationStep:
    return DeclarationStep.objects.create(
        declaration=declaration,
        from_state=from_state,
        to_state=declaration.state,
        by=user,
        note=note,
    )


def _tell(declaration: Declaration, step: DeclarationStep, *, enterprise: bool, officers: bool):
    """Notify the enterprise's users and/or the officers about a step (once per step)."""
    users: list[int] = []
    if enterprise:
        users += enterprise_members({declaration.enterprise_id}).get(declaration.enterprise_id, [])
    if officers:
        users += officer_ids()
    notify(
        users,
        kind=f"declaration_{declaration.state}",
        template=STEP_TEMPLATE,
        context=_context(declaration, step.note),
        url=declaration.get_absolute_url(),
        dedupe_key=f"declaration:{declaration.pk}:step:{step.pk}",
    )


def _context(declaration: Declaration, note: str = "") -> dict[str, Any]:
    return {
        "pk": declaration.pk,
        "enterprise_name": declaration.enterprise.name,
        "standard_code": declaration.standard.code,
        "kind": declaration.get_kind_display(),
        "state": declaration.get_state_display(),
        "state_value": declaration.state,
        "note": note,
        "receipt_number": declaration.receipt_number,
        "receipt_date": declaration.receipt_date,
        "supplement_due_on": declaration.supplement_due_on,
        "decision_due_on": declaration.decision_due_on,
        "valid_until": declaration.valid_until,
    }


# --- Drafts --------------------------------------------------------------------------------------


@transaction.atomic
def declaration_create(
    *, enterprise: Enterprise, data: dict[str, Any], products: Iterable[Product], user
) -> Declaration:
    """A new draft of the enterprise: an officer, or the enterprise's own user."""
    _actor(user, enterprise.pk)
    _only_fields(data, ENTERPRISE_FIELDS)
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    _check_enterprise_active(enterprise)
    declaration = Declaration(enterprise=enterprise, state=S.DRAFT, **data)
    _validate(declaration)
    _as_user(declaration, user)
    declaration.save()
    _set_products(declaration, products)
    return declaration


@transaction.atomic
def declaration_update(
    *,
    declaration_id: int,
    data: dict[str, Any],
    products: Iterable[Product] | None,
    version: int,
    user,
) -> Declaration:
    """Change a draft, or a dossier the Department asked to supplement."""
    declaration = lock_for_update(Declaration, pk=declaration_id, version=version)
    _actor(user, declaration.enterprise_id)
    _only_fields(data, ENTERPRISE_FIELDS)
    _check_editable(declaration)
    for field, value in data.items():
        setattr(declaration, field, value)
    _validate(declaration)
    _save(declaration, user)
    _set_products(declaration, products)
    return declaration


def _check_editable(declaration: Declaration) -> None:
    if declaration.state not in EDITABLE or declaration.is_archived:
        raise ValidationError(
            _("Hồ sơ ở trạng thái “%(state)s” không sửa được.")
            % {"state": declaration.get_state_display()},
            code="not_editable",
        )


@transaction.atomic
def declaration_attach_document(
    *, declaration_id: int, title: str, upload, user
) -> DeclarationDocument:
    """Add a file to the dossier while the enterprise may still change it; the file is
    checked by its content (``laichau_nsc.files``)."""
    declaration = lock_for_update(Declaration, pk=declaration_id, version=None)
    _actor(user, declaration.enterprise_id)
    _check_editable(declaration)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Nhập tên tài liệu.")})
    kind = validate_document(upload)
    document = DeclarationDocument(declaration=declaration, title=title, uploaded_by=user)
    document.file.save(named_for_storage(upload, kind, "ho-so").name, upload, save=False)
    try:
        document.full_clean()
        document.save()
    except BaseException:
        discard_on_error(document.file)
        raise
    return document


@transaction.atomic
def declaration_set_archived(*, declaration_id: int, archived: bool, user) -> Declaration:
    """Archive (hidden from lists and counts, kept with its steps and history) or restore. An
    officer may archive any declaration; the enterprise's own user only a draft it gave up."""
    declaration = lock_for_update(Declaration, pk=declaration_id, version=None)
    actor = _actor(user, declaration.enterprise_id)
    if actor != "officer" and declaration.state != S.DRAFT:
        raise ValidationError(
            _("Doanh nghiệp chỉ lưu trữ được bản nháp; hồ sơ đã nộp do Sở xử lý."),
            code="not_draft",
        )
    if declaration.is_archived == archived:
        return declaration
    declaration.is_archived = archived
    _save(declaration, user)
    return declaration


# --- Steps ---------------------------------------------------------------------------------------


@transaction.atomic
def declaration_submit(
    *, declaration_id: int, version: int, user, today: datetime.date | None = None
) -> Declaration:
    """File the dossier (officer's deadline starts: it is complete until said otherwise), or,
    for a kind that is only recorded, record it (in force from its declaration date)."""
    declaration = lock_for_update(Declaration, pk=declaration_id, version=version)
    _actor(user, declaration.enterprise_id)
    _target(declaration, "submit")
    _check_enterprise_active(declaration.enterprise)
    today = _today(today)
    _check_ready(declaration)
    declared_on = declaration.declared_on or today
    declaration.declared_on = declared_on
    declaration.must_be_filed = must_be_filed(declaration.kind, declared_on)
    from_state = declaration.state
    if declaration.must_be_filed:
        declaration.state = S.SUBMITTED
        declaration.submitted_at = timezone.now()
        _mark_complete(declaration, today)
    else:
        declaration.state = S.RECORDED
        declaration.effective_on = declared_on
        declaration.valid_until = _valid_until(declaration, declared_on)
    _validate(declaration)
    _save(declaration, user)
    step = _step(declaration, from_state, user)
    # Filed: the officers have a dossier to process. Recorded: the enterprise keeps a trace.
    _tell(declaration, step, enterprise=not declaration.must_be_filed, officers=True)
    return declaration


def _check_ready(declaration: Declaration) -> None:
    if not declaration.products.exists():
        raise ValidationError(_("Chọn ít nhất một sản phẩm trước khi nộp."), code="no_product")
    if not declaration.documents.exists():
        raise ValidationError(
            _("Tải lên ít nhất một tài liệu hồ sơ trước khi nộp."), code="no_document"
        )


def _mark_complete(declaration: Declaration, today: datetime.date) -> None:
    declaration.complete_on = today
    declaration.decision_due_on = add_working_days(today, DECISION_WORKING_DAYS)
    declaration.supplement_due_on = None


def _valid_until(declaration: Declaration, start: datetime.date) -> datetime.date | None:
    """The basis certificate's expiry, else 3 years (a company or applied standard declared
    without a certificate has no end)."""
    if declaration.certificate_id:
        return Certificate.objects.values_list("expires_on", flat=True).get(
            pk=declaration.certificate_id
        )
    if declaration.kind not in DEFAULT_FILED:
        return None
    try:
        end = start.replace(year=start.year + VALIDITY_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + VALIDITY_YEARS, day=28)
    return end - datetime.timedelta(days=1)


@transaction.atomic
def declaration_request_supplement(
    *, declaration_id: int, version: int, reason: str, user, today: datetime.date | None = None
) -> Declaration:
    """An officer finds the dossier incomplete: the enterprise has 15 working days."""
    _require_officer(user)
    declaration = lock_for_update(Declaration, pk=declaration_id, version=version)
    _target(declaration, "request_supplement")
    reason = _reason(reason, _("Nêu những gì doanh nghiệp cần bổ sung."))
    today = _today(today)
    from_state = declaration.state
    declaration.state = S.SUPPLEMENT_REQUESTED
    declaration.reason = reason
    declaration.complete_on = None
    declaration.decision_due_on = None
    declaration.supplement_due_on = add_working_days(today, SUPPLEMENT_WORKING_DAYS)
    _validate(declaration)
    _save(declaration, user)
    _tell(
        declaration, _step(declaration, from_state, user, reason), enterprise=True, officers=False
    )
    return declaration


@transaction.atomic
def declaration_answer_supplement(
    *, declaration_id: int, version: int, note: str, user, today: datetime.date | None = None
) -> Declaration:
    """The enterprise sends the supplemented dossier: complete again, the officer's 5 working
    days start afresh."""
    declaration = lock_for_update(Declaration, pk=declaration_id, version=version)
    _actor(user, declaration.enterprise_id)
    _target(declaration, "answer")
    today = _today(today)
    if declaration.supplement_due_on and today > declaration.supplement_due_on:
        raise ValidationError(_("Đã quá hạn bổ sung hồ sơ."), code="supplement_lapsed")
    _check_ready(declaration)
    note = _reason(note, _("Nêu ngắn gọn những gì đã bổ sung."))
    from_state = declaration.state
    declaration.state = S.SUBMITTED
    _mark_complete(declaration, today)
    _validate(declaration)
    _save(declaration, user)
    _tell(declaration, _step(declaration, from_state, user, note), enterprise=False, officers=True)
    return declaration


@transaction.atomic
def declaration_accept(
    *,
    declaration_id: int,
    version: int,
    receipt_number: str,
    receipt_date: datetime.date,
    user,
) -> Declaration:
    """An officer accepts the dossier and issues the receipt notice (number and date)."""
    _require_officer(user)
    declaration = lock_for_update(Declaration, pk=declaration_id, version=version)
    _target(declaration, "accept")
    receipt_number = (receipt_number or "").strip()
    errors = {}
    if not receipt_number:
        errors["receipt_number"] = _("Nhập số thông báo tiếp nhận.")
    elif _receipt_taken(receipt_number, declaration.pk):
        errors["receipt_number"] = _("Số thông báo tiếp nhận này đã dùng cho hồ sơ khác.")
    if receipt_date is None:
        errors["receipt_date"] = _("Nhập ngày thông báo tiếp nhận.")
    elif receipt_date > timezone.localdate():
        errors["receipt_date"] = _("Ngày thông báo không được sau hôm nay.")
    elif declaration.submitted_at and receipt_date < timezone.localdate(declaration.submitted_at):
        errors["receipt_date"] = _("Ngày thông báo không được trước ngày nộp hồ sơ.")
    if errors:
        raise ValidationError(errors)
    from_state = declaration.state
    declaration.state = S.ACCEPTED
    declaration.receipt_number = receipt_number
    declaration.receipt_date = receipt_date
    declaration.effective_on = receipt_date
    declaration.valid_until = _valid_until(declaration, receipt_date)
    declaration.reason = ""
    # The deadline was the Department's while it had the dossier; the queue orders by it.
    declaration.decision_due_on = None
    _validate(declaration)
    _save(declaration, user)
    _tell(declaration, _step(declaration, from_state, user), enterprise=True, officers=False)
    return declaration


def _receipt_taken(number: str, pk: int) -> bool:
    return (
        Declaration.objects.annotate(key=Upper("receipt_number"))
        .filter(key=number.upper())
        .exclude(pk=pk)
        .exists()
    )


@transaction.atomic
def declaration_reject(*, declaration_id: int, version: int, reason: str, user) -> Declaration:
    """An officer refuses the dossier, with the reasons the enterprise reads."""
    _require_officer(user)
    declaration = lock_for_update(Declaration, pk=declaration_id, version=version)
    _target(declaration, "reject")
    reason = _reason(reason, _("Nêu lý do không tiếp nhận."))
    from_state = declaration.state
    declaration.state = S.REJECTED
    declaration.reason = reason
    declaration.decision_due_on = None
    _validate(declaration)
    _save(declaration, user)
    _tell(
        declaration, _step(declaration, from_state, user, reason), enterprise=True, officers=False
    )
    return declaration


# --- The nightly job ------------------------------------------------------------------------------


def declaration_cancel_lapsed(*, day: datetime.date) -> int:
    """Cancel the dossiers whose supplement deadline passed before ``day``: one transaction per
    dossier, each re-checked under its lock (an answer that got there first wins)."""
    cancelled = 0
    lapsed = Declaration.objects.filter(
        state=S.SUPPLEMENT_REQUESTED, supplement_due_on__lt=day
    ).values_list("pk", flat=True)
    for pk in list(lapsed):
        with transaction.atomic():
            declaration = lock_for_update(Declaration, pk=pk, version=None)
            due = declaration.supplement_due_on
            if declaration.state != S.SUPPLEMENT_REQUESTED or due is None or due >= day:
                continue
            from_state = declaration.state
            declaration.state = S.CANCELLED
            declaration.reason = _("Quá hạn bổ sung hồ sơ (%(day)s).") % {
                "day": due.strftime("%d/%m/%Y")
            }
            _save(declaration, None)
            step = _step(declaration, from_state, None, declaration.reason)
            _tell(declaration, step, enterprise=True, officers=True)
            cancelled += 1
    return cancelled


def declaration_notify_overdue(*, day: datetime.date, chunk_size: int = 500) -> int:
    """Tell the officers about each dossier past its decision deadline: once per dossier and
    deadline (a new deadline after a supplement is a new reminder)."""
    officers = officer_ids()
    if not officers:
        return 0
    rows = (
        Declaration.objects.overdue_on(day)
        .order_by("decision_due_on", "pk")
        .values_list("pk", "decision_due_on", "enterprise__name", "standard__code")
    )
    notified = 0
    for chunk in chunked(rows.iterator(chunk_size=2000), chunk_size):
        messages = [
            Message(
                users=tuple(officers),
                kind="declaration_overdue",
                template=OVERDUE_TEMPLATE,
                context={
                    "pk": pk,
                    "decision_due_on": due,
                    "enterprise_name": name,
                    "standard_code": code,
                },
                url=reverse("standards:declaration_detail", args=[pk]),
                dedupe_key=f"declaration:{pk}:overdue:{due.isoformat()}",
            )
            for pk, due, name, code in chunk
        ]
        with transaction.atomic():
            notified += notify_many(messages)
    return notified


@jobs.background
def declarations_nightly(*, day: str | None = None) -> dict[str, int]:
    """The nightly run: cancel lapsed supplements, remind the officers of overdue dossiers."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    cancelled = declaration_cancel_lapsed(day=today)
    return {"cancelled": cancelled, "overdue_notified": declaration_notify_overdue(day=today)}
