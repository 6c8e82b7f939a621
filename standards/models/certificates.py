"""Adoptions of standards and tools, and certificates whose status follows their periods and
events: ``Certificate.objects.valid_on(day)`` is the one definition of "valid on a day" that every
page, count and report uses."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.choices import ExportFormat
from enterprises.models import Enterprise
from laichau_nsc.files import private_upload_to
from laichau_nsc.models import OPEN_STATES, CodeField, JobModel, NormalizedTextMixin
from laichau_nsc.querysets import ScopedQuerySet

from ..choices import (
    APPLYING_STATUSES,
    AdoptionStatus,
    CertificateEventKind,
    CertificateStatus,
    ReminderKind,
    ReviewState,
)
from .catalogue import CertificationBody, Standard

# --- Adoptions ---------------------------------------------------------------------------------


class AdoptionQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"
    # Enterprise users propose adoptions of their own enterprise (services limit what they set).
    enterprise_may_change = True

    def active(self) -> "AdoptionQuerySet":
        return self.filter(is_archived=False, enterprise__is_archived=False)

    def verified(self) -> "AdoptionQuerySet":
        return self.filter(review_state=ReviewState.VERIFIED)

    def applying_on(self, day: datetime.date) -> "AdoptionQuerySet":
        """Verified adoptions in an applying status whose period covers ``day``."""
        return (
            self.active()
            .verified()
            .filter(
                Q(started_on__isnull=True) | Q(started_on__lte=day),
                Q(ended_on__isnull=True) | Q(ended_on__gte=day),
                status__in=APPLYING_STATUSES,
            )
        )


class Adoption(NormalizedTextMixin, models.Model):
    """An enterprise's adoption of a standard, scheme or productivity tool.

    Officers record adoptions as verified; an enterprise user may propose one, which an officer
    verifies or returns with a reason.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("tiêu chuẩn, công cụ"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    status = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=AdoptionStatus.choices,
        default=AdoptionStatus.IMPLEMENTING,
    )
    started_on = models.DateField(_("bắt đầu từ"), null=True, blank=True)
    ended_on = models.DateField(_("kết thúc ngày"), null=True, blank=True)
    programme_supported = models.BooleanField(
        _("được Chương trình hỗ trợ"),
        default=False,
        help_text=_("Doanh nghiệp được Chương trình năng suất chất lượng hỗ trợ áp dụng."),
    )
    support_note = models.TextField(_("nội dung hỗ trợ"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    review_state = models.CharField(
        _("xác minh"), max_length=10, choices=ReviewState.choices, default=ReviewState.VERIFIED
    )
    review_reason = models.TextField(_("lý do trả lại"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác minh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()
    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("áp dụng tiêu chuẩn, công cụ")
        verbose_name_plural = _("áp dụng tiêu chuẩn, công cụ")
        ordering = ["enterprise", "standard"]
        indexes = [
            models.Index(fields=["standard", "status"], name="adoption_standard_status_idx"),
            models.Index(fields=["enterprise", "standard"], name="adoption_enterprise_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="adoption_period_valid",
            ),
            # One current adoption of a standard per enterprise; earlier ones are archived.
            models.UniqueConstraint(
                fields=["enterprise", "standard"],
                condition=Q(is_archived=False),
                name="adoption_one_current_per_standard",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} – {self.standard}"

    def get_absolute_url(self) -> str:
        return reverse("standards:adoption_detail", args=[self.pk])


# --- Certificates ------------------------------------------------------------------------------


class ExistsPerRow(Exists):
    """``EXISTS`` asked row by row, never hashed.

    PostgreSQL may turn a correlated ``EXISTS`` into a hash of every matching row of the inner
    table, built once per query (a hashed SubPlan): right for a count over all rows, ruinous for
    a list that asks it of a few rows among millions. ``OFFSET 0`` keeps it a per-row probe of
    the index (``simplify_EXISTS_query`` gives up on any OFFSET); other databases ignore it.
    """

    template = "EXISTS(%(subquery)s OFFSET 0)"


class CertificateQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"
    # Enterprise users propose certificates and upload scans; services limit what they set.
    enterprise_may_change = True

    def active(self) -> "CertificateQuerySet":
        return self.filter(is_archived=False, enterprise__is_archived=False)

    def verified(self) -> "CertificateQuerySet":
        return self.filter(review_state=ReviewState.VERIFIED)

    def valid_on(self, day: datetime.date) -> "CertificateQuerySet":
        """Certificates valid on ``day``: the one definition every page, count and report uses.

        Valid means: a validity period covers ``day`` (issued ≤ day ≤ expiry of that issue), not
        withdrawn on or before ``day``, not suspended on ``day`` (a suspension from its date until
        the day before it is lifted), verified by an officer and not archived.
        """
        suspended = CertificateSuspension.objects.filter(
            certificate=OuterRef("pk"), starts_on__lte=day
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        covering = CertificatePeriod.objects.filter(
            certificate=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day
        )
        return (
            self.active()
            .verified()
            .filter(Exists(covering))
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
            .exclude(Exists(suspended))
        )

    def with_status_on(self, day: datetime.date, name: str = "status_on") -> "CertificateQuerySet":
        """Annotate each certificate's status on ``day`` (a ``CertificateStatus`` value).

        The same rules, in the same order, as ``Certificate.status_on`` and ``valid_on`` (which
        also requires the record to be verified and not archived): withdrawn on or before the
        day; else no period covers the day (expired once one has started, not yet valid
        before); else suspended on the day; else valid.
        """
        covering = CertificatePeriod.objects.filter(
            certificate=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day
        )
        started = CertificatePeriod.objects.filter(certificate=OuterRef("pk"), starts_on__lte=day)
        suspended = CertificateSuspension.objects.filter(
            certificate=OuterRef("pk"), starts_on__lte=day
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        status = Case(
            When(withdrawn_on__lte=day, then=Value(CertificateStatus.WITHDRAWN)),
            When(~Exists(covering) & Exists(started), then=Value(CertificateStatus.EXPIRED)),
            When(~Exists(covering), then=Value(CertificateStatus.NOT_YET_VALID)),
            When(Exists(suspended), then=Value(CertificateStatus.SUSPENDED)),
            default=Value(CertificateStatus.VALID),
            output_field=models.CharField(),
        )
        return self.annotate(**{name: status})

    def expiring_within(self, days: int, *, today: datetime.date) -> "CertificateQuerySet":
        """Valid today and expiring within ``days`` days (the current period's end).

        The same rows as ``valid_on(today)`` with the expiry bounds, asked more cheaply: when
        ``today`` falls in the row's clear stretch (``clear_from``..``clear_until``: in a period,
        in no suspension, kept by ``derivation.rebuild``) the periods and suspensions are not
        read; only the other rows are checked against them. The list walks
        ``certificate_expiring_idx`` and decides most rows from the index alone.
        """
        suspended = CertificateSuspension.objects.filter(
            certificate=OuterRef("pk"), starts_on__lte=today
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        covering = CertificatePeriod.objects.filter(
            certificate=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
        )
        clear = Q(clear_from__lte=today, clear_until__gte=today)
        # The holder is not archived (what active() asks by a join): probed in the small partial
        # index of archived enterprises (migration 0011) instead of reading each holder's row.
        holder_archived = Enterprise.objects.filter(pk=OuterRef("enterprise_id"), is_archived=True)
        return (
            self.filter(is_archived=False)
            .exclude(ExistsPerRow(holder_archived))
            .verified()
            .filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days))
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
            .filter(clear | (ExistsPerRow(covering) & ~ExistsPerRow(suspended)))
        )

    def surveillance_overdue(self, *, today: datetime.date) -> "CertificateQuerySet":
        return self.valid_on(today).filter(surveillance_due_on__lt=today)


class Certificate(NormalizedTextMixin, models.Model):
    """A certificate of conformity to a standard, with the fields IAF CertSearch keeps.

    ``issued_on`` / ``expires_on`` are the current validity period and ``first_issued_on`` the
    original issue; every issue and renewal is a ``CertificatePeriod``. ``withdrawn_on``,
    ``surveillance_due_on`` and the periods are derived from the events by the services, never
    typed.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("tiêu chuẩn"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    adoption = models.ForeignKey(
        Adoption,
        verbose_name=_("áp dụng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    number = CodeField(_("số chứng chỉ"), max_length=100)
    body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("tổ chức chứng nhận"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    scope = models.TextField(_("phạm vi chứng nhận"))
    sites = models.TextField(_("địa điểm được chứng nhận"), blank=True)
    first_issued_on = models.DateField(_("ngày cấp lần đầu"))
    issued_on = models.DateField(_("ngày cấp hiện hành"))
    expires_on = models.DateField(_("ngày hết hạn"))
    last_audit_on = models.DateField(_("ngày đánh giá gần nhất"), null=True, blank=True)
    surveillance_due_on = models.DateField(
        _("hạn đánh giá giám sát"), null=True, blank=True, editable=False
    )
    withdrawn_on = models.DateField(_("thu hồi ngày"), null=True, blank=True, editable=False)
    # Derived (derivation.clear_stretch): days of the current period no suspension touches.
    clear_from = models.DateField(null=True, blank=True, editable=False)
    clear_until = models.DateField(null=True, blank=True, editable=False)
    scan = models.FileField(
        _("bản chụp chứng chỉ"),
        upload_to=private_upload_to("certificates"),
        blank=True,
        max_length=300,
    )
    review_state = models.CharField(
        _("xác minh"), max_length=10, choices=ReviewState.choices, default=ReviewState.VERIFIED
    )
    review_reason = models.TextField(_("lý do trả lại"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác minh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["scan", "clear_from", "clear_until"])
    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("chứng chỉ")
        verbose_name_plural = _("chứng chỉ")
        ordering = ["-issued_on", "pk"]
        indexes = [
            models.Index(fields=["expires_on", "standard"], name="certificate_expiry_idx"),
            # The officers' "expiring within N days" list: verified, unarchived certificates in
            # the order it shows them (soonest expiry first), with what ``valid_on`` reads of
            # the row, so its first thousand ids come from the index alone (no sort, no heap).
            models.Index(
                fields=["expires_on", "id"],
                include=["enterprise", "withdrawn_on", "clear_from", "clear_until"],
                condition=Q(is_archived=False, review_state=ReviewState.VERIFIED),
                name="certificate_expiring_idx",
            ),
            models.Index(fields=["enterprise", "standard"], name="certificate_enterprise_idx"),
            models.Index(fields=["standard", "expires_on"], name="certificate_standard_idx"),
            # The public check looks a number up ignoring case (number__iexact is UPPER() = UPPER()
            # on PostgreSQL): without it every lookup reads every certificate.
            models.Index(Upper("number"), name="certificate_number_upper_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("issued_on")), name="certificate_expiry_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(issued_on__gte=F("first_issued_on")),
                name="certificate_current_issue_after_first",
            ),
            # The same number twice at one body is one certificate.
            models.UniqueConstraint(fields=["body", "number"], name="certificate_number_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.standard})"

    def get_absolute_url(self) -> str:
        return reverse("standards:certificate_detail", args=[self.pk])

    def status_on(self, day: datetime.date) -> CertificateStatus:
        """The status on ``day`` from the loaded periods and suspensions (for one record's page;
        lists and counts use ``CertificateQuerySet.valid_on``)."""
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return CertificateStatus.WITHDRAWN
        periods = list(self.periods.all())
        if not any(p.starts_on <= day <= p.ends_on for p in periods):
            started = any(p.starts_on <= day for p in periods)
            return CertificateStatus.EXPIRED if started else CertificateStatus.NOT_YET_VALID
        if any(
            s.starts_on <= day and (s.ends_on is None or day < s.ends_on)
            for s in self.suspensions.all()
        ):
            return CertificateStatus.SUSPENDED
        return CertificateStatus.VALID


class CertificatePeriod(models.Model):
    """One validity period of a certificate (an issue or a renewal), derived from its events.

    Periods of one certificate never overlap: a renewal before expiry ends the earlier period
    the day before.
    """

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="periods")
    starts_on = models.DateField(_("hiệu lực từ"))
    ends_on = models.DateField(_("hiệu lực đến"))

    class Meta:
        verbose_name = _("thời hạn hiệu lực")
        verbose_name_plural = _("thời hạn hiệu lực")
        ordering = ["certificate", "starts_on"]
        indexes = [
            models.Index(fields=["certificate", "starts_on", "ends_on"], name="period_lookup_idx"),
            models.Index(fields=["ends_on", "starts_on"], name="period_range_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"


class CertificateSuspension(models.Model):
    """A suspension of a certificate, from its date until the day before it was lifted."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="suspensions"
    )
    starts_on = models.DateField(_("đình chỉ từ"))
    ends_on = models.DateField(_("hủy đình chỉ ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thời gian đình chỉ")
        verbose_name_plural = _("thời gian đình chỉ")
        ordering = ["certificate", "starts_on"]
        indexes = [models.Index(fields=["certificate", "starts_on"], name="suspension_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="suspension_lifted_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d/%m/%Y} – {self.ends_on or '…'}"


class CertificateEvent(NormalizedTextMixin, models.Model):
    """Something that happened to a certificate, with its date and who recorded it.

    ``issued`` and ``renewed`` carry the expiry of the period they open; ``transferred`` names
    the new certification body. The certificate's periods, suspensions, withdrawal and
    surveillance due date are rebuilt from these events by the services.
    """

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=30, choices=CertificateEventKind.choices)
    happened_on = models.DateField(_("ngày"))
    expires_on = models.DateField(_("hết hạn ngày"), null=True, blank=True)
    to_body = models.ForeignKey(
        CertificationBody,
        verbose_name=_("chuyển sang tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện chứng chỉ")
        verbose_name_plural = _("sự kiện chứng chỉ")
        ordering = ["certificate", "happened_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["issued", "renewed"]) | Q(expires_on__isnull=False),
                name="certificate_event_issue_has_expiry",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("happened_on")),
                name="certificate_event_expiry_after_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on:%d/%m/%Y}"


class CertificateReminder(NormalizedTextMixin, models.Model):
    """A reminder the nightly job sent (or skipped) for a certificate and threshold.

    Unique per certificate, kind and the date it is about (the expiry, or the surveillance due
    date), so a reminder goes out once per threshold even if the job runs twice; on a catch-up
    after missed days only the most urgent threshold is sent and the ones passed are recorded as
    skipped.
    """

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("loại nhắc"), max_length=30, choices=ReminderKind.choices)
    about_date = models.DateField(_("ngày được nhắc"))
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    skipped = models.BooleanField(_("bỏ qua (đã có nhắc gần hơn)"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc hạn chứng chỉ")
        verbose_name_plural = _("nhắc hạn chứng chỉ")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind", "about_date"], name="certificate_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} – {self.get_kind_display()}"


# --- Exports -----------------------------------------------------------------------------------


class CertificateExportJobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> "CertificateExportJobQuerySet":
        """An export belongs to the user who asked for it, and to nobody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


def certificate_export_folder(job: "CertificateExportJob") -> str:
    return f"exports/certificates/{job.created_at:%Y/%m}/{job.pk}"


def certificate_export_upload_to(job: "CertificateExportJob", filename: str) -> str:
    # One folder per try: a run that lost its lease never overwrites the file that is kept.
    return f"{certificate_export_folder(job)}/{job.attempts}/{filename}"


class CertificateExportJob(JobModel):
    """An export of the officers' certificate list, built by the job runner like the
    enterprise export (``enterprises.ExportJob``); ``params`` is the list's query."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_exports"
    )
    format = models.CharField(_("định dạng"), max_length=5, choices=ExportFormat.choices)
    params = models.JSONField(_("điều kiện lọc"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    file = models.FileField(
        _("tệp"), upload_to=certificate_export_upload_to, blank=True, max_length=200
    )

    handler = "standards.services.certificate_export_build"
    dedupe_while_open = True
    pending_notice = _(
        "Đã lưu yêu cầu xuất dữ liệu. Hệ thống xử lý nền đang tạm gián đoạn; tệp sẽ được tạo "
        "tự động khi hệ thống hoạt động trở lại."
    )

    objects = CertificateExportJobQuerySet.as_manager()

    class Meta(JobModel.Meta):
        verbose_name = _("tệp xuất danh sách chứng chỉ")
        verbose_name_plural = _("tệp xuất danh sách chứng chỉ")
        ordering = ["-created_at"]
        # JobModel's index, under a name that fits the 30 characters Django allows.
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=OPEN_STATES),
                name="certificate_export_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="certificate_export_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.created_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("standards:certificate_export_detail", args=[self.pk])

    def get_download_url(self) -> str:
        return reverse("standards:certificate_export_download", args=[self.pk])

    def discard(self, result: dict) -> None:
        if result.get("file"):
            self.file.storage.delete(result["file"])

    def on_done(self, result: dict) -> None:
        """Remove what earlier tries (whose workers died) left in the job's folder."""
        storage, keep = self.file.storage, result.get("file")
        top = certificate_export_folder(self)
        if not storage.exists(top):
            return
        for attempt in storage.listdir(top)[0]:
            for name in storage.listdir(f"{top}/{attempt}")[1]:
                path = f"{top}/{attempt}/{name}"
                if path != keep:
                    storage.delete(path)


class CertificateDataChange(models.Model):
    """The version of what the certificate list shows, kept by the database itself.

    Triggers (migration 0013) on the certificates, their periods and suspensions, the
    enterprises, units, sectors, standards and certification bodies count every statement that
    writes them, whoever runs it (services, bulk updates, imports, the admin, raw SQL, COPY). On
    PostgreSQL each writing transaction counts in a row of its own (``xact``), so concurrent
    writers never wait for each other; its first statement takes over the rows of transactions
    already committed, keeping the table a few rows long. ``standards.list_cache.data_version``
    reads (sum of ``changes``, greatest ``last``): the sum grows with every change a reader can
    see, and ``last`` (a sequence, never handed out twice) tells apart the changes of two
    transactions rolled back. SQLite (tests) keeps one row, counted by row triggers.
    """

    xact = models.BigIntegerField(primary_key=True)
    changes = models.BigIntegerField(default=0)
    last = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên bản dữ liệu chứng chỉ")
        verbose_name_plural = _("phiên bản dữ liệu chứng chỉ")

    def __str__(self) -> str:
        return f"{self.xact}: {self.changes}"
