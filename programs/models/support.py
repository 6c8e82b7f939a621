"""What the programme gave: the provincial expert team, and support activities for enterprises
with their amounts by funding source."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.choices import ExportFormat
from laichau_nsc.files import private_upload_to
from laichau_nsc.models import OPEN_STATES, CodeField, JobModel, NormalizedTextMixin
from laichau_nsc.querysets import ScopedQuerySet
from laichau_nsc.text import fold

from ..choices import ExpertField, FundingSource, SupportExportSubject, SupportKind


class ExpertQuerySet(ScopedQuerySet):
    """The expert team is public within the portal: every signed-in role reads it."""

    def for_user(self, user, action="view"):
        if action == "view" and user.is_authenticated:
            return self.all()
        return super().for_user(user, action)

    def active(self) -> "ExpertQuerySet":
        return self.filter(is_active=True)


class Expert(NormalizedTextMixin, models.Model):
    """A member of the provincial productivity and quality expert team."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    organisation = models.CharField(_("cơ quan, đơn vị"), max_length=300, blank=True)
    #: ``ExpertField`` values (a list: an expert may cover several fields).
    fields = models.JSONField(_("lĩnh vực"), default=list, blank=True)
    qualifications = models.TextField(_("trình độ, chứng chỉ"), blank=True)
    certified_year = models.PositiveSmallIntegerField(
        _("năm được công nhận chuyên gia"), null=True, blank=True
    )
    phone = CodeField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    joined_on = models.DateField(_("tham gia từ"), null=True, blank=True)
    left_on = models.DateField(_("thôi tham gia từ"), null=True, blank=True)
    is_active = models.BooleanField(_("đang tham gia"), default=True)
    #: Archived: entered by mistake or withdrawn from the records (not "left the team", which is
    #: ``is_active``); hidden from enterprise users, kept with its history.
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    #: Name, organisation and qualifications folded (``build_search_text``): the list search
    #: matches it in the database (trigram index on PostgreSQL).
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("chuyên gia năng suất chất lượng")
        verbose_name_plural = _("chuyên gia năng suất chất lượng")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text(
            self.full_name, self.organisation, self.qualifications
        )
        update_fields = kwargs.get("update_fields")
        if update_fields and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("programs:expert_detail", args=[self.pk])

    @staticmethod
    def build_search_text(full_name: str, organisation: str, qualifications: str) -> str:
        """The folded text the expert search matches; bulk loaders call this too."""
        return fold(" ".join(p for p in (full_name, organisation, qualifications) if p))

    def field_labels(self) -> list[str]:
        labels = dict(ExpertField.choices)
        return [str(labels.get(f, f)) for f in self.fields]


class SupportActivityQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"

    def active(self) -> "SupportActivityQuerySet":
        return self.filter(is_archived=False)


class SupportActivity(NormalizedTextMixin, models.Model):
    """Support the programme gave one enterprise: consulting, co-funding a certification or a
    productivity tool (linked to the adoption it supported), training, a study tour…, on a date,
    approved by a decision, paid from one or more sources (``SupportFunding``)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        on_delete=models.PROTECT,
        related_name="support_activities",
    )
    kind = models.CharField(_("hình thức hỗ trợ"), max_length=30, choices=SupportKind.choices)
    title = models.CharField(_("nội dung"), max_length=300)
    provided_on = models.DateField(_("ngày hỗ trợ"))
    adoption = models.ForeignKey(
        "standards.Adoption",
        verbose_name=_("áp dụng được hỗ trợ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_activities",
    )
    course = models.ForeignKey(
        "programs.TrainingCourse",
        verbose_name=_("khóa đào tạo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_activities",
    )
    experts = models.ManyToManyField(
        Expert, verbose_name=_("chuyên gia tư vấn"), blank=True, related_name="support_activities"
    )
    decision_number = CodeField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_file = models.FileField(
        _("tệp quyết định"),
        upload_to=private_upload_to("support-decisions"),
        blank=True,
        max_length=300,
    )
    note = models.TextField(_("ghi chú"), blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    #: The title folded (``build_search_text``): the list search matches it in the database.
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(excluded_fields=["decision_file", "search_text"])
    objects = SupportActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("hoạt động hỗ trợ")
        verbose_name_plural = _("hoạt động hỗ trợ")
        ordering = ["-provided_on", "pk"]
        indexes = [
            models.Index(fields=["provided_on", "kind"], name="support_date_kind_idx"),
            models.Index(fields=["enterprise", "provided_on"], name="support_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.enterprise}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("programs:support_detail", args=[self.pk])

    @staticmethod
    def build_search_text(title: str) -> str:
        """The folded text the support search matches; bulk loaders call this too."""
        return fold(title)


class SupportFunding(NormalizedTextMixin, models.Model):
    """How much of a support activity one source paid, in đồng."""

    activity = models.ForeignKey(SupportActivity, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("nguồn kinh phí"), max_length=20, choices=FundingSource.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))

    #: A change of the amounts is kept like any other edit (the activity's version bumps too).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kinh phí hỗ trợ theo nguồn")
        verbose_name_plural = _("kinh phí hỗ trợ theo nguồn")
        ordering = ["activity", "source"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "source"], name="funding_once_per_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount}"


class SupportExportJobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> "SupportExportJobQuerySet":
        """An export belongs to the user who asked for it, and to nobody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


def support_export_folder(job: "SupportExportJob") -> str:
    return f"exports/support/{job.created_at:%Y/%m}/{job.pk}"


def support_export_upload_to(job: "SupportExportJob", filename: str) -> str:
    # One folder per try: a run that lost its lease never overwrites the file that is kept.
    return f"{support_export_folder(job)}/{job.attempts}/{filename}"


class SupportExportJob(JobModel):
    """An export of the expert list or of the support list (XLSX or CSV) built by the job
    runner. ``params`` is the list's query; the rows are those the asking user may see."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_exports"
    )
    subject = models.CharField(_("danh sách"), max_length=12, choices=SupportExportSubject.choices)
    format = models.CharField(_("định dạng"), max_length=5, choices=ExportFormat.choices)
    params = models.JSONField(_("điều kiện lọc"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    file = models.FileField(
        _("tệp"), upload_to=support_export_upload_to, blank=True, max_length=200
    )

    handler = "programs.services_support.support_export_build"
    dedupe_while_open = True
    pending_notice = _(
        "Đã lưu yêu cầu xuất dữ liệu. Hệ thống xử lý nền đang tạm gián đoạn; tệp sẽ được tạo "
        "tự động khi hệ thống hoạt động trở lại."
    )

    objects = SupportExportJobQuerySet.as_manager()

    class Meta(JobModel.Meta):
        verbose_name = _("tệp xuất danh sách chuyên gia, hỗ trợ")
        verbose_name_plural = _("tệp xuất danh sách chuyên gia, hỗ trợ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=OPEN_STATES),
                name="support_export_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="support_export_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        when = f"{self.created_at:%d/%m/%Y %H:%M}"
        return f"{self.get_subject_display()} {self.get_format_display()} {when}"

    def get_absolute_url(self) -> str:
        return reverse("programs:support_export_detail", args=[self.pk])

    def get_download_url(self) -> str:
        return reverse("programs:support_export_download", args=[self.pk])

    def get_list_url(self) -> str:
        name = "expert_list" if self.subject == SupportExportSubject.EXPERTS else "support_list"
        return reverse(f"programs:{name}")

    def discard(self, result: dict) -> None:
        if result.get("file"):
            self.file.storage.delete(result["file"])

    def on_done(self, result: dict) -> None:
        """Remove what earlier tries (whose workers died) left in the job's folder."""
        storage, keep = self.file.storage, result.get("file")
        top = support_export_folder(self)
        if not storage.exists(top):
            return
        for attempt in storage.listdir(top)[0]:
            for name in storage.listdir(f"{top}/{attempt}")[1]:
                path = f"{top}/{attempt}/{name}"
                if path != keep:
                    storage.delete(path)
