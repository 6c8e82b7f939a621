"""Tables of the product and barcode lists: django-tables2 orders and paginates; the rows are
drawn by the lists' own templates. Names sort in Vietnamese order (``laichau_nsc.collation``);
every ordering ends with the key, so pages never overlap."""

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from laichau_nsc.collation import VietnameseCollate

from .models import BarcodeRegistration, Product


def in_vietnamese_order(
    queryset: QuerySet, field: str, is_descending: bool
) -> tuple[QuerySet, bool]:
    name = VietnameseCollate(field)
    if is_descending:
        return queryset.order_by(name.desc(), "-pk"), True
    return queryset.order_by(name.asc(), "pk"), True


class ProductTable(tables.Table):
    name = tables.Column(verbose_name=_("Sản phẩm"))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"))
    category = tables.Column(verbose_name=_("Nhóm"), order_by=("category", "pk"))
    gtin = tables.Column(verbose_name=_("GTIN"), order_by=("gtin", "pk"))
    ocop_stars = tables.Column(verbose_name=_("OCOP"), order_by=("ocop_stars", "pk"))
    updated_at = tables.Column(verbose_name=_("Cập nhật"), order_by=("updated_at", "pk"))

    class Meta:
        model = Product
        fields = ("name", "enterprise", "category", "gtin", "ocop_stars", "updated_at")
        order_by = ("name",)

    def order_name(self, queryset: QuerySet, is_descending: bool):
        return in_vietnamese_order(queryset, "name", is_descending)

    def order_enterprise(self, queryset: QuerySet, is_descending: bool):
        return in_vietnamese_order(queryset, "enterprise__name", is_descending)


class BarcodeRegistrationTable(tables.Table):
    prefix = tables.Column(verbose_name=_("Mã doanh nghiệp GS1"), order_by=("prefix", "pk"))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"))
    registered_on = tables.Column(verbose_name=_("Ngày cấp"), order_by=("registered_on", "pk"))
    gtin_used = tables.Column(verbose_name=_("Đã dùng"), order_by=("gtin_used", "pk"))

    class Meta:
        model = BarcodeRegistration
        fields = ("prefix", "enterprise", "registered_on", "gtin_used")
        order_by = ("prefix",)

    def order_enterprise(self, queryset: QuerySet, is_descending: bool):
        return in_vietnamese_order(queryset, "enterprise__name", is_descending)
