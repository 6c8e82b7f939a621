"""Filters of the product and barcode registration lists; the barcode export uses the same set,
so a file holds exactly the rows the list shows."""

from collections.abc import Hashable
from typing import ClassVar

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises import catalogues
from enterprises.models import Enterprise
from laichau_nsc.filters import PortalFilterSet, SharedChoices

from .choices import BarcodeStatus, ProductCategory
from .filters import ARCHIVED_CHOICES, DateInput
from .models import BarcodeRegistration, Declaration, Product

YES_NO = [("yes", _("Có")), ("no", _("Không"))]
Q_EMPTY_GTIN = Q(gtin="")
Q_PUBLISHED = Q(is_published=True)


class EnterpriseWhereFilterSet(PortalFilterSet):
    """Filters by the enterprise's administrative unit and sector (from the cached catalogues,
    with the enterprise list's rules: a unit takes the units under it, a unit that has ceased
    every enterprise that was in it), and the archived switch."""

    admin_unit = django_filters.ChoiceFilter(
        label=_("Đơn vị hành chính"), method="filter_admin_unit", empty_label=_("Tất cả")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Ngành kinh tế"), method="filter_sector", empty_label=_("Tất cả")
    )
    archived = django_filters.ChoiceFilter(
        label=_("Tình trạng lưu trữ"),
        choices=ARCHIVED_CHOICES,
        empty_label=None,
        null_label=None,
        method="filter_archived",
    )

    defaults: ClassVar[dict[str, str]] = {"archived": "no"}

    def __init__(self, data: QueryDict | None = None, *args, **kwargs):
        if data is not None and data.get("archived") == "":
            data = data.copy()
            del data["archived"]  # a hand-made "?archived=" means the default, not an error
        super().__init__(data, *args, **kwargs)
        self.filters["admin_unit"].extra["choices"] = SharedChoices(
            catalogues.units().choices(timezone.localdate())
        )
        self.filters["sector"].extra["choices"] = SharedChoices(catalogues.sectors().choices())

    def options_key(self, name: str) -> Hashable | None:
        language = get_language()
        if name == "admin_unit":
            return (catalogues.units(), timezone.localdate(), language)
        if name == "sector":
            return (catalogues.sectors(), language)
        if name in self.fixed_choices:
            return (type(self), name, language)  # fixed choices, translated labels
        return None

    fixed_choices: ClassVar[tuple[str, ...]] = ("archived",)

    def filter_admin_unit(self, queryset, name: str, value: str):
        units = catalogues.units()
        unit = units.get(int(value))
        if unit is None:
            return queryset.none()
        makers = Enterprise.objects.in_units(
            units.subtree(unit.id), history=unit.has_ceased(timezone.localdate())
        )
        return queryset.filter(enterprise__in=makers.values("pk"))

    def filter_sector(self, queryset, name: str, value: str):
        sectors = catalogues.sectors()
        if sectors.get(int(value)) is None:
            return queryset.none()
        return queryset.filter(enterprise__sector_id__in=sectors.subtree(int(value)))

    def filter_archived(self, queryset, name: str, value: str):
        if value == "yes":
            return queryset.filter(is_archived=True)
        if value == "all":
            return queryset
        return queryset.filter(is_archived=False)

    @staticmethod
    def yes_no(queryset, condition, value: str):
        if value == "yes":
            return queryset.filter(condition)
        if value == "no":
            return queryset.exclude(condition)
        return queryset


def _yes_no_filter(label, method: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=label, choices=YES_NO, empty_label=_("Tất cả"), method=method
    )


class ProductFilterSet(EnterpriseWhereFilterSet):
    """The product list: officers and leaders see every enterprise's, an enterprise user its
    own (the view's queryset is scoped); "declared" means a declaration in force today."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tên sản phẩm, GTIN, doanh nghiệp…")}
        ),
    )
    # Set by links (an enterprise's page, a prefix's page), not offered as a list of thousands.
    enterprise = django_filters.ModelChoiceFilter(
        label=_("Doanh nghiệp"), queryset=Enterprise.objects.all(), widget=forms.HiddenInput
    )
    barcode_registration = django_filters.ModelChoiceFilter(
        label=_("Mã doanh nghiệp GS1"),
        queryset=BarcodeRegistration.objects.all(),
        widget=forms.HiddenInput,
    )
    category = django_filters.ChoiceFilter(
        label=_("Nhóm sản phẩm"), choices=ProductCategory.choices, empty_label=_("Tất cả")
    )
    has_gtin = _yes_no_filter(_("Có mã GTIN"), "filter_has_gtin")
    ocop = django_filters.ChoiceFilter(
        label=_("Hạng OCOP"),
        choices=[("any", _("Có xếp hạng OCOP")), *[(str(n), f"{n} ★") for n in range(5, 0, -1)]],
        empty_label=_("Tất cả"),
        method="filter_ocop",
    )
    published = _yes_no_filter(_("Công khai trang truy xuất"), "filter_published")
    declared = _yes_no_filter(_("Có bản công bố còn hiệu lực"), "filter_declared")

    fixed_choices = ("archived", "category", "has_gtin", "ocop", "published", "declared")

    class Meta:
        model = Product
        fields = (
            "q",
            "enterprise",
            "barcode_registration",
            "category",
            "admin_unit",
            "sector",
            "has_gtin",
            "ocop",
            "published",
            "declared",
            "archived",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            # A link naming another enterprise shows nothing, not even its name.
            self.filters["enterprise"].queryset = Enterprise.objects.for_user(user)
            self.filters["barcode_registration"].queryset = BarcodeRegistration.objects.for_user(
                user
            )

    def filter_search(self, queryset, name: str, value: str):
        return queryset.search(value)

    def filter_has_gtin(self, queryset, name: str, value: str):
        return self.yes_no(queryset, ~Q_EMPTY_GTIN, value)

    def filter_ocop(self, queryset, name: str, value: str):
        if value == "any":
            return queryset.filter(ocop_stars__isnull=False)
        return queryset.filter(ocop_stars=int(value))

    def filter_published(self, queryset, name: str, value: str):
        return self.yes_no(queryset, Q_PUBLISHED, value)

    def filter_declared(self, queryset, name: str, value: str):
        in_force = Declaration.objects.in_force_on(timezone.localdate()).filter(
            products=OuterRef("pk")
        )
        return self.yes_no(queryset, Exists(in_force), value)


class BarcodeRegistrationFilterSet(EnterpriseWhereFilterSet):
    """The barcode list: status on a chosen date (default today), computed by the database with
    the rules of ``BarcodeRegistration.status_on``."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Mã doanh nghiệp GS1, tên, mã số thuế…")}
        ),
    )
    on = django_filters.DateFilter(
        label=_("Tình trạng vào ngày"),
        method="filter_nothing",
        widget=DateInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=BarcodeStatus.choices,
        empty_label=_("Tất cả"),
        method="filter_status",
    )
    declared = _yes_no_filter(_("Đã khai báo trên Cổng quốc gia"), "filter_declared")

    fixed_choices = ("archived", "status", "declared")

    class Meta:
        model = BarcodeRegistration
        fields = ("q", "admin_unit", "sector", "on", "status", "declared", "archived")

    @property
    def day(self):
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get("on") or timezone.localdate()

    def filter_search(self, queryset, name: str, value: str):
        from .gs1 import compact

        digits = compact(value)
        makers = Enterprise.objects.search(value).values("pk")
        condition = Q(enterprise__in=makers) | Q(certificate_number__iexact=value.strip())
        if digits.isdigit():
            condition |= Q(prefix__startswith=digits)
        return queryset.filter(condition)

    def filter_nothing(self, queryset, name: str, value):
        return queryset  # the date is read by the status filter and the annotation

    def filter_status(self, queryset, name: str, value: str):
        return queryset.filter(status_on=value)

    def filter_declared(self, queryset, name: str, value: str):
        return self.yes_no(queryset, Q(declared_on_national_db=True), value)

    def filter_queryset(self, queryset):
        # The status is annotated first, so the status filter can read it.
        return super().filter_queryset(queryset.with_status_on(self.day))
