"""Filters of the declaration list (the officers' queue, an enterprise's own declarations)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise

from .choices import DeclarationKind, DeclarationState
from .filters_products import EnterpriseWhereFilterSet
from .models import Declaration

#: The queue's views of the officer's deadline, besides the stored states.
QUEUE_CHOICES = [
    ("waiting", _("Chờ Sở xử lý (đã nộp, đã bổ sung)")),
    ("overdue", _("Quá hạn xử lý")),
    ("due", _("Trong hạn xử lý")),
    ("expired", _("Đã hết hiệu lực")),
    *DeclarationState.choices,
]


class DeclarationFilterSet(EnterpriseWhereFilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Doanh nghiệp, số hiệu tiêu chuẩn…")}
        ),
    )
    enterprise = django_filters.ModelChoiceFilter(
        label=_("Doanh nghiệp"), queryset=Enterprise.objects.all(), widget=forms.HiddenInput
    )
    queue = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=QUEUE_CHOICES, empty_label=_("Tất cả"), method="filter_queue"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại công bố"), choices=DeclarationKind.choices, empty_label=_("Tất cả")
    )
    year = django_filters.NumberFilter(
        label=_("Năm tiếp nhận"), method="filter_year", min_value=2000, max_value=2100
    )

    fixed_choices = ("archived", "queue", "kind")

    class Meta:
        model = Declaration
        fields = ("q", "enterprise", "queue", "kind", "year", "admin_unit", "sector", "archived")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["enterprise"].queryset = Enterprise.objects.for_user(user)

    def filter_search(self, queryset, name: str, value: str):
        makers = Enterprise.objects.search(value).values("pk")
        return queryset.filter(
            Q(enterprise__in=makers)
            | Q(standard__code__icontains=value)
            | Q(document_number__icontains=value)
            | Q(receipt_number__icontains=value)
        )

    def filter_queue(self, queryset, name: str, value: str):
        today = timezone.localdate()
        if value == "waiting":
            return queryset.filter(state=DeclarationState.SUBMITTED)
        if value == "overdue":
            return queryset.filter(pk__in=Declaration.objects.overdue_on(today).values("pk"))
        if value == "due":
            return queryset.filter(pk__in=Declaration.objects.due_on(today).values("pk"))
        if value == "expired":
            return queryset.filter(pk__in=Declaration.objects.expired_on(today).values("pk"))
        return queryset.filter(state=value)

    def filter_year(self, queryset, name: str, value):
        return queryset.filter(pk__in=Declaration.objects.received_in(int(value)).values("pk"))
