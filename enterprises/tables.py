import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from laichau_nsc.collation import VietnameseCollate

from .models import Enterprise, Membership


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
