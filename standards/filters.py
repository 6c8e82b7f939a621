"""Filters of the officers' certificate and adoption lists; exports use the same sets, so a
file holds exactly the rows the list shows."""

from collections.abc import Hashable
from typing import ClassVar

import django_filters
from django import forms
from django.db.models import Q, Value
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises import catalogues
from enterprises.models import AdministrativeUnit, Enterprise, Sector
from laichau_nsc.filters import PortalFilterSet

from .choices import AdoptionStatus, CertificateStatus, ReviewState, StandardKind
from .models import Adoption, Certificate, CertificationBody, Standard

#: The catalogue version (``enterprises.catalogues.version``) renewed when a standard or a
#: certification body changes (``StandardsConfig.ready``).
CATALOGUE = "standards-catalogue"
ARCHIVED_CHOICES = [("no", _("Đang theo dõi")), ("yes", _("Đã lưu trữ")), ("all", _("Tất cả"))]


class DateInput(forms.DateInput):
    """dd/mm/yyyy in a text box, as every date of the portal."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class RecordFilterSet(PortalFilterSet):
    """What adoption and certificate lists share: search by enterprise, standard, kind, unit,
    sector, review state, archived (hidden unless asked for)."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tên, mã số thuế doanh nghiệp…")}
        ),
    )
    standard = django_filters.ModelChoiceFilter(
        label=_("Tiêu chuẩn, công cụ"),
        queryset=Standard.objects.order_by("code"),
        empty_label=_("Tất cả"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại tiêu chuẩn"),
        field_name="standard__kind",
        choices=StandardKind.choices,
        empty_label=_("Tất cả"),
    )
    # The enterprise's current unit for now; the lead switches to the unit of the time later.
    admin_unit = django_filters.ModelChoiceFilter(
        label=_("Đơn vị hành chính"),
        field_name="enterprise__admin_unit",
        queryset=AdministrativeUnit.objects.order_by("-valid_from", "code"),
        empty_label=_("Tất cả"),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Ngành kinh tế"),
        field_name="enterprise__sector",
        queryset=Sector.objects.all(),
        empty_label=_("Tất cả"),
    )
    review_state = django_filters.ChoiceFilter(
        label=_("Tình trạng xác minh"), choices=ReviewState.choices, empty_label=_("Tất cả")
    )
    archived = django_filters.ChoiceFilter(
        label=_("Tình trạng lưu trữ"),
        choices=ARCHIVED_CHOICES,
        empty_label=None,
        null_label=None,
        method="filter_archived",
    )

    def __init__(self, data=None, *args, **kwargs):
        # Archived records are hidden unless asked for, also on the first, unfiltered visit.
        data = QueryDict(mutable=True) if data is None else data.copy()
        if not data.get("archived"):
            data["archived"] = "no"
        super().__init__(data, *args, **kwargs)

    #: Selects drawn from the rows of a catalogue, and the catalogue whose version keys them.
    catalogue_selects: ClassVar[dict[str, str]] = {
        "standard": CATALOGUE,
        "body": CATALOGUE,
        "admin_unit": catalogues.UNITS,
        "sector": catalogues.SECTORS,
    }

    def options_key(self, name: str) -> Hashable | None:
        # The options are made once per catalogue version and language, not read from the
        # database and escaped on every request (the values and their checks do not change).
        language = get_language()
        if name in self.catalogue_selects:
            return (type(self), name, catalogues.version(self.catalogue_selects[name]), language)
        if name in ("kind", "status", "review_state", "archived"):
            return (type(self), name, language)  # fixed choices, translated labels
        return None

    def filter_search(self, queryset, name: str, value: str):
        return queryset.filter(enterprise__in=Enterprise.objects.search(value).values("pk"))

    def filter_archived(self, queryset, name: str, value: str):
        if value == "yes":
            return queryset.filter(is_archived=True)
        if value == "all":
            return queryset
        return queryset.filter(is_archived=False)


class CertificateFilterSet(RecordFilterSet):
    """The officers' certificate list: status on a chosen date (default today), computed by the
    database with the same rules as ``valid_on``; expiring within N days of that date."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Số chứng chỉ, tên, mã số thuế…")}
        ),
    )
    body = django_filters.ModelChoiceFilter(
        label=_("Tổ chức chứng nhận"),
        queryset=CertificationBody.objects.order_by("name"),
        empty_label=_("Tất cả"),
    )
    on = django_filters.DateFilter(
        label=_("Tình trạng vào ngày"),
        method="filter_nothing",
        widget=DateInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=CertificateStatus.choices,
        empty_label=_("Tất cả"),
        method="filter_status",
    )
    expiring_within = django_filters.NumberFilter(
        label=_("Hết hạn trong vòng (ngày)"),
        method="filter_expiring",
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Certificate
        fields = (
            "q",
            "standard",
            "kind",
            "body",
            "admin_unit",
            "sector",
            "on",
            "status",
            "expiring_within",
            "review_state",
            "archived",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Today, read once: the results and the key they are kept under (list_cache) name
        #: the same day, also across midnight.
        self.today = timezone.localdate()

    @property
    def day(self):
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get("on") or self.today

    def filter_search(self, queryset, name: str, value: str):
        enterprises = Enterprise.objects.search(value).values("pk")
        number = value.strip()
        return queryset.filter(Q(enterprise__in=enterprises) | Q(number__iexact=number))

    def filter_nothing(self, queryset, name: str, value):
        return queryset  # the date is read by the status and expiry filters

    def filter_status(self, queryset, name: str, value: str):
        if value == CertificateStatus.VALID:
            return queryset.valid_on(self.day)  # the one definition, as every count uses
        return queryset.verified().with_status_on(self.day).filter(status_on=value)

    def filter_expiring(self, queryset, name: str, value):
        return queryset.expiring_within(int(value), today=self.day)

    def filter_queryset(self, queryset):
        return self.rows_status(super().filter_queryset(queryset))

    def rows_status(self, queryset):
        """``queryset`` annotated with each row's status on the list's day (``status_on``)."""
        data = getattr(self.form, "cleaned_data", None) or {}
        if data.get("expiring_within") is not None or data.get("status") == CertificateStatus.VALID:
            # valid_on(day) chose every row: its status that day is known without asking the
            # periods and suspensions again (four subqueries to build, compile and run).
            return queryset.annotate(status_on=Value(CertificateStatus.VALID))
        return queryset.with_status_on(self.day)


class AdoptionFilterSet(RecordFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng áp dụng"), choices=AdoptionStatus.choices, empty_label=_("Tất cả")
    )
    programme_supported = django_filters.BooleanFilter(
        label=_("Được Chương trình hỗ trợ"),
        widget=forms.Select(choices=[("", _("Tất cả")), ("true", _("Có")), ("false", _("Không"))]),
    )

    class Meta:
        model = Adoption
        fields = (
            "q",
            "standard",
            "kind",
            "admin_unit",
            "sector",
            "status",
            "programme_supported",
            "review_state",
            "archived",
        )
