"""List tables: django-tables2 orders and paginates; the rows are drawn by the list's own
template (faster than per-cell templates). Every ordering ends with the key, so pages never
overlap."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

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
