"""The admin's pages for the programs app. Each part registers its models in its own block.

Training records are read here, never typed: a course's dates must hold its sessions, an
enrolment's ``person_key`` follows its name and phone, seats and completion numbers are checked
under the course's lock. Only the portal's services keep those rules, so the admin shows courses,
sessions, enrolments, attendance and export jobs read-only (with their history), and deletes
nothing.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from laichau_nsc.admin import JobAdmin, PortalModelAdmin, PortalTabularInline

from .models import (
    Attendance,
    CourseSession,
    Enrollment,
    EnrollmentExportJob,
    Expert,
    ReportNarrative,
    ReportRun,
    SupportActivity,
    SupportExportJob,
    SupportFunding,
    TrainingCourse,
    YearApproval,
)

#: Bookkeeping columns the admin never shows (the folded search text).
HIDDEN_FIELDS = frozenset({"search_text"})


class ReadOnlyAdmin(PortalModelAdmin):
    """Rows written by the portal's services: looked at, never typed here."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in HIDDEN_FIELDS]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Read-only, with the record's history page."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in HIDDEN_FIELDS]


class ReadOnlyInline(PortalTabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# --- Training -----------------------------------------------------------------------------------


class CourseSessionInline(ReadOnlyInline):
    model = CourseSession


@admin.register(TrainingCourse)
class TrainingCourseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "topic", "starts_on", "ends_on", "place", "capacity", "is_archived")
    list_filter = ("topic", "enrolment_open", "is_archived")
    search_fields = ("title", "place", "organiser")
    date_hierarchy = "starts_on"
    inlines = (CourseSessionInline,)


@admin.register(CourseSession)
class CourseSessionAdmin(ReadOnlyAdmin):
    list_display = ("course", "day", "title")
    list_select_related = ("course",)
    search_fields = ("course__title", "title")
    date_hierarchy = "day"


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("full_name", "phone", "enterprise", "course", "state", "completion_number")
    list_filter = ("state",)
    list_select_related = ("course", "enterprise")
    search_fields = ("full_name", "phone", "person_key", "enterprise__name", "course__title")
    raw_id_fields = ("course", "enterprise", "enrolled_by")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("enrollment", "session", "present", "recorded_by", "recorded_at")
    list_filter = ("present",)
    list_select_related = ("enrollment__course", "session__course", "recorded_by")
    search_fields = ("enrollment__full_name", "session__course__title")


@admin.register(EnrollmentExportJob)
class EnrollmentExportJobAdmin(JobAdmin):
    list_display = ("user", "format", "state", "row_count", "created_at", "finished_at")
    list_select_related = ("user",)


# --- Experts and support: read-only too (funding must add up, adoptions belong to the enterprise,
# versions are checked: only ``services_support`` keeps those rules) ------------------------------


@admin.register(Expert)
class ExpertAdmin(ReadOnlyHistoryAdmin):
    list_display = ("full_name", "organisation", "certified_year", "is_active", "is_archived")
    list_filter = ("is_active", "is_archived", "certified_year")
    search_fields = ("full_name", "organisation", "qualifications")


class SupportFundingInline(ReadOnlyInline):
    model = SupportFunding


@admin.register(SupportActivity)
class SupportActivityAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "enterprise", "kind", "provided_on", "decision_number", "is_archived")
    list_filter = ("kind", "is_archived")
    list_select_related = ("enterprise",)
    search_fields = ("title", "enterprise__name", "enterprise__tax_code", "decision_number")
    date_hierarchy = "provided_on"
    raw_id_fields = ("enterprise", "adoption", "course")
    inlines = (SupportFundingInline,)


@admin.register(SupportExportJob)
class SupportExportJobAdmin(JobAdmin):
    list_display = ("user", "subject", "format", "state", "row_count", "created_at", "finished_at")
    list_select_related = ("user",)


# --- The yearly report ---------------------------------------------------------------------------


@admin.register(ReportRun)
class ReportRunAdmin(JobAdmin):
    list_display = ("year", "requested_by", "state", "progress", "created_at", "finished_at")
    list_filter = ("state", "year")
    list_select_related = ("requested_by",)


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(ReadOnlyHistoryAdmin):
    """Written on the report's page (versioned there)."""

    list_display = ("year", "document_number", "issued_on", "signer_name", "updated_at")


@admin.register(YearApproval)
class YearApprovalAdmin(ReadOnlyHistoryAdmin):
    """Approved, asked to reopen and reopened on the report's page, each step notified."""

    list_display = ("year", "state", "approved_by", "approved_at", "reopen_requested_at")
    list_filter = ("state",)
