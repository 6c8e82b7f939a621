"""Filters of the expert list and the support list; their exports use the same sets, so a file
holds exactly the rows the list shows (to the same user)."""

from collections.abc import Hashable

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises import catalogues
from enterprises.models import Enterprise
from laichau_nsc.filters import PortalFilterSet
from laichau_nsc.forms import CodeField
from laichau_nsc.text import fold

from .choices import ExpertField, FundingSource, SupportKind
from .filters_training import ARCHIVED_CHOICES, _year_filter
from .models import Expert, SupportActivity, SupportFunding


class CodeFilter(django_filters.CharFilter):
    """A code typed by hand (a tax code): NFKC-normalised like every code field."""

    field_class = CodeField


ACTIVE_CHOICES = [("yes", _("Đang tham gia")), ("no", _("Đã thôi tham gia"))]


def _filter_archived(queryset, value: str):
    if value == "yes":
        return queryset.filter(is_archived=True)
    if value == "all":
        return queryset
    return queryset.filter(is_archived=False)


class ExpertFilterSet(PortalFilterSet):
    """Experts by words of their name, organisation or qualifications (case and diacritics
    ignored), field, organisation, year recognised, on the team or not; archived for staff."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Họ tên, cơ quan, chứng chỉ…")}
        ),
    )
    field = django_filters.ChoiceFilter(
        label=_("Lĩnh vực"),
        choices=ExpertField.choices,
        empty_label=_("Tất cả"),
        method="filter_field",
    )
    organisation = django_filters.ChoiceFilter(
        label=_("Cơ quan, đơn vị"), empty_label=_("Tất cả"), field_name="organisation"
    )
    certified_year = django_filters.NumberFilter(
        label=_("Năm được công nhận"),
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    active = django_filters.ChoiceFilter(
        label=_("Tham gia"), choices=ACTIVE_CHOICES, empty_label=_("Tất cả"), method="filter_active"
    )
    archived = django_filters.ChoiceFilter(
        label=_("Tình trạng lưu trữ"),
        choices=ARCHIVED_CHOICES,
        empty_label=None,
        null_label=None,
        method="filter_archived",
    )
    defaults = {"archived": "no"}

    class Meta:
        model = Expert
        fields = ("q", "field", "organisation", "certified_year", "active", "archived")

    def __init__(self, data=None, *args, staff: bool = True, **kwargs):
        super().__init__(data, *args, **kwargs)
        # A team of tens: the organisations they come from, as they are written.
        organisations = (
            Expert.objects.exclude(organisation="")
            .order_by("organisation")
            .values_list("organisation", flat=True)
            .distinct()
        )
        self.filters["organisation"].extra["choices"] = [(o, o) for o in organisations]
        if not staff:
            del self.filters["archived"]

    def options_key(self, name: str) -> Hashable | None:
        if name in ("field", "active", "archived"):
            return (ExpertFilterSet, name, get_language())
        return None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "archived" not in self.filters:
            queryset = queryset.filter(is_archived=False)
        return queryset

    def filter_search(self, queryset, name: str, value: str):
        """In the database, on the stored folded text (``Expert.build_search_text``)."""
        words = fold(value)
        if not words:
            return queryset
        return queryset.filter(search_text__contains=words)

    def filter_field(self, queryset, name: str, value: str):
        # The JSON list holds the values quoted: "standards" never matches "productivity_tools".
        return queryset.filter(fields__icontains=f'"{value}"')

    def filter_active(self, queryset, name: str, value: str):
        return queryset.filter(is_active=value == "yes")

    def filter_archived(self, queryset, name: str, value: str):
        return _filter_archived(queryset, value)


class SupportActivityFilterSet(PortalFilterSet):
    """Support by words of its title or its enterprise's name or tax code, year, kind, the
    enterprise's tax code, administrative unit (with the units under it; a former district
    finds the enterprises that were in it), funding source, expert; archived for staff."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nội dung, tên doanh nghiệp, mã số thuế…")}
        ),
    )
    year = _year_filter("provided_on")
    kind = django_filters.ChoiceFilter(
        label=_("Hình thức hỗ trợ"), choices=SupportKind.choices, empty_label=_("Tất cả")
    )
    enterprise = CodeFilter(
        label=_("Mã số thuế doanh nghiệp"),
        method="filter_enterprise",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    admin_unit = django_filters.ChoiceFilter(
        label=_("Đơn vị hành chính"), method="filter_admin_unit", empty_label=_("Tất cả")
    )
    source = django_filters.ChoiceFilter(
        label=_("Nguồn kinh phí"),
        choices=FundingSource.choices,
        empty_label=_("Tất cả"),
        method="filter_source",
    )
    expert = django_filters.ModelChoiceFilter(
        label=_("Chuyên gia"),
        queryset=Expert.objects.order_by("full_name", "pk"),
        empty_label=_("Tất cả"),
        field_name="experts",
    )
    archived = django_filters.ChoiceFilter(
        label=_("Tình trạng lưu trữ"),
        choices=ARCHIVED_CHOICES,
        empty_label=None,
        null_label=None,
        method="filter_archived",
    )
    defaults = {"archived": "no"}

    class Meta:
        model = SupportActivity
        fields = ("q", "year", "kind", "enterprise", "admin_unit", "source", "expert", "archived")

    def __init__(self, data=None, *args, staff: bool = True, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["admin_unit"].extra["choices"] = catalogues.units().choices(
            timezone.localdate()
        )
        if not staff:
            # An enterprise sees the support it received: no other enterprise or unit to pick.
            for name in ("archived", "enterprise", "admin_unit"):
                del self.filters[name]

    def options_key(self, name: str) -> Hashable | None:
        language = get_language()
        if name == "admin_unit":
            return (catalogues.units(), timezone.localdate(), language)
        if name in ("kind", "source", "archived"):
            return (SupportActivityFilterSet, name, language)
        return None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "archived" not in self.filters:
            queryset = queryset.filter(is_archived=False)
        return queryset

    def filter_search(self, queryset, name: str, value: str):
        words = fold(value)
        if not words:
            return queryset
        # The title in the database, on its stored folded text (one query with the rest).
        enterprises = Enterprise.objects.search(value).values("pk")
        return queryset.filter(Q(search_text__contains=words) | Q(enterprise__in=enterprises))

    def filter_enterprise(self, queryset, name: str, value: str):
        return queryset.filter(enterprise__tax_code=value)

    def filter_admin_unit(self, queryset, name: str, value: str):
        units = catalogues.units()
        unit = units.get(int(value))
        if unit is None:
            return queryset.none()
        enterprises = Enterprise.objects.in_units(
            units.subtree(unit.id), history=unit.has_ceased(timezone.localdate())
        )
        return queryset.filter(enterprise__in=enterprises.values("pk"))

    def filter_source(self, queryset, name: str, value: str):
        paid = SupportFunding.objects.filter(activity=OuterRef("pk"), source=value, amount__gt=0)
        return queryset.filter(Exists(paid))

    def filter_archived(self, queryset, name: str, value: str):
        return _filter_archived(queryset, value)
