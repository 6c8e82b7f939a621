"""Declarations of standards and of conformity, and the Department's procedure for them.

- Published company standards (TCCS, Circular 11/2021/TT-BKHCN) and self-declared applied
  standards are recorded with their document.
- Declarations of conformity (hợp chuẩn to a TCVN, hợp quy to a QCVN; Circular 28/2012/TT-BKHCN
  as amended) are filed where the rules in force say so (``DeclarationRule``): draft → submitted
  → supplement requested (15 working days to answer, else cancelled) → accepted (receipt notice
  number and date; valid until the basis certificate expires or 3 years) / rejected with
  reasons. The officer has 5 working days once the dossier is complete. "Expired" is not a
  stored state: an accepted declaration is expired once ``valid_until`` has passed.

Every step is a ``DeclarationStep`` row: who, when, from which state to which, why.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laichau_nsc.files import private_upload_to
from laichau_nsc.models import CodeField, NormalizedTextMixin
from laichau_nsc.querysets import ScopedQuerySet

from ..choices import DeclarationBasis, DeclarationKind, DeclarationState

OPEN_STATES = (DeclarationState.SUBMITTED, DeclarationState.SUPPLEMENT_REQUESTED)


class DeclarationRule(NormalizedTextMixin, models.Model):
    """Whether a kind of declaration is filed with the Department (and reviewed) or only
    recorded, from a date: the rules changed over the years, and an old declaration is judged by
    the rule in force when it was made."""

    kind = models.CharField(_("loại công bố"), max_length=30, choices=DeclarationKind.choices)
    must_be_filed = models.BooleanField(_("phải nộp hồ sơ cho Sở"))
    valid_from = models.DateField(_("áp dụng từ"))
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quy định về công bố")
        verbose_name_plural = _("quy định về công bố")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="declaration_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.valid_from:%d/%m/%Y})"


class DeclarationQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"
    # Enterprise users file their own declarations; the services decide what they may change.
    enterprise_may_change = True

    def active(self) -> "DeclarationQuerySet":
        return self.filter(is_archived=False, enterprise__is_archived=False)

    def in_force_on(self, day: datetime.date) -> "DeclarationQuerySet":
        """Accepted (or recorded) and not yet expired on ``day``: the one definition of a
        declaration in force."""
        return self.active().filter(
            Q(state=DeclarationState.ACCEPTED) | Q(state=DeclarationState.RECORDED),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            effective_on__lte=day,
        )

    def overdue_on(self, day: datetime.date) -> "DeclarationQuerySet":
        """Waiting for the Department past its deadline (5 working days after the dossier was
        complete)."""
        return self.active().filter(state=DeclarationState.SUBMITTED, decision_due_on__lt=day)

    def overdue(self) -> "DeclarationQuerySet":
        """``overdue_on`` today."""
        return self.overdue_on(timezone.localdate())

    def due_on(self, day: datetime.date) -> "DeclarationQuerySet":
        """Waiting for the Department, its deadline not passed on ``day``."""
        return self.active().filter(state=DeclarationState.SUBMITTED, decision_due_on__gte=day)

    def supplement_late_on(self, day: datetime.date) -> "DeclarationQuerySet":
        """Asked for a supplement whose 15 working days have passed on ``day`` (the nightly job
        cancels them)."""
        return self.active().filter(
            state=DeclarationState.SUPPLEMENT_REQUESTED, supplement_due_on__lt=day
        )

    def accepted(self) -> "DeclarationQuerySet":
        """Accepted by the Department (a receipt notice issued), expired since or not."""
        return self.active().filter(state=DeclarationState.ACCEPTED)

    def received_in(self, year: int) -> "DeclarationQuerySet":
        """Dossiers the Department received in ``year``: filed (first submitted that year,
        whatever became of them) or recorded with a declaration date in that year. Drafts are
        not received."""
        start = datetime.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
        end = datetime.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
        return self.active().filter(
            Q(submitted_at__gte=start, submitted_at__lt=end)
            | Q(state=DeclarationState.RECORDED, declared_on__year=year)
        )

    def declared_in(self, year: int) -> "DeclarationQuerySet":
        """Declarations that took effect in ``year``: accepted (receipt date) or recorded
        (declaration date). The headline "declared standards for N products in 2022"."""
        return self.active().filter(
            state__in=(DeclarationState.ACCEPTED, DeclarationState.RECORDED),
            effective_on__year=year,
        )

    def expired_on(self, day: datetime.date) -> "DeclarationQuerySet":
        """Accepted or recorded, but ``valid_until`` passed before ``day``."""
        return self.active().filter(
            state__in=(DeclarationState.ACCEPTED, DeclarationState.RECORDED),
            valid_until__lt=day,
        )


class Declaration(NormalizedTextMixin, models.Model):
    """A declaration of a standard or of conformity for one or more products."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    kind = models.CharField(_("loại công bố"), max_length=30, choices=DeclarationKind.choices)
    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("tiêu chuẩn, quy chuẩn"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    products = models.ManyToManyField(
        "standards.Product", verbose_name=_("sản phẩm"), related_name="declarations"
    )
    basis = models.CharField(
        _("căn cứ công bố"),
        max_length=20,
        choices=DeclarationBasis.choices,
        default=DeclarationBasis.SELF_ASSESSMENT,
    )
    certificate = models.ForeignKey(
        "standards.Certificate",
        verbose_name=_("giấy chứng nhận làm căn cứ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    document_number = CodeField(_("số hiệu bản công bố"), max_length=60, blank=True)
    declared_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=25,
        choices=DeclarationState.choices,
        default=DeclarationState.DRAFT,
    )
    #: Snapshot of the rule in force when submitted: filed with the Department or only recorded.
    must_be_filed = models.BooleanField(_("phải nộp hồ sơ"), default=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    complete_on = models.DateField(_("hồ sơ đầy đủ ngày"), null=True, blank=True)
    decision_due_on = models.DateField(_("hạn xử lý"), null=True, blank=True)
    supplement_due_on = models.DateField(_("hạn bổ sung"), null=True, blank=True)
    receipt_number = CodeField(_("số thông báo tiếp nhận"), max_length=60, blank=True)
    receipt_date = models.DateField(_("ngày thông báo tiếp nhận"), null=True, blank=True)
    #: From when the declaration counts (the receipt date, or the publication date if recorded).
    effective_on = models.DateField(_("có hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("có hiệu lực đến"), null=True, blank=True)
    reason = models.TextField(_("lý do (yêu cầu bổ sung, từ chối, hủy)"), blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()
    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản công bố")
        verbose_name_plural = _("bản công bố")
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(fields=["state", "decision_due_on"], name="declaration_queue_idx"),
            models.Index(fields=["enterprise", "state"], name="declaration_enterprise_idx"),
            # The officers' queue: waiting dossiers by deadline, then the rest newest first
            # (PostgreSQL puts nulls last in an ascending index, as the queue orders them),
            # with the archive flag the list filters on, so its 1,001 ids come from the index
            # alone instead of a heap page each.
            models.Index(
                fields=["decision_due_on", "-created_at", "-id"],
                include=["is_archived"],
                name="declaration_queue_order_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(basis="certificate") | Q(certificate__isnull=False),
                name="declaration_certificate_basis_has_certificate",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted")
                | (~Q(receipt_number="") & Q(receipt_date__isnull=False)),
                name="declaration_accepted_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.standard} ({self.enterprise})"

    def get_absolute_url(self) -> str:
        return reverse("standards:declaration_detail", args=[self.pk])


class DeclarationDocument(NormalizedTextMixin, models.Model):
    """A file of a declaration's dossier (the published standard, test reports, the
    certificate, the declaration form…), checked by content like every upload."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("tên tài liệu"), max_length=200)
    file = models.FileField(_("tệp"), upload_to=private_upload_to("declarations"), max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu hồ sơ công bố")
        verbose_name_plural = _("tài liệu hồ sơ công bố")
        ordering = ["declaration", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class DeclarationStep(NormalizedTextMixin, models.Model):
    """One step of a declaration's procedure: who moved it from which state to which, when and
    why (the reasons the enterprise reads)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(_("từ"), max_length=25, choices=DeclarationState.choices)
    to_state = models.CharField(_("sang"), max_length=25, choices=DeclarationState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    note = models.TextField(_("nội dung"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ công bố")
        verbose_name_plural = _("bước xử lý hồ sơ công bố")
        ordering = ["declaration", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"
