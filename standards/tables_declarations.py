"""The declaration list's table: the officers' queue sorts by the decision deadline first."""

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

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
