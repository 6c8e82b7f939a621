"""Every write to the expert team and to support activities goes through here.

Keyword-only functions, one transaction each, the acting user recorded in the history. Only
officers write; leaders read; an enterprise user reads the support its own enterprise received.

The rules every write meets:

- an expert's year of recognition lies between ``EARLIEST_YEAR`` and this year, and the day
  they left the team is not before the day they joined;
- a support activity's amounts are whole đồng, none negative or above ``MAX_AMOUNT``, one row per
  funding source; **the activity's total is the sum of its funding rows** (no separate column to
  disagree with it); when the officer also types the total from the decision, the rows must add
  up to it exactly;
- the adoption it supported belongs to the same enterprise (and a productivity-tool support to a
  productivity tool, a certification support to a system or scheme); a linked course only for
  training support;
- dates are sane: support from ``EARLIEST_DAY`` to a year ahead, a decision not dated in the
  future, its number and date given together;
- records are archived, not deleted; edits carry the version the officer loaded.

A refused write raises ``ValidationError`` (Vietnamese message, nothing changed) or
``PermissionDenied``; a stale version raises ``EditConflictError``.
"""

import datetime
import hashlib
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.choices import ExportFormat
from enterprises.models import Enterprise
from laichau_nsc import jobs
from laichau_nsc.editing import lock_for_update
from laichau_nsc.exports import write_csv, write_xlsx
from laichau_nsc.files import discard_on_error, named_for_storage, replace_file, validate_document
from laichau_nsc.roles import Role, has_role, is_officer
from standards.choices import StandardKind

from .choices import ExpertField, FundingSource, SupportExportSubject, SupportKind
from .models import Expert, SupportActivity, SupportExportJob, SupportFunding

#: What an officer sets on an expert.
EXPERT_FIELDS = (
    "full_name",
    "organisation",
    "fields",
    "qualifications",
    "certified_year",
    "phone",
    "email",
    "joined_on",
    "left_on",
    "is_active",
)
#: What an officer sets on a support activity (its enterprise is fixed when it is created).
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "provided_on",
    "adoption",
    "course",
    "decision_number",
    "decision_date",
    "note",
)
#: The province's expert team dates from the 2010s programme (Decision 712/QĐ-TTg).
EARLIEST_YEAR = 2010
EARLIEST_DAY = datetime.date(EARLIEST_YEAR, 1, 1)
#: Above this, one support activity is a typing error (an extra zero or three).
MAX_AMOUNT = 100_000_000_000
#: Support recorded ahead of time (a decision for next quarter) at most this far ahead.
MAX_DAYS_AHEAD = 366


def _as_user(obj, user) -> None:
    # simple-history takes the author from the request; outside one (tasks, commands) from here.
    obj._history_user = user


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _require_officer(user) -> None:
    if not is_officer(user):
        raise PermissionDenied


def _only_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    forbidden = sorted(set(data) - set(allowed))
    if forbidden:
        raise ValidationError(
            _("Không được phép đặt các trường: %(fields)s.") % {"fields": ", ".join(forbidden)},
            code="forbidden_field",
        )


def vnd(amount: int) -> str:
    """50000000 → "50.000.000" (messages only; templates use the ``vnd`` filter)."""
    return f"{amount:,}".replace(",", ".")


# --- Experts ------------------------------------------------------------------------------------


def _validate_expert(expert: Expert) -> None:
    errors: dict[str, list[str]] = {}
    year = expert.certified_year
    this_year = timezone.localdate().year
    if year is not None and not EARLIEST_YEAR <= year <= this_year:
        errors.setdefault("certified_year", []).append(
            _("Năm được công nhận phải từ %(first)s đến %(last)s.")
            % {"first": EARLIEST_YEAR, "last": this_year}
        )
    if expert.joined_on and expert.left_on and expert.left_on < expert.joined_on:
        errors.setdefault("left_on", []).append(
            _("Ngày thôi tham gia (%(left)s) trước ngày tham gia (%(joined)s).")
            % {"left": _day(expert.left_on), "joined": _day(expert.joined_on)}
        )
    today = timezone.localdate()
    if expert.is_active and expert.left_on and expert.left_on <= today:
        errors.setdefault("is_active", []).append(
            _(
                "Chuyên gia đã thôi tham gia từ %(left)s; bỏ chọn “đang tham gia” hoặc xóa "
                "ngày thôi."
            )
            % {"left": _day(expert.left_on)}
        )
    unknown = [f for f in expert.fields or [] if f not in ExpertField.values]
    if unknown or not isinstance(expert.fields, list):
        errors.setdefault("fields", []).append(_("Lĩnh vực không hợp lệ."))
    if errors:
        raise ValidationError(errors)
    expert.full_clean()


@transaction.atomic
def expert_create(*, data: dict[str, Any], user) -> Expert:
    _require_officer(user)
    _only_fields(data, EXPERT_FIELDS)
    expert = Expert(**data)
    _validate_expert(expert)
    _as_user(expert, user)
    expert.save()
    return expert


@transaction.atomic
def expert_update(*, expert_id: int, data: dict[str, Any], version: int, user) -> Expert:
    _require_officer(user)
    _only_fields(data, EXPERT_FIELDS)
    expert = lock_for_update(Expert, pk=expert_id, version=version)
    if expert.is_archived:
        raise ValidationError(_("Chuyên gia đã lưu trữ; khôi phục trước khi sửa."))
    for name, value in data.items():
        setattr(expert, name, value)
    _validate_expert(expert)
    expert.version += 1
    _as_user(expert, user)
    expert.save()
    return expert


@transaction.atomic
def expert_set_archived(*, expert_id: int, archived: bool, user) -> Expert:
    """Archive (or restore) an expert: the support they gave stays linked to them."""
    _require_officer(user)
    expert = lock_for_update(Expert, pk=expert_id, version=None)
    if expert.is_archived != archived:
        expert.is_archived = archived
        expert.version += 1
        _as_user(expert, user)
        expert.save()
    return expert


# --- Support activities -------------------------------------------------------------------------


def _validate_fundings(fundings: Mapping[str, int], total: int | None) -> dict[str, int]:
    errors: list[str] = []
    clean: dict[str, int] = {}
    labels = dict(FundingSource.choices)
    for source, amount in fundings.items():
        if source not in FundingSource.values:
            errors.append(_("Nguồn kinh phí không hợp lệ."))
            continue
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            errors.append(
                _("Số tiền của nguồn “%(source)s” phải là số đồng không âm.")
                % {"source": labels[source]}
            )
            continue
        if amount > MAX_AMOUNT:
            errors.append(
                _("Số tiền của nguồn “%(source)s” vượt %(max)s đồng; vui lòng kiểm tra lại.")
                % {"source": labels[source], "max": vnd(MAX_AMOUNT)}
            )
            continue
        clean[source] = amount
    if errors:
        raise ValidationError({"fundings": errors})
    if total is not None:
        if total < 0 or total > MAX_AMOUNT:
            raise ValidationError({"total": _("Tổng kinh phí không hợp lệ.")})
        added = sum(clean.values())
        if added != total:
            raise ValidationError(
                {
                    "total": _(
                        "Tổng kinh phí là %(total)s đồng nhưng các nguồn cộng lại được "
                        "%(added)s đồng (chênh %(gap)s đồng)."
                    )
                    % {"total": vnd(total), "added": vnd(added), "gap": vnd(abs(total - added))}
                }
            )
    return clean


def _validate_activity(activity: SupportActivity, experts: Iterable[Expert]) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    latest = today + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if activity.provided_on is not None and not EARLIEST_DAY <= activity.provided_on <= latest:
        add(
            "provided_on",
            _("Ngày hỗ trợ phải từ %(first)s đến %(last)s.")
            % {"first": _day(EARLIEST_DAY), "last": _day(latest)},
        )
    if activity.decision_date is not None:
        if not EARLIEST_DAY <= activity.decision_date <= today:
            add(
                "decision_date",
                _("Ngày quyết định phải từ %(first)s đến hôm nay (%(today)s).")
                % {"first": _day(EARLIEST_DAY), "today": _day(today)},
            )
        if not activity.decision_number:
            add("decision_number", _("Nhập số quyết định đi kèm ngày quyết định."))
    elif activity.decision_number:
        add(
            "decision_date",
            _("Nhập ngày ký quyết định %(number)s.") % {"number": activity.decision_number},
        )
    adoption = activity.adoption
    if adoption is not None:
        if adoption.enterprise_id != activity.enterprise_id:
            add("adoption", _("Việc áp dụng được chọn không thuộc doanh nghiệp được hỗ trợ."))
        elif adoption.is_archived:
            add("adoption", _("Việc áp dụng được chọn đã lưu trữ."))
        else:
            is_tool = adoption.standard.kind == StandardKind.PRODUCTIVITY_TOOL
            if activity.kind == SupportKind.PRODUCTIVITY_TOOL and not is_tool:
                add(
                    "adoption",
                    _(
                        "Hỗ trợ áp dụng công cụ năng suất phải gắn với việc áp dụng một công cụ "
                        "năng suất (đã chọn %(code)s)."
                    )
                    % {"code": adoption.standard.code},
                )
            if activity.kind == SupportKind.CERTIFICATION and is_tool:
                add(
                    "adoption",
                    _(
                        "Hỗ trợ chứng nhận phải gắn với một hệ thống quản lý, tiêu chuẩn hoặc "
                        "chương trình chứng nhận (đã chọn công cụ %(code)s)."
                    )
                    % {"code": adoption.standard.code},
                )
    if activity.course_id is not None and activity.kind != SupportKind.TRAINING:
        add("course", _("Chỉ gắn khóa đào tạo với hình thức hỗ trợ “Đào tạo, tập huấn”."))
    archived = [e.full_name for e in experts if e.is_archived]
    if archived:
        add("experts", _("Chuyên gia đã lưu trữ: %(names)s.") % {"names": ", ".join(archived)})
    if errors:
        raise ValidationError(errors)
    activity.full_clean(exclude=["decision_file"])


def _store_decision_file(activity: SupportActivity, upload) -> None:
    if upload is None:
        return
    kind = validate_document(upload)
    named_for_storage(upload, kind, "quyet-dinh")
    replace_file(activity, "decision_file", upload)


def _save_fundings(activity: SupportActivity, fundings: Mapping[str, int], user) -> None:
    """Make the activity's funding rows exactly ``fundings``; one row at a time (at most one
    per source, so a handful) so that each change is kept in the rows' history."""
    existing = {f.source: f for f in activity.fundings.all()}
    for source, row in existing.items():
        if source not in fundings:
            _as_user(row, user)
            row.delete()
    for source, amount in fundings.items():
        row = existing.get(source)
        if row is not None and row.amount == amount:
            continue
        row = row or SupportFunding(activity=activity, source=source)
        row.amount = amount
        _as_user(row, user)
        row.save()


@transaction.atomic
def support_create(
    *,
    enterprise: Enterprise,
    data: dict[str, Any],
    experts: Iterable[Expert] = (),
    fundings: Mapping[str, int],
    total: int | None = None,
    decision_file=None,
    user,
) -> SupportActivity:
    """Record what the programme gave ``enterprise``, with its amounts by source."""
    _require_officer(user)
    _only_fields(data, ACTIVITY_FIELDS)
    if enterprise.is_archived:
        raise ValidationError(
            _("Doanh nghiệp “%(name)s” đã lưu trữ; khôi phục trước khi ghi nhận.")
            % {"name": enterprise.name}
        )
    experts = list(experts)
    clean_fundings = _validate_fundings(fundings, total)
    activity = SupportActivity(enterprise=enterprise, **data)
    _validate_activity(activity, experts)
    try:
        _store_decision_file(activity, decision_file)
        _as_user(activity, user)
        activity.save()
        activity.experts.set(experts)
        _save_fundings(activity, clean_fundings, user)
    except BaseException:
        discard_on_error(activity.decision_file)
        raise
    return activity


@transaction.atomic
def support_update(
    *,
    activity_id: int,
    data: dict[str, Any],
    experts: Iterable[Expert] = (),
    fundings: Mapping[str, int],
    total: int | None = None,
    decision_file=None,
    version: int,
    user,
) -> SupportActivity:
    """Change a support activity and its funding rows, based on ``version``."""
    _require_officer(user)
    _only_fields(data, ACTIVITY_FIELDS)
    activity = lock_for_update(SupportActivity, pk=activity_id, version=version)
    if activity.is_archived:
        raise ValidationError(_("Hoạt động hỗ trợ đã lưu trữ; khôi phục trước khi sửa."))
    experts = list(experts)
    clean_fundings = _validate_fundings(fundings, total)
    for name, value in data.items():
        setattr(activity, name, value)
    _validate_activity(activity, experts)
    old_file = activity.decision_file.name
    try:
        _store_decision_file(activity, decision_file)
        activity.version += 1
        _as_user(activity, user)
        activity.save()
        activity.experts.set(experts)
        _save_fundings(activity, clean_fundings, user)
    except BaseException:
        if activity.decision_file.name != old_file:
            discard_on_error(activity.decision_file)
        raise
    return activity


@transaction.atomic
def support_set_archived(*, activity_id: int, archived: bool, user) -> SupportActivity:
    """Archive (or restore): an archived activity counts in no list, total or figure."""
    _require_officer(user)
    activity = lock_for_update(SupportActivity, pk=activity_id, version=None)
    if activity.is_archived != archived:
        activity.is_archived = archived
        activity.version += 1
        _as_user(activity, user)
        activity.save()
    return activity


# --- Export -------------------------------------------------------------------------------------


def support_export_create(
    *, user, subject: str, fmt: str, params: dict[str, Any]
) -> SupportExportJob:
    """Queue an export of the expert list or the support list as filtered by ``params``. The
    same export asked again while the first is being built is that first job."""
    if fmt not in ExportFormat.values or subject not in SupportExportSubject.values:
        raise ValidationError(_("Định dạng xuất không hợp lệ."))
    if not has_role(user, Role.OFFICER, Role.LEADER, Role.ENTERPRISE):
        raise PermissionDenied
    canonical = json.dumps(params, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{user.pk}|{subject}|{fmt}|{canonical}".encode()).hexdigest()
    return jobs.submit(
        SupportExportJob, dedupe_key=key, user=user, subject=subject, format=fmt, params=params
    )


def support_export_build(*, job: SupportExportJob, ctx: jobs.RunContext) -> dict[str, Any]:
    """The job runner's handler: the file (in this try's own folder) with the rows the asking
    user may see, as the list filtered them when the export was asked for."""
    from . import selectors_support as selectors

    job = SupportExportJob.objects.select_related("user").get(pk=job.pk)
    limit = settings.PORTAL_EXPORT_MAX_ROWS
    if job.subject == SupportExportSubject.EXPERTS:
        columns, sheet, stem = selectors.EXPERT_EXPORT_COLUMNS, _("Chuyên gia"), "chuyen-gia"
        total = min(selectors.filtered_experts(user=job.user, params=job.params).count(), limit)
        rows = selectors.expert_export_rows(user=job.user, params=job.params, limit=limit)
    else:
        columns, sheet, stem = selectors.support_export_columns(), _("Hỗ trợ"), "ho-tro"
        total = min(selectors.filtered_activities(user=job.user, params=job.params).count(), limit)
        rows = selectors.support_export_rows(user=job.user, params=job.params, limit=limit)
    rows = _reporting(rows, ctx, total)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    if job.format == ExportFormat.CSV:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        count = write_csv(text, columns, rows)
        text.flush()
        text.detach()
    else:
        count = write_xlsx(spool, sheet, columns, rows)
    spool.seek(0)
    name = f"{stem}-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{job.format}"
    ctx.check()
    job.file.save(name, File(spool), save=False)
    return {"file": job.file.name, "row_count": count}


def _reporting(rows: Iterable, ctx: jobs.RunContext, total: int) -> Iterator:
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            ctx.progress(done, total)
        yield row
