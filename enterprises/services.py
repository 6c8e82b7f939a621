"""Every write to enterprises, memberships and exports goes through these functions.

Views, tasks and commands are thin layers over them (HackSoft's services). Each runs in a
transaction, validates with ``full_clean`` and records who acted.
"""

import datetime
import hashlib
import io
import json
import logging
import tempfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laichau_nsc import bulk, jobs
from laichau_nsc.editing import EditConflictError as EditConflictError  # the views catch it
from laichau_nsc.editing import lock_for_update
from laichau_nsc.exports import Column, ColumnKind, write_csv, write_xlsx
from laichau_nsc.mail import queue_mail
from laichau_nsc.roles import Role

from .choices import ExportFormat, MembershipState
from .models import (
    AdministrativeUnit,
    Enterprise,
    ExportJob,
    Membership,
    UnitAssignment,
)
from .validators import normalize_tax_code

logger = logging.getLogger(__name__)
User = get_user_model()


# --- Enterprises ------------------------------------------------------------------------------


def _as_user(obj, user) -> None:
    # simple-history takes the author from the request; outside one (tasks, commands) from here.
    obj._history_user = user


@transaction.atomic
def enterprise_create(*, data: dict[str, Any], user) -> Enterprise:
    enterprise = Enterprise(**data)
    enterprise.full_clean()
    _as_user(enterprise, user)
    enterprise.save()
    if enterprise.admin_unit_id:
        # In this unit since it was founded, or since the unit itself came into being.
        known = [d for d in (enterprise.admin_unit.valid_from, enterprise.founded_on) if d]
        UnitAssignment.objects.create(
            enterprise=enterprise, unit=enterprise.admin_unit, valid_from=max(known, default=None)
        )
    return enterprise


def enterprise_validate_new(*, data: dict[str, Any]) -> Enterprise:
    """``enterprise_create``'s checks without its queries, for a batch whose sector and unit
    were read from the database and whose tax codes were looked up together: every field's
    validators, ``clean()``. Uniqueness and the check constraints are the database's at
    insert (``enterprise_create_many``). Raises ``ValidationError``."""
    enterprise = Enterprise(**data)
    enterprise.full_clean(
        exclude=["sector", "admin_unit"], validate_unique=False, validate_constraints=False
    )
    return enterprise


def enterprise_create_many(
    *, enterprises: list[Enterprise], user, reasons: list[str]
) -> list[Enterprise]:
    """Insert enterprises checked by ``enterprise_validate_new`` with their history rows (each
    naming its ``reason``) and unit periods, in a few statements.

    In a savepoint: an ``IntegrityError`` (a tax code saved meanwhile, an out-of-range value)
    leaves nothing, and the caller can pass the rows one by one through ``enterprise_create``
    to learn which row and why.
    """
    from simple_history.utils import bulk_create_with_history

    for enterprise, reason in zip(enterprises, reasons, strict=True):
        enterprise.prepare_for_save()
        _as_user(enterprise, user)
        enterprise._change_reason = reason
    with transaction.atomic():
        if bulk.can_copy(Enterprise):  # PostgreSQL: COPY, several times faster
            now = timezone.now()
            bulk.copy_insert(enterprises, now=now)
            bulk.copy_history(enterprises, user=user, reasons=reasons, now=now)
            created = enterprises
        else:
            created = bulk_create_with_history(enterprises, Enterprise, default_user=user)
        periods = [
            UnitAssignment(
                enterprise=enterprise,
                unit=enterprise.admin_unit,
                valid_from=max(
                    [d for d in (enterprise.admin_unit.valid_from, enterprise.founded_on) if d],
                    default=None,
                ),
            )
            for enterprise in created
            if enterprise.admin_unit_id
        ]
        UnitAssignment.objects.bulk_create(periods)
    return created


@transaction.atomic
def enterprise_update(
    *, enterprise_id: int, data: dict[str, Any], version: int, user
) -> Enterprise:
    """Apply ``data`` to the enterprise if nobody saved it since ``version`` was read.

    Raises ``EditConflictError`` otherwise: the caller shows the changes and keeps the input.
    """
    enterprise = lock_for_update(Enterprise, pk=enterprise_id, version=version)
    old_unit = enterprise.admin_unit
    for field, value in data.items():
        setattr(enterprise, field, value)
    enterprise.full_clean()
    # The row is locked (select_for_update), so incrementing here cannot race.
    enterprise.version += 1
    _as_user(enterprise, user)
    enterprise.save()
    if enterprise.admin_unit != old_unit:
        _move_unit(enterprise, old_unit, enterprise.admin_unit)
    return enterprise


def _move_unit(
    enterprise: Enterprise,
    old_unit: AdministrativeUnit | None,
    new_unit: AdministrativeUnit | None,
) -> None:
    """Close the current period and open one for the new unit.

    When the old unit has ceased to exist (it merged into others), the enterprise belonged to
    the new unit from the day after; otherwise it moved today.
    """
    today = timezone.localdate()
    current = (
        enterprise.unit_assignments.filter(valid_to__isnull=True)
        .order_by(F("valid_from").desc(nulls_last=True))
        .first()
    )
    start = today
    if old_unit is not None and old_unit.valid_to is not None and old_unit.valid_to < today:
        start = old_unit.valid_to + datetime.timedelta(days=1)
    if current is not None:
        if current.valid_from and current.valid_from >= start:
            # Corrected on the day it started: the old period never really existed.
            current.delete()
        else:
            current.valid_to = start - datetime.timedelta(days=1)
            current.save(update_fields=["valid_to"])
    if new_unit is not None:
        UnitAssignment.objects.create(enterprise=enterprise, unit=new_unit, valid_from=start)


@transaction.atomic
def enterprise_set_archived(*, enterprise: Enterprise, archived: bool, user) -> Enterprise:
    """Archive (hide from lists and counts, keep everything) or restore an enterprise."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.is_archived == archived:
        return enterprise
    enterprise.is_archived = archived
    enterprise.archived_at = timezone.now() if archived else None
    enterprise.version += 1
    _as_user(enterprise, user)
    enterprise.save()
    return enterprise


# --- Memberships (enterprise accounts) ---------------------------------------------------------


#: One answer for every refusal that could tell a visitor who or what is registered.
REQUEST_REFUSED = gettext_lazy(
    "Không thể gửi yêu cầu với các thông tin này. Vui lòng kiểm tra lại mã số thuế, chọn tên "
    "đăng nhập khác, hoặc liên hệ Sở Khoa học và Công nghệ."
)


@transaction.atomic
def membership_request(
    *,
    tax_code: str,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
    position: str = "",
    note: str = "",
    language: str = "",
) -> Membership:
    """A visitor asks for an account acting for the enterprise with ``tax_code``.

    The user can sign in at once but sees nothing of the enterprise until an officer approves.
    An unknown tax code and a username in use get the same answer (``REQUEST_REFUSED``), so the
    form cannot be used to learn either; the same person asking again for the same enterprise is
    told their request already exists. Officers are told of the request by e-mail, and the
    applicant gets an acknowledgement, in the language they used.
    """
    enterprise = Enterprise.objects.active().filter(tax_code=normalize_tax_code(tax_code)).first()
    if enterprise is not None:
        _refuse_repeated_request(enterprise, email)
    if enterprise is None or User.objects.filter(username__iexact=username).exists():
        raise ValidationError(REQUEST_REFUSED)
    user = User(username=username, email=email, first_name=full_name[:150])
    user.set_password(password)
    user.full_clean()
    user.save()
    membership = Membership(
        user=user,
        enterprise=enterprise,
        full_name=full_name,
        email=email,
        phone=phone,
        position=position,
        note=note,
        language=language or settings.LANGUAGE_CODE,
    )
    membership.full_clean()
    membership.save()
    _notify_request(membership)
    return membership


def _refuse_repeated_request(enterprise: Enterprise, email: str) -> None:
    """The same person (e-mail address) and enterprise again: say what already exists."""
    earlier = (
        Membership.objects.filter(enterprise=enterprise, email__iexact=email.strip())
        .filter(state__in=(MembershipState.REQUESTED, MembershipState.APPROVED))
        .order_by("-requested_at")
        .first()
    )
    if earlier is None:
        return
    if earlier.state == MembershipState.REQUESTED:
        raise ValidationError(
            _(
                "Bạn đã gửi yêu cầu tài khoản cho doanh nghiệp này ngày %(day)s và yêu cầu đang "
                "chờ cán bộ duyệt. Hãy đăng nhập bằng tài khoản đã đăng ký để theo dõi."
            )
            % {"day": timezone.localtime(earlier.requested_at).strftime("%d/%m/%Y")}
        )
    raise ValidationError(
        _(
            "Địa chỉ thư này đã có tài khoản được duyệt cho doanh nghiệp này. Hãy đăng nhập, hoặc "
            "dùng chức năng quên mật khẩu."
        )
    )


def _notify_request(membership: Membership) -> None:
    """Tell the officers a request waits, and the applicant that it arrived (outbox)."""
    queue_url = f"{settings.SITE_URL}{reverse('enterprises:membership_list')}"
    officers = User.objects.filter(groups__name=Role.OFFICER, is_active=True).exclude(email="")
    queue_mail(
        template="enterprises/email/membership_requested",
        to=list(officers.values_list("email", flat=True)),
        context={"membership": membership, "queue_url": queue_url},
        dedupe_key=f"membership:{membership.pk}:requested:officers",
    )
    queue_mail(
        template="enterprises/email/membership_received",
        to=[membership.email],
        context={"membership": membership, "login_url": f"{settings.SITE_URL}{reverse('login')}"},
        language=membership.language,
        dedupe_key=f"membership:{membership.pk}:requested:applicant",
    )


def _decide(membership_id: int, *, from_states: tuple[str, ...], to_state: str, user, reason=""):
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if membership.state not in from_states:
        raise ValidationError(
            _("Yêu cầu này đang ở trạng thái “%(state)s”, không thể xử lý tiếp.")
            % {"state": membership.get_state_display()}
        )
    membership.state = to_state
    membership.decided_at = timezone.now()
    membership.decided_by = user
    membership.reason = reason
    _as_user(membership, user)
    membership.save()
    _notify_decision(membership)
    return membership


def _notify_decision(membership: Membership) -> None:
    """Put the e-mail telling the applicant the decision in the outbox (same transaction)."""
    queue_mail(
        template="enterprises/email/membership_decided",
        to=[membership.email],
        context={"membership": membership, "login_url": f"{settings.SITE_URL}{reverse('login')}"},
        language=membership.language,
        dedupe_key=f"membership:{membership.pk}:{membership.state}:{membership.decided_at:%s}",
    )


@transaction.atomic
def membership_approve(*, membership_id: int, user) -> Membership:
    membership = _decide(
        membership_id,
        from_states=(MembershipState.REQUESTED,),
        to_state=MembershipState.APPROVED,
        user=user,
    )
    membership.user.groups.add(Group.objects.get(name=Role.ENTERPRISE))
    return membership


@transaction.atomic
def membership_refuse(*, membership_id: int, reason: str, user) -> Membership:
    if not reason.strip():
        raise ValidationError({"reason": _("Vui lòng ghi lý do từ chối.")})
    return _decide(
        membership_id,
        from_states=(MembershipState.REQUESTED,),
        to_state=MembershipState.REFUSED,
        user=user,
        reason=reason.strip(),
    )


@transaction.atomic
def membership_revoke(*, membership_id: int, reason: str, user) -> Membership:
    if not reason.strip():
        raise ValidationError({"reason": _("Vui lòng ghi lý do thu hồi.")})
    membership = _decide(
        membership_id,
        from_states=(MembershipState.APPROVED,),
        to_state=MembershipState.REVOKED,
        user=user,
        reason=reason.strip(),
    )
    still_member = Membership.objects.filter(
        user=membership.user, state=MembershipState.APPROVED
    ).exists()
    if not still_member:
        membership.user.groups.remove(Group.objects.get(name=Role.ENTERPRISE))
    return membership


# --- Exports ----------------------------------------------------------------------------------

# Each field with its column: codes stay text in Excel (no lost leading zero, no 1.2E+11).
EXPORT_COLUMNS: tuple[tuple[str, Column], ...] = (
    ("name", Column(gettext_lazy("Tên doanh nghiệp"), width=40)),
    ("short_name", Column(gettext_lazy("Tên viết tắt"))),
    ("tax_code", Column(gettext_lazy("Mã số thuế"), ColumnKind.CODE)),
    ("legal_form", Column(gettext_lazy("Loại hình"), width=24)),
    ("size_class", Column(gettext_lazy("Quy mô"), width=12)),
    ("sector__code", Column(gettext_lazy("Mã ngành"), ColumnKind.CODE, width=10)),
    ("sector__name", Column(gettext_lazy("Ngành kinh tế"), width=40)),
    ("admin_unit__name", Column(gettext_lazy("Đơn vị hành chính"), width=24)),
    ("address", Column(gettext_lazy("Địa chỉ"), width=40)),
    ("representative", Column(gettext_lazy("Người đại diện"), width=24)),
    ("phone", Column(gettext_lazy("Điện thoại"), ColumnKind.CODE)),
    ("email", Column(gettext_lazy("Thư điện tử"), width=28)),
    ("employees", Column(gettext_lazy("Số lao động"), ColumnKind.NUMBER)),
    ("founded_on", Column(gettext_lazy("Ngày thành lập"), ColumnKind.DATE)),
    ("status", Column(gettext_lazy("Trạng thái"), width=16)),
    ("is_archived", Column(gettext_lazy("Đã lưu trữ"), width=12)),
)


def export_job_create(*, user, fmt: str, params: dict[str, Any]) -> ExportJob:
    """Queue an export of the enterprise list as filtered by ``params`` (the list's query).

    The same export asked for again while the first is still being built (a double click, a
    second tab) is that first job.
    """
    if fmt not in ExportFormat.values:
        raise ValidationError(_("Định dạng xuất không hợp lệ."))
    canonical = json.dumps(params, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{user.pk}|{fmt}|{canonical}".encode()).hexdigest()
    return jobs.submit(ExportJob, dedupe_key=key, user=user, format=fmt, params=params)


def export_job_build(*, job: ExportJob, ctx: jobs.RunContext) -> dict[str, Any]:
    """The job runner's handler: write the export's file (in this try's own folder)."""
    job = ExportJob.objects.select_related("user").get(pk=job.pk)
    row_count, content = _build_export(job, ctx)
    name = f"doanh-nghiep-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{job.format}"
    ctx.check()
    job.file.save(name, File(content), save=False)
    return {"file": job.file.name, "row_count": row_count}


@jobs.background
def export_files_purge(*, day: str | None = None, older_than_days: int = 7) -> int:
    """Delete export files older than ``older_than_days``; the job rows stay as a record of
    who exported what and when. Returns how many files were deleted."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    purged = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged


def _build_export(job: ExportJob, ctx: jobs.RunContext) -> tuple[int, io.IOBase]:
    from .selectors import enterprise_export_rows, filtered_enterprises

    headers = [column for _field, column in EXPORT_COLUMNS]  # with kinds and widths
    total = min(
        filtered_enterprises(user=job.user, params=job.params).count(),
        settings.PORTAL_EXPORT_MAX_ROWS,
    )
    rows = _reporting(
        enterprise_export_rows(
            user=job.user,
            params=job.params,
            fields=[f for f, _label in EXPORT_COLUMNS],
            limit=settings.PORTAL_EXPORT_MAX_ROWS,
        ),
        ctx,
        total,
    )
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    if job.format == ExportFormat.CSV:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        count = write_csv(text, headers, rows)
        text.flush()
        text.detach()
    else:
        count = write_xlsx(spool, _("Doanh nghiệp"), headers, rows)
    spool.seek(0)
    return count, spool


def _reporting(rows: Iterator[list[Any]], ctx: jobs.RunContext, total: int) -> Iterator[list]:
    """Pass rows through, reporting progress (which also checks the job is still ours)."""
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            ctx.progress(done, total)
        yield row
