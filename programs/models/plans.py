"""Plans and targets: the province's plan of a year (document, date, file) with a target per
indicator, and the targets of the 2021–2025 and 2026–2030 periods of the national programme
(Decision 1322/QĐ-TTg); and the values entered by hand for indicators no record backs."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laichau_nsc.files import private_upload_to
from laichau_nsc.models import CodeField, NormalizedTextMixin
from laichau_nsc.querysets import ScopedQuerySet


class StaffOnlyQuerySet(ScopedQuerySet):
    """Officers change, leaders read, enterprises see nothing (``enterprise_field`` unset)."""


class AnnualPlan(NormalizedTextMixin, models.Model):
    """The province's plan for a year of the programme."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    title = models.CharField(_("tên kế hoạch"), max_length=400)
    document_number = CodeField(_("số, ký hiệu văn bản"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    file = models.FileField(
        _("tệp kế hoạch"), upload_to=private_upload_to("plans"), blank=True, max_length=300
    )
    note = models.TextField(_("ghi chú"), blank=True)
    version = models.PositiveIntegerField(editable=False, default=1)

    history = HistoricalRecords(excluded_fields=["file"])
    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch năm")
        verbose_name_plural = _("kế hoạch năm")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("programs:plan_detail", args=[self.year])


class Target(NormalizedTextMixin, models.Model):
    """A target for one indicator: for a year (under that year's plan) or for a period
    (``first_year``–``last_year``, e.g. 2021–2025)."""

    indicator = models.CharField(_("chỉ tiêu"), max_length=60)
    plan = models.ForeignKey(
        AnnualPlan,
        verbose_name=_("kế hoạch năm"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    value = models.DecimalField(_("giá trị chỉ tiêu"), max_digits=18, decimal_places=2)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["indicator", "first_year", "last_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="target_period_valid"
            ),
            models.UniqueConstraint(
                fields=["indicator", "first_year", "last_year"], name="target_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        span = (
            str(self.first_year)
            if self.first_year == self.last_year
            else f"{self.first_year}–{self.last_year}"
        )
        return f"{self.indicator} {span}: {self.value}"


class ManualIndicatorValue(NormalizedTextMixin, models.Model):
    """The value of an indicator no record backs, entered by hand for a year (and marked as such
    in every output), with where it comes from."""

    indicator = models.CharField(_("chỉ tiêu"), max_length=60)
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=2)
    source = models.CharField(_("nguồn số liệu"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now=True)

    history = HistoricalRecords()
    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu nhập tay")
        verbose_name_plural = _("số liệu nhập tay")
        ordering = ["indicator", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="manual_value_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"
