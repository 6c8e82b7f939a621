"""Every write to adoptions and certificates goes through these functions.

Views, tasks and commands are thin layers over them (HackSoft's services): keyword-only, one
transaction each, ``full_clean()`` before saving, the acting user recorded in the history.

Who may do what is decided here, not only in the views:

- an **officer** records adoptions and certificates as verified, edits them (with the version
  they loaded), records certificate events, verifies or returns what an enterprise proposed,
  archives and restores;
- an **enterprise user** (approved member of the enterprise) may propose an adoption or a
  certificate for their own enterprise, setting only ``ENTERPRISE_*_FIELDS``; a proposal is
  ``proposed`` until an officer verifies it or returns it with a reason; a returned (or still
  unreviewed) proposal can be corrected, which proposes it again. They may upload a scan of their
  own certificates. Anything else (a review field, another enterprise, a verified record) is
  refused;
- a **leader** changes nothing.

A refused write raises ``ValidationError`` (a Vietnamese message, nothing changed) or
``PermissionDenied``; a stale version raises ``EditConflictError``.
"""

import datetime
import hashlib
import io
import json
import tempfile
from collections.abc import Iterable
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.choices import ExportFormat
from enterprises.models import Enterprise
from laichau_nsc import jobs
from laichau_nsc.editing import lock_for_update
from laichau_nsc.exports import write_csv, write_xlsx
from laichau_nsc.files import discard_on_error, named_for_storage, replace_file, validate_document
from laichau_nsc.roles import Role, has_role, is_officer

from . import derivation
from .choices import ISSUING_EVENTS, CertificateEventKind, ReviewState
from .models import (
    Adoption,
    Certificate,
    CertificateEvent,
    CertificateExportJob,
    CertificationBody,
    Standard,
)

Actor = Literal["officer", "enterprise"]

#: What an enterprise user may set on an adoption they propose.
ENTERPRISE_ADOPTION_FIELDS = ("standard", "status", "started_on", "ended_on", "note")
#: What an officer may set (whether and how the programme supported it is the Department's word).
OFFICER_ADOPTION_FIELDS = (*ENTERPRISE_ADOPTION_FIELDS, "programme_supported", "support_note")

#: What an enterprise user may set on a certificate they propose.
ENTERPRISE_CERTIFICATE_FIELDS = (
    "standard",
    "body",
    "number",
    "scope",
    "sites",
    "first_issued_on",
    "issued_on",
    "expires_on",
    "last_audit_on",
)
OFFICER_CERTIFICATE_FIELDS = (*ENTERPRISE_CERTIFICATE_FIELDS, "adoption")

#: Fields ``derivation.rebuild`` writes.
DERIVED_FIELDS = (
    "first_issued_on",
    "issued_on",
    "expires_on",
    "last_audit_on",
    "surveillance_due_on",
    "withdrawn_on",
)

#: Review states in which the enterprise may still correct its proposal.
CORRECTABLE = (ReviewState.PROPOSED, ReviewState.RETURNED)


def _as_user(obj, user) -> None:
    # simple-history takes the author from the request; outside one (tasks, commands) from here.
    obj._history_user = user


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


# --- Who acts ----------------------------------------------------------------------------------


def _actor(user, enterprise_id: int) -> Actor:
    """Officer, or an approved member of the enterprise; anyone else is refused."""
    if is_officer(user):
        return "officer"
    if (
        has_role(user, Role.ENTERPRISE)
        and Enterprise.objects.for_user(user, "change").filter(pk=enterprise_id).exists()
    ):
        return "enterprise"
    raise PermissionDenied


def _require_officer(user) -> None:
    if not is_officer(user):
        raise PermissionDenied


def _only_fields(data: dict[str, Any], allowed: Iterable[str]) -> None:
    """Refuse any field the actor may not set (a forged form field, a careless caller)."""
    forbidden = sorted(set(data) - set(allowed))
    if forbidden:
        raise ValidationError(
            _("Không được phép đặt các trường: %(fields)s.") % {"fields": ", ".join(forbidden)},
            code="forbidden_field",
        )


def _check_enterprise_active(enterprise: Enterprise) -> None:
    if enterprise.is_archived:
        raise ValidationError(
            _("Doanh nghiệp “%(name)s” đã lưu trữ; khôi phục trước khi ghi nhận.")
            % {"name": enterprise.name}
        )


def _mark_reviewed(obj, user, state: str, reason: str = "") -> None:
    obj.review_state = state
    obj.review_reason = reason
    obj.reviewed_by = user
    obj.reviewed_at = timezone.now()


def _mark_proposed(obj) -> None:
    obj.review_state = ReviewState.PROPOSED
    obj.review_reason = ""
    obj.reviewed_by = None
    obj.reviewed_at = None


# --- Adoptions ---------------------------------------------------------------------------------


def _validate_adoption(adoption: Adoption) -> None:
    adoption.full_clean(validate_unique=False, validate_constraints=False)
    errors: dict[str, list[str]] = {}
    if adoption.started_on and adoption.ended_on and adoption.ended_on < adoption.started_on:
        errors.setdefault("ended_on", []).append(
            _("Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).")
            % {"end": _day(adoption.ended_on), "start": _day(adoption.started_on)}
        )
    if adoption.started_on and adoption.started_on > timezone.localdate() + datetime.timedelta(
        days=3660
    ):
        errors.setdefault("started_on", []).append(_("Ngày bắt đầu quá xa trong tương lai."))
    if not adoption.is_archived and adoption.standard_id:
        current = (
            Adoption.objects.filter(
                enterprise_id=adoption.enterprise_id,
                standard_id=adoption.standard_id,
                is_archived=False,
            )
            .exclude(pk=adoption.pk)
            .first()
        )
        if current is not None:
            errors.setdefault("standard", []).append(
                _(
                    "Doanh nghiệp đã có một hồ sơ áp dụng %(standard)s (mã %(pk)s, %(state)s). "
                    "Hãy cập nhật hồ sơ đó, hoặc lưu trữ nó trước."
                )
                % {
                    "standard": adoption.standard,
                    "pk": current.pk,
                    "state": current.get_review_state_display().lower(),
                }
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def adoption_create(*, enterprise: Enterprise, data: dict[str, Any], user) -> Adoption:
    """Record an adoption: verified when an officer records it, ``proposed`` when the
    enterprise's own user does (only ``ENTERPRISE_ADOPTION_FIELDS``)."""
    actor = _actor(user, enterprise.pk)
    _only_fields(
        data, OFFICER_ADOPTION_FIELDS if actor == "officer" else ENTERPRISE_ADOPTION_FIELDS
    )
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _check_enterprise_active(enterprise)
    adoption = Adoption(enterprise=enterprise, **data)
    if actor == "officer":
        _mark_reviewed(adoption, user, ReviewState.VERIFIED)
    else:
        _mark_proposed(adoption)
    _validate_adoption(adoption)
    adoption.full_clean()
    _as_user(adoption, user)
    adoption.save()
    return adoption


@transaction.atomic
def adoption_update(*, adoption_id: int, data: dict[str, Any], version: int, user) -> Adoption:
    """Change an adoption loaded at ``version``. An enterprise user may only correct its own
    proposal that is not verified yet, which proposes it again."""
    adoption = lock_for_update(Adoption, pk=adoption_id, version=version)
    actor = _actor(user, adoption.enterprise_id)
    if actor == "enterprise":
        _only_fields(data, ENTERPRISE_ADOPTION_FIELDS)
        if adoption.review_state not in CORRECTABLE or adoption.is_archived:
            raise ValidationError(
                _("Hồ sơ đã được cán bộ xác minh; chỉ cán bộ mới sửa được. Hãy liên hệ Sở.")
            )
        _mark_proposed(adoption)
    else:
        _only_fields(data, OFFICER_ADOPTION_FIELDS)
    Enterprise.objects.select_for_update().filter(pk=adoption.enterprise_id).first()
    for field, value in data.items():
        setattr(adoption, field, value)
    _validate_adoption(adoption)
    adoption.full_clean()
    adoption.version += 1
    _as_user(adoption, user)
    adoption.save()
    return adoption


@transaction.atomic
def adoption_verify(*, adoption_id: int, version: int, user) -> Adoption:
    """An officer confirms a proposed adoption: from now on it counts."""
    _require_officer(user)
    adoption = lock_for_update(Adoption, pk=adoption_id, version=version)
    _check_review_step(adoption, ReviewState.VERIFIED)
    Enterprise.objects.select_for_update().filter(pk=adoption.enterprise_id).first()
    _mark_reviewed(adoption, user, ReviewState.VERIFIED)
    _validate_adoption(adoption)
    adoption.full_clean()
    adoption.version += 1
    _as_user(adoption, user)
    adoption.save()
    return adoption


@transaction.atomic
def adoption_return(*, adoption_id: int, version: int, reason: str, user) -> Adoption:
    """An officer sends a proposal back to the enterprise with what to correct."""
    _require_officer(user)
    adoption = lock_for_update(Adoption, pk=adoption_id, version=version)
    _check_review_step(adoption, ReviewState.RETURNED)
    _mark_reviewed(adoption, user, ReviewState.RETURNED, _reason(reason))
    adoption.full_clean()
    adoption.version += 1
    _as_user(adoption, user)
    adoption.save()
    return adoption


@transaction.atomic
def adoption_set_archived(*, adoption_id: int, archived: bool, user) -> Adoption:
    """Archive (hidden from lists and counts, kept with its history) or restore an adoption."""
    _require_officer(user)
    adoption = lock_for_update(Adoption, pk=adoption_id, version=None)
    if adoption.is_archived == archived:
        return adoption
    Enterprise.objects.select_for_update().filter(pk=adoption.enterprise_id).first()
    adoption.is_archived = archived
    _validate_adoption(adoption)  # a restore must not make two current adoptions
    adoption.version += 1
    _as_user(adoption, user)
    adoption.save()
    return adoption


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Vui lòng ghi lý do trả lại để doanh nghiệp bổ sung.")})
    return reason


def _check_review_step(record, to_state: str) -> None:
    """Verify and return apply only to what waits for review."""
    if record.is_archived:
        raise ValidationError(_("Hồ sơ đã lưu trữ; khôi phục trước khi xác minh."))
    if record.review_state != ReviewState.PROPOSED:
        raise ValidationError(
            _("Hồ sơ đang ở trạng thái “%(state)s”, không thể xử lý tiếp.")
            % {"state": record.get_review_state_display()}
        )


# --- Certificates: checks ----------------------------------------------------------------------


def number_key(expression) -> Upper:
    """A certificate number as compared for duplicates: case, spaces, dots, hyphens and
    underscores ignored ("HT-1001/2021" is "ht 1001/2021"). Computed by the database on both
    sides of the comparison, so both are folded the same way."""
    for char in (" ", "-", ".", "_"):
        expression = Replace(expression, Value(char), Value(""))
    return Upper(expression)


def _duplicate_number(certificate: Certificate, body_id: int) -> Certificate | None:
    """Another certificate with the same number (after ``number_key``) at ``body_id``."""
    return (
        Certificate.objects.filter(body_id=body_id)
        .exclude(pk=certificate.pk)
        .annotate(key=number_key("number"))
        .filter(Q(number=certificate.number) | Q(key=number_key(Value(certificate.number))))
        .select_related("enterprise")
        .first()
    )


def _check_number_free(certificate: Certificate, body: CertificationBody) -> None:
    # The body's row is locked first, so two people entering the same number at the same body
    # are served one after the other and the second sees the first.
    CertificationBody.objects.select_for_update().filter(pk=body.pk).first()
    duplicate = _duplicate_number(certificate, body.pk)
    if duplicate is not None:
        raise ValidationError(
            {
                "number": _(
                    "Số chứng chỉ %(number)s của %(body)s đã được ghi nhận (chứng chỉ số "
                    "%(existing)s của “%(enterprise)s”)%(archived)s."
                )
                % {
                    "number": certificate.number,
                    "body": body,
                    "existing": duplicate.number,
                    "enterprise": duplicate.enterprise.name,
                    "archived": _(", đang lưu trữ") if duplicate.is_archived else "",
                }
            }
        )


def _latest_expiry(standard: Standard, issued_on: datetime.date) -> datetime.date | None:
    """The latest expiry the scheme allows for a certificate issued on ``issued_on``.

    Certificates are written both as "36 months less a day" and as the same day three years
    on; both are within the scheme's validity.
    """
    if not standard.validity_months:
        return None
    return derivation.add_months(issued_on, standard.validity_months)


def _check_validity(standard: Standard, issued_on, expires_on, field: str = "expires_on") -> None:
    if issued_on is None or expires_on is None:
        return
    if expires_on < issued_on:
        raise ValidationError(
            {
                field: _("Ngày hết hạn (%(expiry)s) trước ngày cấp (%(issue)s).")
                % {"expiry": _day(expires_on), "issue": _day(issued_on)}
            }
        )
    latest = _latest_expiry(standard, issued_on)
    if latest is not None and expires_on > latest:
        raise ValidationError(
            {
                field: _(
                    "Thời hạn hiệu lực dài hơn mức tối đa %(months)s tháng của %(standard)s: "
                    "cấp ngày %(issue)s thì hết hạn muộn nhất ngày %(latest)s."
                )
                % {
                    "months": standard.validity_months,
                    "standard": standard.code,
                    "issue": _day(issued_on),
                    "latest": _day(latest),
                }
            }
        )


def _validate_certificate(certificate: Certificate) -> None:
    """Every rule about a certificate's own fields, each with a message people can act on.

    Fields are cleaned (and normalised: the number is compared as stored) first; the model's
    own constraints are checked after these, by ``full_clean``.
    """
    certificate.full_clean(validate_unique=False, validate_constraints=False)
    standard = certificate.standard
    if not standard.third_party_certified:
        raise ValidationError(
            {
                "standard": _(
                    "“%(standard)s” không do tổ chức chứng nhận bên thứ ba chứng nhận, nên không "
                    "có chứng chỉ. Hãy ghi nhận việc áp dụng thay vì chứng chỉ."
                )
                % {"standard": standard.code}
            }
        )
    if certificate.first_issued_on and certificate.first_issued_on > certificate.issued_on:
        raise ValidationError(
            {
                "first_issued_on": _(
                    "Ngày cấp lần đầu (%(first)s) phải trước hoặc bằng ngày cấp hiện hành "
                    "(%(issue)s)."
                )
                % {"first": _day(certificate.first_issued_on), "issue": _day(certificate.issued_on)}
            }
        )
    _check_validity(standard, certificate.issued_on, certificate.expires_on)
    audit = certificate.last_audit_on
    if audit is not None:
        first = certificate.first_issued_on or certificate.issued_on
        if audit > timezone.localdate():
            raise ValidationError({"last_audit_on": _("Ngày đánh giá không thể ở tương lai.")})
        if audit < first - datetime.timedelta(days=366):
            raise ValidationError(
                {"last_audit_on": _("Ngày đánh giá gần nhất quá xa trước ngày cấp lần đầu.")}
            )
    adoption = certificate.adoption
    if adoption is not None and (
        adoption.enterprise_id != certificate.enterprise_id
        or adoption.standard_id != certificate.standard_id
    ):
        raise ValidationError(
            {"adoption": _("Hồ sơ áp dụng phải cùng doanh nghiệp và cùng tiêu chuẩn.")}
        )
    _check_number_free(certificate, certificate.body)


# --- Certificates: events ----------------------------------------------------------------------


def _problem(prior: derivation.Derived, event: CertificateEvent) -> str | None:
    """Why ``event`` makes no sense after the events before it (``prior``), or None."""
    day = event.happened_on
    kind = event.kind
    if kind == CertificateEventKind.ISSUED:
        if prior.periods:
            return _(
                "Chứng chỉ đã được cấp ngày %(day)s; lần cấp sau hãy ghi nhận là “Cấp lại (tái "
                "chứng nhận)”."
            ) % {"day": _day(prior.periods[0][0])}
        return None
    if kind == CertificateEventKind.RENEWED:
        return None if prior.periods else _("Chứng chỉ chưa được cấp lần nào để cấp lại.")
    if prior.withdrawn_on is not None and prior.withdrawn_on <= day:
        return _("Chứng chỉ đã bị thu hồi từ ngày %(day)s.") % {"day": _day(prior.withdrawn_on)}
    in_period = any(start <= day <= end for start, end in prior.periods)
    open_since = (
        prior.suspensions[-1][0] if prior.suspensions and prior.suspensions[-1][1] is None else None
    )
    if kind == CertificateEventKind.REINSTATED:
        if open_since is None:
            return _(
                "Không thể hủy đình chỉ ngày %(day)s: chứng chỉ không bị đình chỉ vào ngày đó."
            ) % {"day": _day(day)}
        return None
    if not in_period:
        return _(
            "Ngày %(day)s nằm ngoài thời hạn hiệu lực của chứng chỉ (chưa cấp, hoặc đã hết hạn)."
        ) % {"day": _day(day)}
    if kind == CertificateEventKind.SUSPENDED and open_since is not None:
        return _("Chứng chỉ đang bị đình chỉ từ ngày %(day)s.") % {"day": _day(open_since)}
    return None


def _check_sequence(events: list[CertificateEvent]) -> None:
    """Replay the events in the order the derivation reads them: each must make sense after
    those before it (so a late entry cannot make a later event meaningless either)."""
    ordered = sorted(events, key=lambda e: (e.happened_on, e.pk or 0))
    for index, event in enumerate(ordered):
        problem = _problem(derivation.derive(ordered[:index]), event)
        if problem is not None:
            raise ValidationError(
                _("%(event)s ngày %(day)s: %(problem)s")
                % {
                    "event": event.get_kind_display(),
                    "day": _day(event.happened_on),
                    "problem": problem,
                }
            )


def _sync_body(certificate: Certificate) -> None:
    """The certificate is held at the body of its latest transfer, if any."""
    transfer = (
        certificate.events.filter(kind=CertificateEventKind.TRANSFERRED, to_body__isnull=False)
        .order_by("-happened_on", "-pk")
        .select_related("to_body")
        .first()
    )
    if transfer is not None and transfer.to_body_id != certificate.body_id:
        certificate.body = transfer.to_body
        _check_number_free(certificate, transfer.to_body)


def _rebuild_and_save(certificate: Certificate, user) -> Certificate:
    _check_sequence(list(certificate.events.all()))
    derivation.rebuild(certificate)
    _sync_body(certificate)
    certificate.full_clean()
    certificate.version += 1
    _as_user(certificate, user)
    certificate.save()
    return certificate


@transaction.atomic
def certificate_record_event(
    *,
    certificate_id: int,
    kind: str,
    happened_on: datetime.date,
    user,
    expires_on: datetime.date | None = None,
    to_body: CertificationBody | None = None,
    note: str = "",
) -> CertificateEvent:
    """An officer records what happened to a certificate (who and when are kept), then its
    periods, suspensions, withdrawal, current dates and surveillance due date are rebuilt.

    Refused when the event makes no sense at its date: reinstating what is not suspended, a
    surveillance or suspension outside the validity in force, anything after a withdrawal, a
    renewal longer than the scheme allows, a transfer to the same body.
    """
    _require_officer(user)
    certificate = lock_for_update(Certificate, pk=certificate_id, version=None)
    if certificate.is_archived:
        raise ValidationError(_("Chứng chỉ đã lưu trữ; khôi phục trước khi ghi nhận sự kiện."))
    if kind not in CertificateEventKind.values:
        raise ValidationError({"kind": _("Loại sự kiện không hợp lệ.")})
    if kind not in ISSUING_EVENTS and happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("Ngày sự kiện không thể ở tương lai.")})
    if kind in ISSUING_EVENTS:
        if expires_on is None:
            raise ValidationError({"expires_on": _("Nhập ngày hết hạn của lần cấp này.")})
        _check_validity(certificate.standard, happened_on, expires_on)
    else:
        expires_on = None
    if kind == CertificateEventKind.TRANSFERRED:
        if to_body is None:
            raise ValidationError({"to_body": _("Chọn tổ chức chứng nhận mới.")})
        if to_body.pk == certificate.body_id:
            raise ValidationError({"to_body": _("Chứng chỉ đang do chính tổ chức này chứng nhận.")})
    else:
        to_body = None
    event = CertificateEvent(
        certificate=certificate,
        kind=kind,
        happened_on=happened_on,
        expires_on=expires_on,
        to_body=to_body,
        note=note,
        recorded_by=user,
    )
    event.full_clean()
    event.save()
    _rebuild_and_save(certificate, user)
    return event


# --- Certificates: records ---------------------------------------------------------------------


def _issuing_event(certificate: Certificate) -> CertificateEvent | None:
    """The issue or renewal that opened the current period (what the form's dates edit)."""
    return (
        certificate.events.filter(kind__in=ISSUING_EVENTS).order_by("-happened_on", "-pk").first()
    )


def _store_scan(certificate: Certificate, scan) -> None:
    if scan is None:
        return
    kind = validate_document(scan)
    named_for_storage(scan, kind, "chung-chi")
    replace_file(certificate, "scan", scan)


@transaction.atomic
def certificate_create(
    *, enterprise: Enterprise, data: dict[str, Any], user, scan=None
) -> Certificate:
    """Record a certificate with its issue event: verified when an officer records it,
    ``proposed`` when the enterprise's own user does (only ``ENTERPRISE_CERTIFICATE_FIELDS``)."""
    actor = _actor(user, enterprise.pk)
    _only_fields(
        data, OFFICER_CERTIFICATE_FIELDS if actor == "officer" else ENTERPRISE_CERTIFICATE_FIELDS
    )
    _check_enterprise_active(enterprise)
    certificate = Certificate(enterprise=enterprise, **data)
    if certificate.first_issued_on is None:
        certificate.first_issued_on = certificate.issued_on
    if actor == "officer":
        _mark_reviewed(certificate, user, ReviewState.VERIFIED)
    else:
        _mark_proposed(certificate)
    _validate_certificate(certificate)
    certificate.full_clean()
    try:
        _store_scan(certificate, scan)
        _as_user(certificate, user)
        certificate.save()
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEventKind.ISSUED,
            happened_on=certificate.issued_on,
            expires_on=certificate.expires_on,
            recorded_by=user,
        )
        derivation.rebuild(certificate)
        # The creation's history row was written before the rebuild: give it the derived
        # dates, so a later diff shows only what people changed.
        certificate.history.filter(history_type="+").update(
            **{name: getattr(certificate, name) for name in DERIVED_FIELDS}
        )
    except BaseException:
        discard_on_error(certificate.scan)
        raise
    return certificate


@transaction.atomic
def certificate_update(
    *, certificate_id: int, data: dict[str, Any], version: int, user
) -> Certificate:
    """Change a certificate loaded at ``version``.

    The issue and expiry dates typed here correct the issue (or renewal) that opened the
    current period; later facts are events. An enterprise user may only correct its own
    proposal that is not verified yet, which proposes it again.
    """
    certificate = lock_for_update(Certificate, pk=certificate_id, version=version)
    actor = _actor(user, certificate.enterprise_id)
    if actor == "enterprise":
        _only_fields(data, ENTERPRISE_CERTIFICATE_FIELDS)
        if certificate.review_state not in CORRECTABLE or certificate.is_archived:
            raise ValidationError(
                _("Chứng chỉ đã được cán bộ xác minh; chỉ cán bộ mới sửa được. Hãy liên hệ Sở.")
            )
        _mark_proposed(certificate)
    else:
        _only_fields(data, OFFICER_CERTIFICATE_FIELDS)
    before = (certificate.issued_on, certificate.expires_on)
    for field, value in data.items():
        setattr(certificate, field, value)
    if certificate.first_issued_on is None:
        certificate.first_issued_on = certificate.issued_on
    _validate_certificate(certificate)
    if (certificate.issued_on, certificate.expires_on) != before:
        event = _issuing_event(certificate)
        if event is None:
            event = CertificateEvent(
                certificate=certificate, kind=CertificateEventKind.ISSUED, recorded_by=user
            )
        event.happened_on = certificate.issued_on
        event.expires_on = certificate.expires_on
        # Who recorded the issue stays as it was (a system import may have left it blank).
        event.full_clean(exclude=["recorded_by"])
        event.save()
    return _rebuild_and_save(certificate, user)


@transaction.atomic
def certificate_attach_scan(*, certificate_id: int, scan, user) -> Certificate:
    """Store (or replace) the certificate's scan: officers, and the enterprise's own users.

    The replaced file is deleted only after the transaction commits.
    """
    certificate = lock_for_update(Certificate, pk=certificate_id, version=None)
    _actor(user, certificate.enterprise_id)
    if certificate.is_archived:
        raise ValidationError(_("Chứng chỉ đã lưu trữ; khôi phục trước khi tải bản chụp."))
    try:
        _store_scan(certificate, scan)
        certificate.version += 1
        _as_user(certificate, user)
        certificate.save()
    except BaseException:
        discard_on_error(certificate.scan)
        raise
    return certificate


@transaction.atomic
def certificate_verify(*, certificate_id: int, version: int, user) -> Certificate:
    """An officer confirms a proposed certificate: from now on it counts (``valid_on``)."""
    _require_officer(user)
    certificate = lock_for_update(Certificate, pk=certificate_id, version=version)
    _check_review_step(certificate, ReviewState.VERIFIED)
    _validate_certificate(certificate)
    _mark_reviewed(certificate, user, ReviewState.VERIFIED)
    certificate.full_clean()
    certificate.version += 1
    _as_user(certificate, user)
    certificate.save()
    return certificate


@transaction.atomic
def certificate_return(*, certificate_id: int, version: int, reason: str, user) -> Certificate:
    """An officer sends a proposed certificate back with what to correct."""
    _require_officer(user)
    certificate = lock_for_update(Certificate, pk=certificate_id, version=version)
    _check_review_step(certificate, ReviewState.RETURNED)
    _mark_reviewed(certificate, user, ReviewState.RETURNED, _reason(reason))
    certificate.full_clean()
    certificate.version += 1
    _as_user(certificate, user)
    certificate.save()
    return certificate


@transaction.atomic
def certificate_set_archived(*, certificate_id: int, archived: bool, user) -> Certificate:
    """Archive (hidden from lists and counts, kept with its history and events) or restore."""
    _require_officer(user)
    certificate = lock_for_update(Certificate, pk=certificate_id, version=None)
    if certificate.is_archived == archived:
        return certificate
    certificate.is_archived = archived
    certificate.version += 1
    _as_user(certificate, user)
    certificate.save()
    return certificate


# --- Exports -----------------------------------------------------------------------------------

EXPORT_HEADERS = (
    gettext_lazy("Số chứng chỉ"),
    gettext_lazy("Tiêu chuẩn"),
    gettext_lazy("Loại tiêu chuẩn"),
    gettext_lazy("Tổ chức chứng nhận"),
    gettext_lazy("Doanh nghiệp"),
    gettext_lazy("Mã số thuế"),
    gettext_lazy("Đơn vị hành chính"),
    gettext_lazy("Mã ngành"),
    gettext_lazy("Phạm vi chứng nhận"),
    gettext_lazy("Ngày cấp lần đầu"),
    gettext_lazy("Ngày cấp hiện hành"),
    gettext_lazy("Ngày hết hạn"),
    gettext_lazy("Ngày đánh giá gần nhất"),
    gettext_lazy("Hạn đánh giá giám sát"),
    gettext_lazy("Tình trạng"),
    gettext_lazy("Tình trạng xác minh"),
    gettext_lazy("Đã lưu trữ"),
)


def certificate_export_create(*, user, fmt: str, params: dict[str, Any]) -> CertificateExportJob:
    """Queue an export of the certificate list as filtered by ``params`` (the list's query).

    The same export asked again while the first is still being built is that first job.
    """
    if fmt not in ExportFormat.values:
        raise ValidationError(_("Định dạng xuất không hợp lệ."))
    canonical = json.dumps(params, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{user.pk}|{fmt}|{canonical}".encode()).hexdigest()
    return jobs.submit(CertificateExportJob, dedupe_key=key, user=user, format=fmt, params=params)


def certificate_export_build(*, job: CertificateExportJob, ctx: jobs.RunContext) -> dict[str, Any]:
    """The job runner's handler: write the export's file (in this try's own folder)."""
    from .selectors import certificate_export_rows, filtered_certificates

    job = CertificateExportJob.objects.select_related("user").get(pk=job.pk)
    limit = settings.PORTAL_EXPORT_MAX_ROWS
    total = min(filtered_certificates(user=job.user, params=job.params).count(), limit)
    rows = certificate_export_rows(user=job.user, params=job.params, limit=limit)
    headers = [str(h) for h in EXPORT_HEADERS]
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    reported = _reporting(rows, ctx, total)
    if job.format == ExportFormat.CSV:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        count = write_csv(text, headers, reported)
        text.flush()
        text.detach()
    else:
        count = write_xlsx(spool, _("Chứng chỉ"), headers, reported)
    spool.seek(0)
    name = f"chung-chi-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{job.format}"
    ctx.check()
    job.file.save(name, File(spool), save=False)
    return {"file": job.file.name, "row_count": count}


def _reporting(rows, ctx: jobs.RunContext, total: int):
    """Pass rows through, reporting progress (which also checks the job is still ours)."""
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            ctx.progress(done, total)
        yield row
