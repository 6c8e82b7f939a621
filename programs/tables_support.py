"""Tables of the expert and support lists: django-tables2 orders and paginates; the rows are
drawn by the lists' own templates. Every ordering ends with the key, so pages never overlap."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Expert, SupportActivity


class ExpertTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Họ và tên"), order_by=("full_name", "pk"))
    organisation = tables.Column(verbose_name=_("Cơ quan, đơn vị"), order_by=("organisation", "pk"))
    certified_year = tables.Column(
        verbose_name=_("Năm được công nhận"), order_by=("certified_year", "pk")
    )
    enterprise_count = tables.Column(
        verbose_name=_("Doanh nghiệp đã tư vấn"), order_by=("enterprise_count", "pk")
    )

    class Meta:
        model = Expert
        fields = ("full_name", "organisation", "certified_year", "enterprise_count")
        # Unsorted: the queryset's order (names in Vietnamese order).


class SupportActivityTable(tables.Table):
    provided_on = tables.Column(verbose_name=_("Ngày"), order_by=("provided_on", "pk"))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"), order_by=("enterprise__name", "pk"))
    kind = tables.Column(verbose_name=_("Hình thức"), order_by=("kind", "pk"))
    total = tables.Column(verbose_name=_("Kinh phí"), order_by=("total", "pk"))

    class Meta:
        model = SupportActivity
        fields = ("provided_on", "enterprise", "kind", "total")
        # Unsorted: the queryset's order (newest first).
