from collections.abc import Hashable
from typing import ClassVar

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laichau_nsc.filters import PortalFilterSet, SharedChoices

from . import catalogues
from .choices import EnterpriseStatus, LegalForm, MembershipState, SizeClass
from .models import Enterprise, Membership


class EnterpriseFilterSet(PortalFilterSet):
    """Filters of the enterprise list; the export uses the same set, so both show the same rows."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Tên, mã số thuế, người đại diện…"),
                "autocomplete": "off",
            }
        ),
    )
    # Choices from the cached catalogues (set in __init__): no query to draw or check them.
    admin_unit = django_filters.ChoiceFilter(
        label=_("Đơn vị hành chính"), method="filter_admin_unit", empty_label=_("Tất cả")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Ngành kinh tế"), method="filter_sector", empty_label=_("Tất cả")
    )
    legal_form = django_filters.ChoiceFilter(
        label=_("Loại hình"), choices=LegalForm.choices, empty_label=_("Tất cả")
    )
    size_class = django_filters.ChoiceFilter(
        label=_("Quy mô"), choices=SizeClass.choices, empty_label=_("Tất cả")
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=EnterpriseStatus.choices, empty_label=_("Tất cả")
    )
    archived = django_filters.ChoiceFilter(
        label=_("Tình trạng lưu trữ"),
        choices=[("no", _("Đang theo dõi")), ("yes", _("Đã lưu trữ")), ("all", _("Tất cả"))],
        empty_label=None,
        null_label=None,
        method="filter_archived",
    )

    # Archived records are hidden unless asked for.
    defaults: ClassVar[dict[str, str]] = {"archived": "no"}

    class Meta:
        model = Enterprise
        fields = ("q", "admin_unit", "sector", "legal_form", "size_class", "status", "archived")

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("archived") == "":
            data = data.copy()
            del data["archived"]  # a hand-made "?archived=" means the default, not an error
        super().__init__(data, *args, **kwargs)
        self.filters["admin_unit"].extra["choices"] = SharedChoices(
            catalogues.units().choices(timezone.localdate())
        )
        self.filters["sector"].extra["choices"] = SharedChoices(catalogues.sectors().choices())

    def api_form_key(self) -> Hashable | None:
        # The fields are the declared filters', with the choices set in __init__ from these.
        return (catalogues.units(), timezone.localdate(), catalogues.sectors(), get_language())

    def options_key(self, name: str) -> Hashable | None:
        # The catalogues are rebuilt (new objects) whenever units or sectors change.
        language = get_language()
        if name == "admin_unit":
            return (catalogues.units(), timezone.localdate(), language)
        if name == "sector":
            return (catalogues.sectors(), language)
        if name in ("legal_form", "size_class", "status", "archived"):
            return (EnterpriseFilterSet, name, language)  # fixed choices, translated labels
        return None

    def filter_admin_unit(self, queryset, name: str, value: str):
        """The unit and the units under it; for a unit that has ceased, every enterprise that
        was in it (or under it) during its life, wherever it is now."""
        units = catalogues.units()
        unit = units.get(int(value))
        if unit is None:
            return queryset.none()
        return queryset.in_units(
            units.subtree(unit.id), history=unit.has_ceased(timezone.localdate())
        )

    def filter_sector(self, queryset, name: str, value: str):
        """A division, or a section with its divisions."""
        sectors = catalogues.sectors()
        if sectors.get(int(value)) is None:
            return queryset.none()
        return queryset.filter(sector_id__in=sectors.subtree(int(value)))

    def filter_search(self, queryset, name: str, value: str):
        return queryset.search(value)

    def filter_archived(self, queryset, name: str, value: str):
        if value == "yes":
            return queryset.filter(is_archived=True)
        if value == "all":
            return queryset
        return queryset.filter(is_archived=False)


class MembershipFilterSet(PortalFilterSet):
    # The queue shows what waits for a decision unless another state is asked for ("all" is
    # the empty choice, so "?state=" shows every request).
    defaults: ClassVar[dict[str, str]] = {"state": MembershipState.REQUESTED}

    state = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=MembershipState.choices, empty_label=_("Tất cả")
    )

    class Meta:
        model = Membership
        fields = ("state",)
