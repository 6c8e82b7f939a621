"""Tables of the catalogue lists. Every sortable column ends its ordering with the key, so pages
never overlap."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import CertificationBody, Standard

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


def _in_use(value: bool) -> str:
    if value:
        return _("Đang dùng")
    return format_html('<span class="badge text-bg-secondary">{}</span>', _("Ngừng dùng"))


class StandardTable(tables.Table):
    code = tables.Column(linkify=True, verbose_name=_("Số hiệu"), order_by=("code", "pk"))
    title = tables.Column(verbose_name=_("Tên"), order_by=("title", "pk"))
    kind = tables.Column(verbose_name=_("Loại"), order_by=("kind", "code", "pk"))
    third_party_certified = tables.BooleanColumn(
        verbose_name=_("Chứng nhận bên thứ ba"),
        orderable=False,
        yesno=(_("Có"), _("Không")),
    )
    validity_months = tables.Column(
        verbose_name=_("Thời hạn (tháng)"), orderable=False, default="—"
    )
    superseded_by = tables.Column(
        accessor="superseded_by__code", verbose_name=_("Được thay thế bởi"), orderable=False
    )
    is_active = tables.Column(verbose_name=_("Tình trạng"), orderable=False)

    class Meta:
        model = Standard
        fields = (
            "code",
            "title",
            "kind",
            "third_party_certified",
            "validity_months",
            "superseded_by",
            "is_active",
        )
        attrs = TABLE_ATTRS
        empty_text = _("Không có tiêu chuẩn nào phù hợp.")
        order_by = ("kind",)

    def render_superseded_by(self, record: Standard, value: str) -> str:
        return format_html('<a href="{}">{}</a>', record.superseded_by.get_absolute_url(), value)

    def render_is_active(self, value: bool) -> str:
        return _in_use(value)


class CertificationBodyTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Tên tổ chức"), order_by=("name", "pk"))
    acronym = tables.Column(verbose_name=_("Viết tắt"), order_by=("acronym", "pk"), default="—")
    accredited = tables.Column(verbose_name=_("Công nhận"), orderable=False)
    is_active = tables.Column(verbose_name=_("Tình trạng"), orderable=False)

    class Meta:
        model = CertificationBody
        fields = ("name", "acronym", "accredited", "is_active")
        attrs = TABLE_ATTRS
        empty_text = _("Không có tổ chức chứng nhận nào phù hợp.")
        order_by = ("name",)

    def render_accredited(self, record: CertificationBody) -> str:
        return accreditation_html(record)

    def render_is_active(self, value: bool) -> str:
        return _in_use(value)


def accreditation_html(body: CertificationBody) -> str:
    """ "BoA (VICAS), đến 31/12/2027", a red "hết hạn" badge, or "Chưa được công nhận"."""
    if not body.accredited:
        return _("Chưa được công nhận")
    until = body.accredited_until
    who = body.accredited_by
    if body.accreditation_expired_on(timezone.localdate()):
        return format_html(
            '{} <span class="badge text-bg-danger">{}</span>',
            who,
            _("Hết hạn công nhận ngày %(day)s") % {"day": f"{until:%d/%m/%Y}"},
        )
    if until is None:
        return who
    return format_html("{}, {}", who, _("đến %(day)s") % {"day": f"{until:%d/%m/%Y}"})
