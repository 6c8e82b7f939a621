"""What the programme gave: the provincial expert team, and support activities for enterprises
with their amounts by funding source."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laichau_nsc.models import CodeField, NormalizedTextMixin
from laichau_nsc.querysets import ScopedQuerySet

from ..choices import ExpertField, FundingSource, SupportKind


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
    version = models.PositiveIntegerField(editable=False, default=1)

    history = HistoricalRecords()
    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("chuyên gia năng suất chất lượng")
        verbose_name_plural = _("chuyên gia năng suất chất lượng")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("programs:expert_detail", args=[self.pk])

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
    note = models.TextField(_("ghi chú"), blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()
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

    def get_absolute_url(self) -> str:
        return reverse("programs:support_detail", args=[self.pk])


class SupportFunding(NormalizedTextMixin, models.Model):
    """How much of a support activity one source paid, in đồng."""

    activity = models.ForeignKey(SupportActivity, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("nguồn kinh phí"), max_length=20, choices=FundingSource.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))

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
