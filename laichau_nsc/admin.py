"""Admin base classes: the admin's forms and search normalise input like the portal's."""

from django.contrib import admin
from django.db import models

from .forms import PortalModelForm
from .text import normalize_text


class NormalizingAdminMixin:
    """Put first among a ModelAdmin's bases (also before SimpleHistoryAdmin)."""

    form = PortalModelForm
    # "htxtanuyen.vn" typed without a scheme means https, as in the portal's own forms.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_search_results(self, request, queryset, search_term: str):
        return super().get_search_results(request, queryset, normalize_text(search_term))


class PortalModelAdmin(NormalizingAdminMixin, admin.ModelAdmin):
    """The base of our models' admin pages."""


class PortalTabularInline(admin.TabularInline):
    form = PortalModelForm
