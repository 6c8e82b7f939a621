"""The yearly report, its approval by a leader, and the summaries the dashboard reads.

- ``ReportNarrative``: what officers write for a year's report (sections I–III, recipients,
  signature) before generating it; the figures come from the indicators, never typed.
- ``ReportRun``: one build of the yearly report by the job runner: XLSX tables, DOCX in the
  administrative format of Decree 30/2020/NĐ-CP, PDF; ``snapshot`` holds every figure used.
- ``YearApproval``: a leader's approval of a year's figures (DHIS2's data approval): the snapshot
  is frozen; later changes to records of that year are flagged; an officer can ask to reopen.
- ``IndicatorSummary``: the indicators of a year with their breakdowns, as last computed by the
  job runner, which the dashboard reads instead of scanning the big tables per request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laichau_nsc.models import OPEN_STATES, CodeField, JobModel, NormalizedTextMixin

from .plans import StaffOnlyQuerySet


class ReportNarrative(NormalizedTextMixin, models.Model):
    """The words of a year's report, written by officers in the portal."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    document_number = CodeField(
        _("số, ký hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 125/BC-SKHCN")
    )
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=400, blank=True)
    introduction = models.TextField(_("căn cứ, mở đầu"), blank=True)
    results = models.TextField(_("I. Kết quả thực hiện (phần lời)"), blank=True)
    assessment = models.TextField(_("II. Đánh giá"), blank=True)
    next_year = models.TextField(_("III. Nhiệm vụ năm sau"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    signer_authority = models.CharField(
        _("quyền hạn người ký"), max_length=100, blank=True, help_text=_("Ví dụ: KT. GIÁM ĐỐC")
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=150, blank=True)
    version = models.PositiveIntegerField(editable=False, default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()
    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("nội dung báo cáo năm")
        verbose_name_plural = _("nội dung báo cáo năm")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.title or _('Báo cáo')} {self.year}"


def report_folder(run: "ReportRun") -> str:
    return f"reports/{run.year}/{run.pk}"


def report_upload_to(run: "ReportRun", filename: str) -> str:
    # One folder per try: a build that lost its lease never overwrites the files that are kept.
    return f"{report_folder(run)}/{run.attempts}/{filename}"


class ReportRunQuerySet(StaffOnlyQuerySet):
    """Officers and leaders see every report; enterprises none."""


class ReportRun(JobModel):
    """One build of a year's report by the job runner."""

    year = models.PositiveSmallIntegerField(_("năm"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="report_runs",
    )
    #: Every figure the report used, as computed when it was built (indicator code → value,
    #: target, source and breakdowns), and the narrative's words.
    snapshot = models.JSONField(_("số liệu sử dụng"), default=dict, blank=True)
    xlsx = models.FileField(
        _("bảng số liệu (XLSX)"), upload_to=report_upload_to, blank=True, max_length=300
    )
    docx = models.FileField(
        _("báo cáo (DOCX)"), upload_to=report_upload_to, blank=True, max_length=300
    )
    pdf = models.FileField(
        _("báo cáo (PDF)"), upload_to=report_upload_to, blank=True, max_length=300
    )

    handler = "programs.reports.report_build"
    # A double click, or a second officer asking while one build runs, gets that build.
    dedupe_while_open = True

    objects = ReportRunQuerySet.as_manager()

    class Meta(JobModel.Meta):
        verbose_name = _("báo cáo năm đã tạo")
        verbose_name_plural = _("báo cáo năm đã tạo")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=OPEN_STATES),
                name="report_run_open",
            ),
            models.Index(fields=["year", "-created_at"], name="report_run_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="report_run_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{_('Báo cáo năm')} {self.year} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("programs:report_detail", args=[self.pk])

    def discard(self, result: dict) -> None:
        """A build that lost its lease: delete the files it wrote."""
        storage = self.xlsx.storage
        for name in (result.get(f) for f in ("xlsx", "docx", "pdf")):
            if name:
                storage.delete(name)

    def on_done(self, result: dict) -> None:
        """Remove what earlier tries (whose workers died) left in the run's folder."""
        storage = self.xlsx.storage
        keep = {result.get(f) for f in ("xlsx", "docx", "pdf")}
        top = report_folder(self)
        if not storage.exists(top):
            return
        for attempt in storage.listdir(top)[0]:
            for name in storage.listdir(f"{top}/{attempt}")[1]:
                path = f"{top}/{attempt}/{name}"
                if path not in keep:
                    storage.delete(path)


class ApprovalState(models.TextChoices):
    APPROVED = "approved", _("Đã phê duyệt")
    REOPEN_REQUESTED = "reopen_requested", _("Đề nghị mở lại")
    REOPENED = "reopened", _("Đã mở lại")


class YearApproval(NormalizedTextMixin, models.Model):
    """A leader's approval of a year's figures: the snapshot is frozen here."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    state = models.CharField(_("trạng thái"), max_length=20, choices=ApprovalState.choices)
    snapshot = models.JSONField(_("số liệu đã phê duyệt"), default=dict)
    report = models.ForeignKey(
        ReportRun,
        verbose_name=_("báo cáo được phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), default=timezone.now)
    reopen_reason = models.TextField(_("lý do đề nghị mở lại"), blank=True)
    reopen_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị mở lại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopen_requested_at = models.DateTimeField(_("đề nghị lúc"), null=True, blank=True)
    version = models.PositiveIntegerField(editable=False, default=1)

    history = HistoricalRecords()
    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("phê duyệt số liệu năm")
        verbose_name_plural = _("phê duyệt số liệu năm")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_state_display()}"

    @property
    def is_frozen(self) -> bool:
        """The figures shown for the year are the snapshot's (approved, or a reopen asked for
        but not granted)."""
        return self.state in (ApprovalState.APPROVED, ApprovalState.REOPEN_REQUESTED)


class IndicatorSummary(NormalizedTextMixin, models.Model):
    """One figure of a year as last computed by the summary job: an indicator's total
    (``breakdown`` empty) or one group of a breakdown (unit, sector, standard, source)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    indicator = models.CharField(_("chỉ tiêu"), max_length=60)
    breakdown = models.CharField(_("phân tổ"), max_length=20, blank=True)
    key = models.CharField(_("nhóm"), max_length=100, blank=True)
    label = models.CharField(_("tên nhóm"), max_length=300, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=2)
    #: On the total row only: the year's target and where the value comes from ("computed",
    #: "entered" by hand, or "missing"), as the snapshot said.
    target = models.DecimalField(
        _("chỉ tiêu kế hoạch"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("nguồn"), max_length=20, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    # Officers and leaders read the summaries; enterprises never.
    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        ordering = ["year", "indicator", "breakdown", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "indicator", "breakdown", "key"], name="summary_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.indicator} {self.breakdown}:{self.key} = {self.value}"


class SummaryState(models.Model):
    """How fresh a year's summaries are: when they were computed and whether a record of that
    year changed since (then a rebuild job is queued)."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    computed_at = models.DateTimeField(_("tính lúc"), null=True, blank=True)
    changed_at = models.DateTimeField(_("có thay đổi lúc"), null=True, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tình trạng số liệu tổng hợp")
        verbose_name_plural = _("tình trạng số liệu tổng hợp")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_stale(self) -> bool:
        return self.computed_at is None or (
            self.changed_at is not None and self.changed_at > self.computed_at
        )
