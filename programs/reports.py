"""The yearly report: what officers write for it, its build by the job runner, and the approval
of a year's figures by a leader (DHIS2's data approval).

- ``narrative_save``: officers write the report's words (versioned, with history);
- ``report_request``: queue a build (``ReportRun``); a double click or a second officer asking
  while one build is open gets that build (the job runner's dedupe key ``report:<year>``);
- ``report_build``: the job runner's handler: takes the snapshot of every figure
  (``programs.indicators.snapshot``) and the narrative, and writes XLSX, DOCX and PDF from that
  snapshot only, each in the try's own folder; the row names them only when the build finishes;
- ``year_approve`` / ``year_reopen_request`` / ``year_reopen``: the approval's steps, each kept in
  the history and told to the people concerned;
- ``approval_changes``: what differs between the approved snapshot and the figures now.
"""

import io
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laichau_nsc import jobs
from laichau_nsc.editing import lock_for_update
from laichau_nsc.notifications import notify
from laichau_nsc.roles import Role, has_role, is_officer

from .models import ApprovalState, ReportNarrative, ReportRun, YearApproval
from .report_documents import render_report_pdf, write_report_docx, write_report_xlsx
from .report_figures import ReportContent, figures, issuer_now, report_content

logger = logging.getLogger(__name__)

FIRST_YEAR = 2015
NARRATIVE_FIELDS = (
    "document_number",
    "place",
    "issued_on",
    "title",
    "introduction",
    "results",
    "assessment",
    "next_year",
    "recipients",
    "signer_authority",
    "signer_title",
    "signer_name",
)


def check_year(year: int) -> int:
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last:
        raise ValidationError(
            _("Năm báo cáo phải từ %(first)d đến %(last)d.") % {"first": FIRST_YEAR, "last": last}
        )
    return year


def _require_staff(user) -> None:
    if not has_role(user, Role.OFFICER, Role.LEADER):
        raise PermissionDenied


def _require_leader(user) -> None:
    if not has_role(user, Role.LEADER):
        raise PermissionDenied


# --- Narrative ------------------------------------------------------------------------------


def narrative_for(year: int) -> ReportNarrative:
    """The year's narrative, or a new unsaved one (with the province's place) to start from."""
    found = ReportNarrative.objects.filter(year=year).first()
    return found or ReportNarrative(year=year)


def narrative_save(
    *, year: int, data: dict[str, Any], version: int | None, user
) -> ReportNarrative:
    """Save what officers wrote; ``version`` is the one the editor loaded (None: new)."""
    if not is_officer(user):
        raise PermissionDenied
    check_year(year)
    with transaction.atomic():
        existing = ReportNarrative.objects.filter(year=year).values_list("pk", flat=True).first()
        if existing is None:
            narrative = ReportNarrative(year=year)
        else:
            narrative = lock_for_update(ReportNarrative, pk=existing, version=version)
            narrative.version += 1
        for name in NARRATIVE_FIELDS:
            if name in data:
                setattr(narrative, name, data[name])
        narrative._history_user = user
        narrative.full_clean()
        narrative.save()
    return narrative


def narrative_data(year: int) -> dict[str, Any]:
    """The narrative's words as the snapshot keeps them."""
    narrative = narrative_for(year)
    data = {name: getattr(narrative, name) for name in NARRATIVE_FIELDS}
    data["issued_on"] = narrative.issued_on.isoformat() if narrative.issued_on else ""
    data["year"] = year
    return data


# --- Building -------------------------------------------------------------------------------


def report_request(*, year: int, user) -> ReportRun:
    """Queue the year's report; while a build of that year is open, that build is returned."""
    _require_staff(user)
    check_year(year)
    return jobs.submit(ReportRun, dedupe_key=f"report:{year}", year=year, requested_by=user)


def report_snapshot(year: int) -> dict[str, Any]:
    """Every figure and word the report states, as JSON stores it (so what the files are
    written from is exactly what the row keeps)."""
    from . import indicators

    data = {
        "indicators": indicators.snapshot(year),
        "narrative": narrative_data(year),
        "issuer": issuer_now(),
        "taken_at": timezone.now().isoformat(),
    }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


REPORT_KINDS = ("xlsx", "docx", "pdf")


def report_file(kind: str, content: ReportContent) -> bytes:
    """One of the report's files, written from its content (the snapshot's)."""
    if kind == "pdf":
        return render_report_pdf(content)
    buffer = io.BytesIO()
    {"xlsx": write_report_xlsx, "docx": write_report_docx}[kind](content, buffer)
    return buffer.getvalue()


def report_build(*, job: ReportRun, ctx: jobs.RunContext) -> dict[str, Any]:
    """The job runner's handler (``ReportRun.handler``)."""
    steps = len(REPORT_KINDS) + 1
    snapshot = report_snapshot(job.year)
    content = report_content(snapshot)
    ctx.progress(1, steps)
    result: dict[str, Any] = {"snapshot": snapshot}
    for done, kind in enumerate(REPORT_KINDS, start=2):
        data = report_file(kind, content)
        ctx.check()
        file = getattr(job, kind)
        # The try's own folder (report_upload_to): a half-written file of a killed try is never
        # named by the row, and on_done removes it.
        file.save(f"bao-cao-nsc-{job.year}.{kind}", ContentFile(data), save=False)
        result[kind] = file.name
        ctx.progress(done, steps)
    return result


# --- Approval -------------------------------------------------------------------------------


def _users_with_role(role: Role) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(groups__name=role.value, is_active=True)
        .values_list("pk", flat=True)
    )


def _tell(approval: YearApproval, event: str, users: list[int], **context) -> None:
    notify(
        users,
        kind="year_approval",
        template="programs/email/year_approval",
        context={"year": approval.year, "event": event, **context},
        url=f"/chuong-trinh/bao-cao-nam/{approval.year}/",
        dedupe_key=f"year-approval:{approval.year}:{approval.version}:{event}",
    )


def _locked_approval(year: int, version: int | None) -> YearApproval | None:
    pk = YearApproval.objects.filter(year=year).values_list("pk", flat=True).first()
    return None if pk is None else lock_for_update(YearApproval, pk=pk, version=version)


def year_approve(*, year: int, report_id: int, version: int | None, user) -> YearApproval:
    """A leader approves the figures of a finished report of ``year``: they are frozen."""
    _require_leader(user)
    with transaction.atomic():
        report = ReportRun.objects.for_user(user).filter(pk=report_id, year=year).first()
        if report is None or report.state != "done":
            raise ValidationError(_("Chỉ phê duyệt được số liệu của một báo cáo đã tạo xong."))
        approval = _locked_approval(year, version)
        if approval is not None and approval.is_frozen:
            raise ValidationError(_("Số liệu năm %(year)d đã được phê duyệt.") % {"year": year})
        if approval is None:
            approval = YearApproval(year=year)
        else:
            approval.version += 1
        approval.state = ApprovalState.APPROVED
        approval.snapshot = report.snapshot.get("indicators", {})
        approval.report = report
        approval.approved_by = user
        approval.approved_at = timezone.now()
        approval.reopen_reason = ""
        approval.reopen_requested_by = None
        approval.reopen_requested_at = None
        approval._history_user = user
        approval.full_clean()
        approval.save()
        _tell(approval, "approved", _users_with_role(Role.OFFICER), actor=_name(user))
    return approval


def year_reopen_request(*, year: int, reason: str, version: int | None, user) -> YearApproval:
    """An officer asks the leader to reopen an approved year, saying why."""
    if not is_officer(user):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reopen_reason": _("Hãy nêu lý do đề nghị mở lại.")})
    with transaction.atomic():
        approval = _locked_approval(year, version)
        if approval is None or approval.state != ApprovalState.APPROVED:
            raise ValidationError(_("Chỉ đề nghị mở lại được số liệu đang được phê duyệt."))
        approval.state = ApprovalState.REOPEN_REQUESTED
        approval.reopen_reason = reason
        approval.reopen_requested_by = user
        approval.reopen_requested_at = timezone.now()
        approval.version += 1
        approval._history_user = user
        approval.full_clean()
        approval.save()
        _tell(
            approval,
            "reopen_requested",
            _users_with_role(Role.LEADER),
            actor=_name(user),
            reason=approval.reopen_reason,
        )
    return approval


def year_reopen(*, year: int, version: int | None, user) -> YearApproval:
    """A leader reopens an approved year (asked for or not): the figures move again."""
    _require_leader(user)
    with transaction.atomic():
        approval = _locked_approval(year, version)
        if approval is None or not approval.is_frozen:
            raise ValidationError(_("Số liệu năm %(year)d chưa được phê duyệt.") % {"year": year})
        approval.state = ApprovalState.REOPENED
        approval.version += 1
        approval._history_user = user
        approval.full_clean()
        approval.save()
        officers = _users_with_role(Role.OFFICER)
        _tell(approval, "reopened", officers, actor=_name(user), reason=approval.reopen_reason)
    return approval


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


# --- What changed since approval ------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    code: str
    name: str
    where: str  # "" for the indicator's total, else the breakdown and its group
    approved: Any
    now: Any


def approval_changes(approval: YearApproval) -> list[FigureChange]:
    """Each figure (total, target, source, or a breakdown's group) that differs between the
    frozen snapshot and the indicators computed now."""
    from . import indicators

    current = json.loads(json.dumps(indicators.snapshot(approval.year), cls=DjangoJSONEncoder))
    return snapshot_diff(approval.snapshot, current)


def snapshot_diff(before: dict, after: dict) -> list[FigureChange]:
    old = {f.code: f for f in figures(before)}
    new = {f.code: f for f in figures(after)}
    changes: list[FigureChange] = []
    for code in [*old, *(c for c in new if c not in old)]:
        a, b = old.get(code), new.get(code)
        name = (b or a).name
        if a is None or b is None:
            changes.append(FigureChange(code, name, "", a and a.value_text, b and b.value_text))
            continue
        for label, x, y in (
            ("", a.value_text, b.value_text),
            (_("chỉ tiêu kế hoạch"), a.target_text, b.target_text),
            (_("nguồn số liệu"), a.source_label, b.source_label),
        ):
            if x != y:
                changes.append(FigureChange(code, name, label, x, y))
        changes.extend(_breakdown_changes(code, name, a, b))
    return changes


def _breakdown_changes(code: str, name: str, a, b) -> list[FigureChange]:
    def rows(figure) -> dict[tuple[str, str], tuple[str, str]]:
        return {
            (bd.by, row.key): (f"{bd.title}: {row.label or row.key}", row.value_text)
            for bd in figure.breakdowns
            for row in bd.rows
        }

    old, new = rows(a), rows(b)
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        where, x = old.get(key, (None, "—"))
        where_new, y = new.get(key, (None, "—"))
        if x != y:
            changes.append(FigureChange(code, name, where or where_new, x, y))
    return changes


def changed_since_approval(approval: YearApproval | None) -> bool:
    return bool(approval and approval.is_frozen and approval_changes(approval))
