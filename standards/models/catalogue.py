"""The catalogue: standards, schemes, regulations and productivity tools, and certification
bodies with their accreditation."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laichau_nsc.models import CodeField, NormalizedTextMixin
from laichau_nsc.querysets import ScopedQuerySet

from ..choices import (
    StandardKind,
)

# --- Catalogue ---------------------------------------------------------------------------------


class StandardQuerySet(ScopedQuerySet):
    """The catalogue is public knowledge: every signed-in role reads it; officers change it."""

    def for_user(self, user, action="view"):
        if action == "view" and user.is_authenticated:
            return self.all()
        return super().for_user(user, action)

    def active(self) -> "StandardQuerySet":
        return self.filter(is_active=True)

    def certifiable(self) -> "StandardQuerySet":
        return self.filter(third_party_certified=True)


class Standard(NormalizedTextMixin, models.Model):
    """A standard, certification scheme, regulation or productivity tool an enterprise can adopt.

    ``validity_months`` bounds a certificate's validity under the scheme (36 for ISO management
    systems); ``superseded_by`` points at the edition that replaced it.
    """

    code = CodeField(_("số hiệu"), max_length=100, unique=True)
    title = models.CharField(_("tên"), max_length=400)
    kind = models.CharField(_("loại"), max_length=30, choices=StandardKind.choices)
    third_party_certified = models.BooleanField(
        _("được tổ chức bên thứ ba chứng nhận"), default=False
    )
    validity_months = models.PositiveSmallIntegerField(
        _("thời hạn chứng chỉ tối đa (tháng)"), null=True, blank=True
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    version = models.PositiveIntegerField(editable=False, default=1)

    history = HistoricalRecords()
    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiêu chuẩn, công cụ")
        verbose_name_plural = _("tiêu chuẩn, công cụ")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(validity_months__gt=0),
                name="standard_validity_positive",
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=F("pk")), name="standard_not_superseded_by_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("catalogue:standard_detail", args=[self.pk])

    def clean(self) -> None:
        """A validity only for what a third party certifies; no cycle of supersession; not
        "no third party certifies it" while certificates of it are recorded."""
        errors: dict[str, str] = {}
        if self.validity_months is not None and not self.third_party_certified:
            errors["validity_months"] = _(
                "Chỉ ghi thời hạn chứng chỉ cho tiêu chuẩn được tổ chức bên thứ ba chứng nhận."
            )
        if self.pk and not self.third_party_certified and self.certificates.exists():
            errors["third_party_certified"] = _(
                "Đã có chứng chỉ theo tiêu chuẩn này, nên không thể ghi là không được tổ chức "
                "bên thứ ba chứng nhận."
            )
        if self.pk is not None and self.pk in self.successor_ids():
            errors["superseded_by"] = _(
                "Không thể chọn: tiêu chuẩn được chọn (trực tiếp hoặc qua các phiên bản sau) "
                "lại được thay thế bởi chính tiêu chuẩn này, tạo thành vòng thay thế khép kín."
            )
        if errors:
            raise ValidationError(errors)

    def successor_ids(self, limit: int = 50) -> list[int]:
        """Ids of the editions that replace ``superseded_by`` in turn (one query per edition;
        chains are a few editions long, ``limit`` bounds a corrupt one)."""
        ids: list[int] = []
        current = self.superseded_by_id
        while current is not None and current not in ids and len(ids) < limit:
            ids.append(current)
            current = (
                Standard.objects.filter(pk=current)
                .values_list("superseded_by_id", flat=True)
                .first()
            )
        return ids


class CertificationBodyQuerySet(StandardQuerySet):
    pass


class CertificationBody(NormalizedTextMixin, models.Model):
    """An organisation that certifies management systems or products, and its accreditation."""

    name = models.CharField(_("tên tổ chức"), max_length=300)
    acronym = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = CodeField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang web"), blank=True)
    accredited = models.BooleanField(_("được công nhận"), default=False)
    accredited_by = models.CharField(
        _("tổ chức công nhận"), max_length=200, blank=True, help_text=_("Ví dụ: BoA (VICAS).")
    )
    accreditation_number = CodeField(_("số hiệu công nhận"), max_length=50, blank=True)
    accredited_until = models.DateField(_("công nhận đến ngày"), null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    version = models.PositiveIntegerField(editable=False, default=1)

    history = HistoricalRecords()
    objects = CertificationBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ chức chứng nhận")
        verbose_name_plural = _("tổ chức chứng nhận")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="certification_body_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:body_detail", args=[self.pk])

    def clean(self) -> None:
        """An accreditation names who accredited; no accreditation, no accreditation details."""
        if self.accredited and not self.accredited_by:
            raise ValidationError(
                {"accredited_by": _("Ghi tên tổ chức công nhận, ví dụ BoA (VICAS).")}
            )
        if not self.accredited:
            given = [
                name
                for name in ("accredited_by", "accreditation_number", "accredited_until")
                if getattr(self, name)
            ]
            if given:
                message = _("Tổ chức chưa được công nhận thì không ghi thông tin công nhận.")
                raise ValidationError(dict.fromkeys(given, message))

    def accreditation_expired_on(self, day: datetime.date) -> bool:
        """Accredited once, but the accreditation ran out before ``day``."""
        return self.accredited and self.accredited_until is not None and day > self.accredited_until

    def accredited_on(self, day: datetime.date) -> bool:
        return self.accredited and (self.accredited_until is None or day <= self.accredited_until)
