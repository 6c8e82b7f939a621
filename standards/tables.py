"""List tables: django-tables2 orders and paginates; the rows are drawn by the list's own
template (faster than per-cell templates). Every ordering ends with the key, so pages never
overlap."""

import datetime
from collections.abc import Iterable
from functools import lru_cache

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .choices import CertificateStatus, ReviewState
from .models import Adoption, Certificate


class CertificateTable(tables.Table):
    number = tables.Column(verbose_name=_("Số chứng chỉ"), order_by=("number", "pk"))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"), order_by=("enterprise__name", "pk"))
    standard = tables.Column(verbose_name=_("Tiêu chuẩn"), order_by=("standard__code", "pk"))
    body = tables.Column(verbose_name=_("Tổ chức chứng nhận"), orderable=False)
    issued_on = tables.Column(verbose_name=_("Ngày cấp"), order_by=("issued_on", "pk"))
    expires_on = tables.Column(verbose_name=_("Hết hạn"), order_by=("expires_on", "pk"))

    class Meta:
        model = Certificate
        fields = ("number", "enterprise", "standard", "body", "issued_on", "expires_on")
        order_by = ("-issued_on",)


class AdoptionTable(tables.Table):
    enterprise = tables.Column(
        linkify=True, verbose_name=_("Doanh nghiệp"), order_by=("enterprise__name", "pk")
    )
    standard = tables.Column(
        verbose_name=_("Tiêu chuẩn, công cụ"), order_by=("standard__code", "pk"), linkify=False
    )
    status = tables.Column(verbose_name=_("Tình trạng"), order_by=("status", "pk"))
    started_on = tables.DateColumn(
        verbose_name=_("Bắt đầu"), format="d/m/Y", order_by=("started_on", "pk")
    )
    programme_supported = tables.BooleanColumn(
        verbose_name=_("Chương trình hỗ trợ"), orderable=False
    )
    review_state = tables.Column(verbose_name=_("Tình trạng xác minh"), orderable=False)
    view = tables.LinkColumn(
        "standards:adoption_detail",
        args=[tables.A("pk")],
        text=_("Xem"),
        verbose_name="",
        orderable=False,
        empty_values=(),
    )

    class Meta:
        model = Adoption
        fields = (
            "enterprise",
            "standard",
            "status",
            "started_on",
            "programme_supported",
            "review_state",
            "view",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Không có hồ sơ áp dụng nào phù hợp.")
        order_by = ("enterprise",)


# --- The certificate list's rows, drawn in Python ------------------------------------------------
#
# As for the enterprise list (enterprises.tables.enterprise_rows_html): drawn by the template,
# the 50 rows cost most of the page's server time (a {% url %}, three date filters and two
# includes per row). certificate_rows_html writes the same bytes (tests/standards/
# test_certificate_rows.py compares it with the template it replaced) with one reverse() per page
# and badges translated once per language.

_PK_MARK = 987654321
_STATUS_CLASSES = {
    CertificateStatus.VALID: "text-bg-success",
    CertificateStatus.SUSPENDED: "text-bg-warning",
    CertificateStatus.WITHDRAWN: "text-bg-danger",
    CertificateStatus.EXPIRED: "text-bg-secondary",
    CertificateStatus.NOT_YET_VALID: "text-bg-info",
}
_REVIEW_CLASSES = {
    ReviewState.PROPOSED: "text-bg-warning",
    ReviewState.RETURNED: "text-bg-danger",
}


@lru_cache(maxsize=8)
def _badges(language: str | None) -> tuple[dict[str, str], dict[str, str], str]:
    """Status badges, review badges (each followed by the newline their include wrote) and the
    archived badge, in ``language`` (the active one, passed to key the cache)."""
    statuses = {
        value: f'<span class="badge {css}">{escape(str(CertificateStatus(value).label))}</span>\n'
        for value, css in _STATUS_CLASSES.items()
    }
    reviews = {
        value: f'<span class="badge {_REVIEW_CLASSES.get(value, "text-bg-light border")}">'
        f"{escape(str(label))}</span>\n"
        for value, label in ReviewState.choices
    }
    archived = f' <span class="badge text-bg-secondary">{escape(gettext("lưu trữ"))}</span>'
    return statuses, reviews, archived


def _dmy(day: datetime.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def certificate_rows_html(records: Iterable[Certificate]) -> SafeString:
    """The <tr>s of the certificate list for ``records`` (annotated with ``status_on``; their
    enterprise with its unit, standard and body loaded)."""
    statuses, reviews, archived = _badges(get_language())
    url_start, url_end = (
        escape(part)
        for part in reverse("standards:certificate_detail", args=[_PK_MARK]).split(str(_PK_MARK))
    )
    rows = []
    for c in records:
        code, enterprise, body = escape(c.standard.code), c.enterprise, c.body
        unit = enterprise.admin_unit.name if enterprise.admin_unit_id else ""
        expires = _dmy(c.expires_on)
        flags = statuses.get(c.status_on, "\n")
        if c.review_state != ReviewState.VERIFIED:
            flags += " " + reviews.get(c.review_state, "")
        if c.is_archived:
            flags += archived
        rows.append(
            f'\n    <tr>\n      <td><a href="{url_start}{c.pk}{url_end}">{escape(c.number)}</a>'
            f'<span class="d-block d-md-none small text-body-secondary">{code}</span></td>\n'
            f"      <td>{escape(enterprise.name)}"
            f'<span class="d-block small text-body-secondary">{escape(unit)}</span></td>\n'
            f'      <td class="d-none d-md-table-cell">{code}</td>\n'
            f'      <td class="d-none d-lg-table-cell">{escape(body.acronym or body.name)}</td>\n'
            f'      <td class="d-none d-md-table-cell text-nowrap">{_dmy(c.issued_on)}</td>\n'
            f'      <td class="d-none d-sm-table-cell text-nowrap">{expires}</td>\n'
            f'      <td><span class="d-block d-sm-none small text-nowrap">{expires}</span>'
            f"{flags}</td>\n    </tr>\n  "
        )
    if not rows:
        empty = escape(gettext("Không có chứng chỉ nào phù hợp."))
        rows.append(f'\n    <tr><td colspan="7" class="text-body-secondary">{empty}</td></tr>\n  ')
    return mark_safe("".join(rows))  # noqa: S308  (every value above is escaped)
