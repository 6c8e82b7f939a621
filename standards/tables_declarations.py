"""The declaration list's table: the officers' queue sorts by the decision deadline first."""

import datetime
from collections.abc import Iterable
from functools import lru_cache

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .choices import DeclarationKind, DeclarationState
from .models import Declaration
from .tables_products import in_vietnamese_order


class DeclarationTable(tables.Table):
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"))
    standard = tables.Column(
        verbose_name=_("Tiêu chuẩn, quy chuẩn"), order_by=("standard__code", "pk")
    )
    state = tables.Column(verbose_name=_("Trạng thái"), order_by=("state", "pk"))
    submitted_at = tables.Column(verbose_name=_("Nộp lúc"), order_by=("submitted_at", "pk"))
    decision_due_on = tables.Column(verbose_name=_("Hạn xử lý"))
    created_at = tables.Column(verbose_name=_("Tạo lúc"), order_by=("created_at", "pk"))

    class Meta:
        model = Declaration
        fields = (
            "enterprise",
            "standard",
            "state",
            "submitted_at",
            "decision_due_on",
            "created_at",
        )
        order_by = ("decision_due_on",)

    def order_enterprise(self, queryset: QuerySet, is_descending: bool):
        return in_vietnamese_order(queryset, "enterprise__name", is_descending)

    def order_decision_due_on(self, queryset: QuerySet, is_descending: bool):
        # Waiting dossiers first, the most urgent on top; the rest newest first.
        due = F("decision_due_on")
        if is_descending:
            return queryset.order_by(due.desc(nulls_last=True), "-created_at", "-pk"), True
        return queryset.order_by(due.asc(nulls_last=True), "-created_at", "-pk"), True


# --- The queue's rows, drawn in Python -----------------------------------------------------------
#
# As for the enterprise list (enterprises.tables.enterprise_rows_html): drawn by the template, the
# 50 rows cost most of the page's server time (a reverse(), two get_FOO_display() and an include
# per row). Here: one reverse() per page, labels translated once per language.

_PK_MARK = 987654321
#: A state's badge class; accepted and recorded declarations past ``valid_until`` are expired.
BADGES = {
    DeclarationState.DRAFT: "text-bg-light border",
    DeclarationState.RECORDED: "text-bg-success",
    DeclarationState.SUBMITTED: "text-bg-primary",
    DeclarationState.SUPPLEMENT_REQUESTED: "text-bg-warning",
    DeclarationState.ACCEPTED: "text-bg-success",
    DeclarationState.REJECTED: "text-bg-danger",
    DeclarationState.CANCELLED: "text-bg-danger",
}
IN_FORCE_STATES = (DeclarationState.ACCEPTED, DeclarationState.RECORDED)


@lru_cache(maxsize=32)
def _labels(choices, language: str | None) -> dict[str, str]:
    """Escaped labels of ``choices`` in ``language`` (the active one, passed to key the cache):
    plain text, so a row does not translate and escape a lazy label again."""
    return {value: escape(str(label)) for value, label in choices.choices}


def _day(value: datetime.date | None) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else "—"


def declaration_rows_html(records: Iterable[Declaration], today: datetime.date) -> SafeString:
    """The <tr>s of the declaration list for ``records`` (enterprise and standard loaded)."""
    language = get_language()
    states, kinds = _labels(DeclarationState, language), _labels(DeclarationKind, language)
    url_start, url_end = (
        escape(part)
        for part in reverse("standards:declaration_detail", args=[_PK_MARK]).split(str(_PK_MARK))
    )
    expired = f'<span class="badge text-bg-secondary">{escape(gettext("Hết hiệu lực"))}</span>'
    overdue = f'<span class="d-block badge text-bg-danger">{escape(gettext("Quá hạn"))}</span>'
    supplement_by = escape(gettext("bổ sung trước %(day)s"))
    zone = timezone.get_current_timezone()  # once, not per row (timezone.localdate)
    codes: dict[str, str] = {}  # a page shows a few standards many times: escaped once each
    rows = []
    for d in records:
        if d.state in IN_FORCE_STATES and d.valid_until and d.valid_until < today:
            badge = expired
        else:
            css = BADGES.get(d.state, "text-bg-light border")
            badge = f'<span class="badge {css}">{states.get(d.state, escape(d.state))}</span>'
        if d.state == DeclarationState.SUBMITTED:
            due = _day(d.decision_due_on)
            if d.decision_due_on and d.decision_due_on < today:
                due += overdue
        elif d.state == DeclarationState.SUPPLEMENT_REQUESTED:
            due = f'<span class="small">{supplement_by % {"day": _day(d.supplement_due_on)}}</span>'
        else:
            due = "—"
        submitted = _day(d.submitted_at.astimezone(zone).date()) if d.submitted_at else "—"
        link = f'<a href="{url_start}{d.pk}{url_end}">{escape(d.enterprise.name)}</a>'
        code = d.standard.code
        if code not in codes:
            codes[code] = escape(code)
        kind, code = kinds.get(d.kind, escape(d.kind)), codes[code]
        rows.append(
            f"\n    <tr>\n      <td>{link}"
            f'<span class="d-block small text-body-secondary"><span class="d-md-none">{code} · '
            f"</span>{kind}</span></td>\n"
            f'      <td class="d-none d-md-table-cell">{code}</td>\n'
            f"      <td>{badge}</td>\n"
            f'      <td class="d-none d-md-table-cell text-nowrap">{submitted}</td>\n'
            f"      <td>{due}</td>\n"
            f"    </tr>"
        )
    if not rows:
        empty = escape(gettext("Không có hồ sơ công bố nào phù hợp."))
        rows.append(f'\n    <tr><td colspan="5" class="text-body-secondary">{empty}</td></tr>')
    return mark_safe("".join(rows))  # noqa: S308  (every value above is escaped)
