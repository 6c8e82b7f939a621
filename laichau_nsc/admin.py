"""The job runner's rows in the admin: what ran, what waits, what failed and why."""

from django.contrib import admin

from .models import BackgroundJob, JobModel, OutboundEmail

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


class JobAdmin(admin.ModelAdmin):
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
