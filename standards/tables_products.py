"""Tables of the product and barcode lists: django-tables2 orders and paginates; the rows are
drawn by the lists' own templates. Every ordering ends with the key, so pages never overlap."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import BarcodeRegistration, Product


class ProductTable(tables.Table):
    name = tables.Column(verbose_name=_("Sản phẩm"), order_by=("name", "pk"))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"), order_by=("enterprise__name", "pk"))
    category = tables.Column(verbose_name=_("Nhóm"), order_by=("category", "pk"))
    gtin = tables.Column(verbose_name=_("GTIN"), order_by=("gtin", "pk"))
    ocop_stars = tables.Column(verbose_name=_("OCOP"), order_by=("ocop_stars", "pk"))
    updated_at = tables.Column(verbose_name=_("Cập nhật"), order_by=("updated_at", "pk"))

    class Meta:
        model = Product
        fields = ("name", "enterprise", "category", "gtin", "ocop_stars", "updated_at")
        order_by = ("name",)


class BarcodeRegistrationTable(tables.Table):
    prefix = tables.Column(verbose_name=_("Mã doanh nghiệp GS1"), order_by=("prefix", "pk"))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"), order_by=("enterprise__name", "pk"))
    registered_on = tables.Column(verbose_name=_("Ngày cấp"), order_by=("registered_on", "pk"))
    gtin_used = tables.Column(verbose_name=_("Đã dùng"), order_by=("gtin_used", "pk"))

    class Meta:
        model = BarcodeRegistration
        fields = ("prefix", "enterprise", "registered_on", "gtin_used")
        order_by = ("prefix",)
