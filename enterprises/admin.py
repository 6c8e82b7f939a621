from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from laichau_nsc.admin import (
    JobAdmin,
    NormalizingAdminMixin,
    PortalModelAdmin,
    PortalTabularInline,
)

from .models import (
    AdministrativeUnit,
    Enterprise,
    ExportJob,
    Membership,
    Sector,
    SectorCrosswalk,
    UnitAssignment,
    UnitOrigin,
)


class UnitOriginInline(PortalTabularInline):
    model = UnitOrigin
    fk_name = "successor"
    extra = 0
    raw_id_fields = ("predecessor",)
    verbose_name_plural = _("thành lập từ")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(PortalModelAdmin):
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    inlines = [UnitOriginInline]


class CrosswalkInline(PortalTabularInline):
    model = SectorCrosswalk
    fk_name = "source"
    extra = 0
    raw_id_fields = ("target",)
    verbose_name_plural = _("tương ứng trong phiên bản mới")


@admin.register(Sector)
class SectorAdmin(PortalModelAdmin):
    list_display = ("version", "code", "name", "level")
    list_filter = ("version", "level")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    inlines = [CrosswalkInline]


class UnitAssignmentInline(PortalTabularInline):
    model = UnitAssignment
    extra = 0
    raw_id_fields = ("unit",)


@admin.register(Enterprise)
class EnterpriseAdmin(NormalizingAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "tax_code", "legal_form", "admin_unit", "status", "is_archived")
    list_filter = ("legal_form", "status", "is_archived")
    search_fields = ("name", "tax_code")
    raw_id_fields = ("sector", "admin_unit")
    inlines = [UnitAssignmentInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Enterprises are archived from the portal, never deleted.
        return False


@admin.register(Membership)
class MembershipAdmin(NormalizingAdminMixin, SimpleHistoryAdmin):
    list_display = ("full_name", "enterprise", "user", "state", "requested_at", "decided_by")
    list_filter = ("state",)
    raw_id_fields = ("user", "enterprise", "decided_by")


@admin.register(ExportJob)
class ExportJobAdmin(JobAdmin):
    list_display = ("pk", "user", "format", "state", "attempts", "row_count", "created_at")
    list_filter = ("state", "format")
