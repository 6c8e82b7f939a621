"""Filters of the catalogue lists (standards, certification bodies)."""

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laichau_nsc.filters import PortalFilterSet

from .choices import StandardKind
from .models import CertificationBody, Standard
from .selectors_catalogue import search_catalogue

IN_USE_CHOICES = [("yes", _("Đang dùng")), ("no", _("Đã ngừng dùng")), ("all", _("Tất cả"))]


def _search_box(placeholder: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={"type": "search", "placeholder": placeholder, "autocomplete": "off"}
    )


class InUseFilterSet(PortalFilterSet):
    """Rows in use unless asked otherwise, also on the first, unfiltered visit."""

    in_use = django_filters.ChoiceFilter(
        label=_("Tình trạng sử dụng"),
        choices=IN_USE_CHOICES,
        empty_label=None,
        null_label=None,
        method="filter_in_use",
    )

    def __init__(self, data=None, *args, **kwargs):
        data = QueryDict(mutable=True) if data is None else data.copy()
        if not data.get("in_use"):
            data["in_use"] = "yes"
        super().__init__(data, *args, **kwargs)

    def filter_in_use(self, queryset, name: str, value: str):
        if value == "all":
            return queryset
        return queryset.filter(is_active=value == "yes")


class StandardFilterSet(InUseFilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=_search_box(_("Số hiệu, tên tiêu chuẩn…")),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại"), choices=StandardKind.choices, empty_label=_("Tất cả")
    )
    third_party_certified = django_filters.ChoiceFilter(
        label=_("Chứng nhận bên thứ ba"),
        choices=[("yes", _("Được chứng nhận")), ("no", _("Không chứng nhận"))],
        empty_label=_("Tất cả"),
        method="filter_certified",
    )

    class Meta:
        model = Standard
        fields = ("q", "kind", "third_party_certified", "in_use")

    def filter_search(self, queryset, name: str, value: str):
        return search_catalogue(queryset, value, "code", "title")

    def filter_certified(self, queryset, name: str, value: str):
        return queryset.filter(third_party_certified=value == "yes")


class CertificationBodyFilterSet(InUseFilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=_search_box(_("Tên, tên viết tắt, số hiệu công nhận…")),
    )
    accreditation = django_filters.ChoiceFilter(
        label=_("Công nhận"),
        choices=[
            ("valid", _("Còn hiệu lực công nhận")),
            ("expired", _("Hết hạn công nhận")),
            ("none", _("Chưa được công nhận")),
        ],
        empty_label=_("Tất cả"),
        method="filter_accreditation",
    )

    class Meta:
        model = CertificationBody
        fields = ("q", "accreditation", "in_use")

    def filter_search(self, queryset, name: str, value: str):
        return search_catalogue(queryset, value, "name", "acronym", "accreditation_number")

    def filter_accreditation(self, queryset, name: str, value: str):
        today = timezone.localdate()
        current = Q(accredited=True) & (
            Q(accredited_until__isnull=True) | Q(accredited_until__gte=today)
        )
        if value == "valid":
            return queryset.filter(current)
        if value == "expired":
            return queryset.filter(accredited=True, accredited_until__lt=today)
        return queryset.filter(accredited=False)
