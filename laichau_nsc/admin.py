"""Admin base classes (the admin's forms and search normalise input like the portal's), and the
job runner's rows: what ran, what waits, what failed and why."""

from django.contrib import admin
from django.db import models

from .forms import PortalModelForm
from .models import BackgroundJob, CalendarException, JobModel, OutboundEmail
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


JOB_FIELDS = (
    "state",
    "attempts",
    "progress",
    "error",
    "created_at",
    "run_after",
    "dispatched_at",
    "started_at",
    "finished_at",
    "lease_owner",
    "lease_expires_at",
)


class JobAdmin(PortalModelAdmin):
    """Read-only: jobs change state only through the runner."""

    list_filter = ("state",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj: JobModel | None = None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(JobAdmin):
    list_display = ("subject", "recipients", "state", "attempts", "created_at", "finished_at")
    search_fields = ("subject", "to")

    @admin.display(description="người nhận")
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)


@admin.register(BackgroundJob)
class BackgroundJobAdmin(JobAdmin):
    list_display = ("function", "state", "attempts", "created_at", "finished_at")
    search_fields = ("function",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(PortalModelAdmin):
    """Days off and make-up working days the government announces each year; the working-day
    deadlines of declarations follow them."""

    list_display = ("day", "is_working_day", "reason")
    list_filter = ("is_working_day",)
    date_hierarchy = "day"
