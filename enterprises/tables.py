import html
from collections.abc import Iterable
from functools import lru_cache

import django_tables2 as tables
from django.db.models import Choices, QuerySet
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from laichau_nsc.collation import VietnameseCollate

from .choices import EnterpriseStatus, LegalForm
from .models import Enterprise, Membership, sector_label


def _in_vietnamese_order(
    queryset: QuerySet, field: str, is_descending: bool
) -> tuple[QuerySet, bool]:
    """``field`` in Vietnamese order, then the key, so equal names never swap between pages."""
    name = VietnameseCollate(field)
    if is_descending:
        return queryset.order_by(name.desc(), "-pk"), True
    return queryset.order_by(name.asc(), "pk"), True


class EnterpriseTable(tables.Table):
    """Only indexed columns sort: at a million rows any other ORDER BY scans the table."""

    name = tables.Column(linkify=True, verbose_name=_("Tên doanh nghiệp"))
    tax_code = tables.Column(verbose_name=_("Mã số thuế"))
    legal_form = tables.Column(verbose_name=_("Loại hình"), orderable=False)
    admin_unit = tables.Column(verbose_name=_("Đơn vị hành chính"), orderable=False)
    sector = tables.Column(
        accessor="sector__code", verbose_name=_("Ngành"), orderable=False, default="—"
    )
    status = tables.Column(verbose_name=_("Trạng thái"), orderable=False)

    class Meta:
        model = Enterprise
        fields = ("name", "tax_code", "legal_form", "admin_unit", "sector", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Không có doanh nghiệp nào phù hợp.")
        order_by = ("name",)

    def order_name(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        # The same expressions as enterprise_name_idx (and the unit and sector indexes).
        return _in_vietnamese_order(queryset, "name", is_descending)

    def page_records(self, queryset: QuerySet, ids: list[int]) -> list["ListedEnterprise"]:
        """The page's rows, in the order of ``ids`` (``BoundedPaginator``): the columns the
        rows show as tuples, not three model instances per row (half the time for 50 rows)."""
        rows = queryset.order_by().filter(pk__in=ids).values_list(*ListedEnterprise.columns)
        by_id = {row[0]: row for row in rows}
        return [ListedEnterprise(by_id[pk]) for pk in ids if pk in by_id]

    def render_status(self, record: Enterprise, value: str) -> str:
        return f"{value} · {_('lưu trữ')}" if record.is_archived else value


class MembershipTable(tables.Table):
    """Every sortable column ends its ordering with the key, so pages never overlap.

    Login name and contact details share cells, so the decision buttons stay in view beside
    the request on a laptop; on a phone each request is a card (``table-cards``).
    """

    # Sorted in Vietnamese order by order_full_name / order_enterprise below.
    full_name = tables.Column(verbose_name=_("Người đăng ký"))
    enterprise = tables.Column(
        linkify=True,
        verbose_name=_("Doanh nghiệp"),
        attrs={"td": {"class": "cell-wide"}},
    )
    contact = tables.Column(
        accessor="email",
        verbose_name=_("Liên hệ"),
        order_by=("email", "pk"),
        attrs={"td": {"class": "cell-wrap"}},
    )
    requested_at = tables.DateTimeColumn(
        verbose_name=_("Đăng ký lúc"), format="d/m/Y H:i", order_by=("requested_at", "pk")
    )
    state = tables.Column(verbose_name=_("Trạng thái"), order_by=("state", "pk"))
    actions = tables.TemplateColumn(
        template_name="enterprises/inc/membership_actions.html",
        verbose_name=_("Xử lý"),
        orderable=False,
        attrs={"td": {"class": "cell-actions"}},
    )

    class Meta:
        model = Membership
        fields = ("full_name", "enterprise", "contact", "requested_at", "state")
        attrs = {"class": "table table-sm align-middle table-cards"}
        empty_text = _("Không có yêu cầu nào.")
        order_by = ("-requested_at",)

    def render_full_name(self, record: Membership, value: str) -> str:
        return format_html(
            '{}<div class="small text-body-secondary fw-normal">{}: {}</div>',
            value,
            _("tên đăng nhập"),
            record.user.username,
        )

    def render_contact(self, record: Membership) -> str:
        return format_html('<span class="text-nowrap">{}</span><br>{}', record.phone, record.email)

    def order_full_name(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        return _in_vietnamese_order(queryset, "full_name", is_descending)

    def order_enterprise(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        return _in_vietnamese_order(queryset, "enterprise__name", is_descending)


# --- The list's rows, drawn in Python ----------------------------------------------------------


class _Unit:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class _Sector:
    __slots__ = ("code", "name", "name_en")

    def __init__(self, code: str, name: str, name_en: str):
        self.code, self.name, self.name_en = code, name, name_en


class ListedEnterprise:
    """An enterprise as a row of the list reads it (``enterprise_rows_html``), from one tuple of
    ``columns``: the attributes the row uses, under the model's names."""

    columns = (
        "pk",
        "name",
        "tax_code",
        "legal_form",
        "status",
        "is_archived",
        "admin_unit_id",
        "admin_unit__name",
        "sector_id",
        "sector__code",
        "sector__name",
        "sector__name_en",
    )
    __slots__ = (
        "admin_unit",
        "admin_unit_id",
        "is_archived",
        "legal_form",
        "name",
        "pk",
        "sector",
        "sector_id",
        "status",
        "tax_code",
    )

    def __init__(self, row: tuple):
        (
            self.pk,
            self.name,
            self.tax_code,
            self.legal_form,
            self.status,
            self.is_archived,
            self.admin_unit_id,
            unit_name,
            self.sector_id,
            code,
            name,
            name_en,
        ) = row
        self.admin_unit = _Unit(unit_name) if self.admin_unit_id else None
        self.sector = _Sector(code, name, name_en) if self.sector_id else None


#
# The enterprise list is the portal's busiest page. Drawn by the template, its 50 rows cost more
# server time than everything else on it: a reverse() per row, two get_FOO_display() calls that
# rebuild and translate the whole list of choices each time, and the template engine's lookups.
# enterprise_rows_html writes the same bytes (tests/enterprises/test_list_rows.py compares it
# with the template it replaced) with one reverse() per page and labels translated once per
# language.

_PK_MARK = 987654321
#: Django's ``escape`` is this plus a lazy-string wrapper; the rows' values are plain text.
_escape = html.escape


@lru_cache(maxsize=32)
def _labels(choices: type[Choices], language: str | None) -> dict[str, str]:
    """Escaped labels of ``choices`` in ``language`` (the active one, passed to key the cache):
    plain text. ``escape`` of a lazy label is itself lazy: kept, it would be translated and
    escaped again at every use."""
    return {value: _escape(str(label)) for value, label in choices.choices}


def enterprise_rows_html(records: Iterable[Enterprise]) -> SafeString:
    """The <tr>s of the enterprise list for ``records`` (their admin unit and sector loaded)."""
    language = get_language()
    legal_forms, statuses = _labels(LegalForm, language), _labels(EnterpriseStatus, language)
    url_start, url_end = (
        escape(part)
        for part in reverse("enterprises:enterprise_detail", args=[_PK_MARK]).split(str(_PK_MARK))
    )
    archived_label = gettext("lưu trữ")
    archived = f" · {escape(archived_label)}"
    rows = []
    sector_cells: dict[int, str] = {}
    for e in records:
        tax_code = _escape(e.tax_code)
        unit = _escape(e.admin_unit.name) if e.admin_unit_id and e.admin_unit.name else "—"
        status = statuses.get(e.status) or _escape(e.status)
        flags = archived if e.is_archived else ""
        phone_status = f" · {status}{flags}" if e.status != "active" or e.is_archived else ""
        sector_cell = sector_cells.get(e.sector_id) if e.sector_id else "—"
        if sector_cell is None:
            sector = e.sector
            label = _escape(sector_label(sector.code, sector.name, sector.name_en))
            sector_cell = sector_cells[e.sector_id] = (
                f'<span class="d-lg-none" title="{label}">{_escape(sector.code)}</span>'
                f'<span class="sector-name" title="{label}">{label}</span>'
            )
        rows.append(
            f'\n    <tr>\n      <td><a href="{url_start}{e.pk}{url_end}">{_escape(e.name)}</a>\n'
            f"        \n"
            f'        <div class="small text-body-secondary"><span class="d-md-none">{tax_code}'
            f" · </span>{legal_forms.get(e.legal_form) or _escape(e.legal_form)}"
            f'<span class="d-md-none"> · {unit}{phone_status}</span></div></td>\n'
            f'      <td class="d-none d-md-table-cell text-nowrap">{tax_code}</td>\n'
            f'      <td class="d-none d-md-table-cell">{unit}</td>\n'
            f'      <td class="d-none d-md-table-cell">{sector_cell}</td>\n'
            f'      <td class="d-none d-md-table-cell">{status}{flags}</td>\n'
            f"    </tr>\n  "
        )
    if not rows:
        empty = escape(gettext("Không có doanh nghiệp nào phù hợp."))
        rows.append(f'\n    <tr><td colspan="5" class="text-body-secondary">{empty}</td></tr>\n  ')
    return mark_safe("".join(rows))  # noqa: S308  (every value above is escaped)
