"""The admin's pages for every model of the standards app.

Records with a history (standards, bodies, adoptions, certificates) are never deleted here: they
are deactivated or archived, like in the portal, and an admin save bumps their version so that an
officer's edit form opened before it is refused instead of overwriting it. What the services
derive from a certificate's events (periods, suspensions, current dates, withdrawal, surveillance
due date) and the reminders the nightly job wrote are shown read-only: changing them here would
contradict the events they come from.
"""

from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from laichau_nsc.admin import JobAdmin, PortalModelAdmin, PortalTabularInline

from .models import (
    Adoption,
    BarcodeExportJob,
    BarcodeFee,
    BarcodeRegistration,
    Certificate,
    CertificateDataChange,
    CertificateEvent,
    CertificateExportJob,
    CertificatePeriod,
    CertificateReminder,
    CertificateSuspension,
    CertificationBody,
    Declaration,
    DeclarationDocument,
    DeclarationRule,
    DeclarationStep,
    LocationNumber,
    Product,
    Standard,
    TraceabilityRecord,
    TraceabilityStage,
)


class HistoryAdmin(SimpleHistoryAdmin, PortalModelAdmin):
    """A model with history: its history page, no deletion, and the version bumped on save."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(PortalModelAdmin):
    """Rows derived or written by the services and jobs: looked at, never typed."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(PortalTabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Standard)
class StandardAdmin(HistoryAdmin):
    list_display = (
        "code",
        "title",
        "kind",
        "third_party_certified",
        "validity_months",
        "superseded_by",
        "is_active",
    )
    list_filter = ("kind", "third_party_certified", "is_active")
    search_fields = ("code", "title")
    raw_id_fields = ("superseded_by",)


@admin.register(CertificationBody)
class CertificationBodyAdmin(HistoryAdmin):
    list_display = (
        "name",
        "acronym",
        "accredited",
        "accredited_by",
        "accredited_until",
        "is_active",
    )
    list_filter = ("accredited", "is_active")
    search_fields = ("name", "acronym", "accreditation_number")


@admin.register(Adoption)
class AdoptionAdmin(HistoryAdmin):
    list_display = ("enterprise", "standard", "status", "review_state", "started_on", "is_archived")
    list_filter = ("status", "review_state", "programme_supported", "is_archived")
    search_fields = ("enterprise__name", "enterprise__tax_code", "standard__code")
    raw_id_fields = ("enterprise", "standard", "reviewed_by")
    list_select_related = ("enterprise", "standard")


class CertificateEventInline(ReadOnlyInline):
    model = CertificateEvent
    fk_name = "certificate"


class CertificatePeriodInline(ReadOnlyInline):
    model = CertificatePeriod


class CertificateSuspensionInline(ReadOnlyInline):
    model = CertificateSuspension


@admin.register(Certificate)
class CertificateAdmin(HistoryAdmin):
    """Certificates are recorded in the portal (their events make their periods): the admin
    corrects what is typed from the paper and never adds one without its issue event."""

    list_display = (
        "number",
        "enterprise",
        "standard",
        "body",
        "issued_on",
        "expires_on",
        "review_state",
        "is_archived",
    )
    list_filter = ("review_state", "is_archived", "standard__kind")
    search_fields = ("number", "enterprise__name", "enterprise__tax_code", "standard__code")
    raw_id_fields = ("enterprise", "standard", "adoption", "body", "reviewed_by")
    list_select_related = ("enterprise", "standard", "body")
    readonly_fields = ("first_issued_on", "issued_on", "expires_on", "last_audit_on")
    inlines = [CertificateEventInline, CertificatePeriodInline, CertificateSuspensionInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CertificateEvent)
class CertificateEventAdmin(ReadOnlyAdmin):
    list_display = ("certificate", "kind", "happened_on", "expires_on", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("certificate__number",)
    list_select_related = ("certificate", "certificate__standard", "recorded_by")


@admin.register(CertificatePeriod)
class CertificatePeriodAdmin(ReadOnlyAdmin):
    list_display = ("certificate", "starts_on", "ends_on")
    search_fields = ("certificate__number",)
    list_select_related = ("certificate", "certificate__standard")


@admin.register(CertificateSuspension)
class CertificateSuspensionAdmin(ReadOnlyAdmin):
    list_display = ("certificate", "starts_on", "ends_on")
    search_fields = ("certificate__number",)
    list_select_related = ("certificate", "certificate__standard")


@admin.register(CertificateReminder)
class CertificateReminderAdmin(ReadOnlyAdmin):
    list_display = ("certificate", "kind", "about_date", "sent_at", "skipped")
    list_filter = ("kind", "skipped")
    search_fields = ("certificate__number",)
    list_select_related = ("certificate", "certificate__standard")


@admin.register(CertificateDataChange)
class CertificateDataChangeAdmin(ReadOnlyAdmin):
    """The certificate list's data version, counted by database triggers (read-only)."""

    list_display = ("xact", "changes", "last")


@admin.register(CertificateExportJob)
class CertificateExportJobAdmin(JobAdmin):
    """Exports of the certificate list, read-only like every job row."""

    list_display = ("pk", "user", "format", "state", "attempts", "row_count", "created_at")
    list_filter = ("state", "format")


# --- Products, barcodes, declarations (issue 8) -------------------------------------------------


@admin.register(BarcodeExportJob)
class BarcodeExportJobAdmin(JobAdmin):
    """Exports of the barcode list, read-only like every job row."""

    list_display = ("pk", "user", "format", "state", "attempts", "row_count", "created_at")
    list_filter = ("state", "format")


class BarcodeFeeInline(PortalTabularInline):
    model = BarcodeFee
    extra = 0


class LocationNumberInline(PortalTabularInline):
    model = LocationNumber
    extra = 0


@admin.register(BarcodeRegistration)
class BarcodeRegistrationAdmin(HistoryAdmin):
    list_display = ("prefix", "enterprise", "registered_on", "declared_on_national_db")
    search_fields = ("prefix", "enterprise__name")
    raw_id_fields = ("enterprise",)
    inlines = [BarcodeFeeInline, LocationNumberInline]


@admin.register(BarcodeFee)
class BarcodeFeeAdmin(PortalModelAdmin):
    list_display = ("registration", "year", "amount", "paid_on")
    raw_id_fields = ("registration",)


@admin.register(LocationNumber)
class LocationNumberAdmin(HistoryAdmin):
    list_display = ("gln", "name", "registration")
    search_fields = ("gln", "name")
    raw_id_fields = ("registration",)


@admin.register(Product)
class ProductAdmin(HistoryAdmin):
    list_display = ("name", "enterprise", "gtin", "category", "is_published", "is_archived")
    list_filter = ("category", "is_published", "is_archived")
    search_fields = ("name", "gtin", "enterprise__name")
    raw_id_fields = ("enterprise", "barcode_registration")


class TraceabilityStageInline(PortalTabularInline):
    model = TraceabilityStage
    extra = 0
    raw_id_fields = ("location",)


@admin.register(TraceabilityRecord)
class TraceabilityRecordAdmin(HistoryAdmin):
    list_display = ("trace_code", "product", "lot", "produced_on", "is_published")
    search_fields = ("trace_code", "lot", "product__name")
    raw_id_fields = ("product",)
    inlines = [TraceabilityStageInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # The product's public page is cached under its updated_at (services_traceability).
        Product.objects.filter(pk=form.instance.product_id).update(updated_at=timezone.now())


@admin.register(TraceabilityStage)
class TraceabilityStageAdmin(SimpleHistoryAdmin, PortalModelAdmin):
    """Stages have a history (who changed them) but no version of their own."""

    list_display = ("record", "position", "what", "where")
    raw_id_fields = ("record", "location")


@admin.register(DeclarationRule)
class DeclarationRuleAdmin(PortalModelAdmin):
    list_display = ("kind", "must_be_filed", "valid_from", "legal_basis")
    list_filter = ("kind", "must_be_filed")


class DeclarationStepInline(ReadOnlyInline):
    model = DeclarationStep


class DeclarationDocumentInline(ReadOnlyInline):
    model = DeclarationDocument


@admin.register(Declaration)
class DeclarationAdmin(HistoryAdmin):
    list_display = ("__str__", "state", "submitted_at", "decision_due_on", "receipt_number")
    list_filter = ("kind", "state")
    search_fields = ("enterprise__name", "receipt_number", "document_number")
    raw_id_fields = ("enterprise", "standard", "certificate")
    filter_horizontal = ("products",)
    inlines = [DeclarationDocumentInline, DeclarationStepInline]


@admin.register(DeclarationStep)
class DeclarationStepAdmin(ReadOnlyAdmin):
    list_display = ("declaration", "from_state", "to_state", "by", "at")


@admin.register(DeclarationDocument)
class DeclarationDocumentAdmin(ReadOnlyAdmin):
    list_display = ("declaration", "title", "uploaded_by", "uploaded_at")
