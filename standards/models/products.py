"""Products, their barcodes and their public traceability records (DESIGN §3, issue 8).

GS1 numbers are checked against each other: a company prefix is Viet Nam's 893 followed by 4 to
7 digits (7 to 10 digits in all); a GTIN-13 of the enterprise starts with one of its prefixes,
and the prefix's length fixes how many item numbers it can hold (10^(12 − length) for GTIN-13).
A GTIN-8 is allocated one by one by GS1 Viet Nam, so it is recorded against the registration it
was issued under.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.choices import ExportFormat
from laichau_nsc.files import private_upload_to
from laichau_nsc.models import OPEN_STATES, CodeField, JobModel, NormalizedTextMixin
from laichau_nsc.querysets import ScopedQuerySet
from laichau_nsc.text import fold

from .. import gs1
from ..choices import BarcodeStatus, ProductCategory

#: The yearly barcode fee is due by this day (month, day) of each year.
FEE_DUE = (6, 30)


def new_public_code() -> str:
    """A short, unguessable code for a public traceability URL (no 0/O/1/l confusion)."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def fee_year_due_on(day: datetime.date) -> int:
    """The year whose fee must have been paid by ``day``: this year's once its 30 June has
    passed, else last year's (a fee unpaid at 30 June stays overdue until it is paid, also in
    the first half of the next year)."""
    return day.year if day > datetime.date(day.year, *FEE_DUE) else day.year - 1


class BarcodeRegistrationQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"

    def active(self) -> "BarcodeRegistrationQuerySet":
        return self.filter(is_archived=False, enterprise__is_archived=False)

    def fee_overdue_on(self, day: datetime.date) -> "BarcodeRegistrationQuerySet":
        """Not revoked on ``day``, registered by the due date of the year whose fee is due
        (``fee_year_due_on``), and no fee recorded for that year or a later one: the rule of
        ``status_on``."""
        return self.active().with_status_on(day).filter(status_on=BarcodeStatus.FEE_OVERDUE)

    def with_status_on(
        self, day: datetime.date, name: str = "status_on"
    ) -> "BarcodeRegistrationQuerySet":
        """Annotate each registration's status on ``day`` (a ``BarcodeStatus`` value),
        computed by the database with the rules of ``BarcodeRegistration.status_on``."""
        year = fee_year_due_on(day)
        paid = BarcodeFee.objects.filter(registration=OuterRef("pk"), year__gte=year)
        return self.annotate(
            **{
                name: Case(
                    When(revoked_on__lte=day, then=Value(BarcodeStatus.REVOKED.value)),
                    When(
                        Q(registered_on__lte=datetime.date(year, *FEE_DUE)) & ~Exists(paid),
                        then=Value(BarcodeStatus.FEE_OVERDUE.value),
                    ),
                    default=Value(BarcodeStatus.ACTIVE.value),
                    output_field=models.CharField(),
                )
            }
        )


class BarcodeRegistration(NormalizedTextMixin, models.Model):
    """A GS1 company prefix registered by an enterprise (mã doanh nghiệp GS1)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        on_delete=models.PROTECT,
        related_name="barcode_registrations",
    )
    prefix = CodeField(_("mã doanh nghiệp GS1"), max_length=10, unique=True)
    registered_on = models.DateField(_("ngày cấp"))
    certificate_number = CodeField(_("số giấy chứng nhận"), max_length=50, blank=True)
    declared_on_national_db = models.BooleanField(
        _("đã khai báo trên Cổng thông tin mã số mã vạch quốc gia"), default=False
    )
    revoked_on = models.DateField(_("thu hồi ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()
    objects = BarcodeRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã doanh nghiệp GS1")
        verbose_name_plural = _("mã doanh nghiệp GS1")
        ordering = ["prefix"]

    def __str__(self) -> str:
        return self.prefix

    def get_absolute_url(self) -> str:
        return reverse("standards:barcode_detail", args=[self.pk])

    @property
    def capacity(self) -> int:
        """How many GTIN-13 item numbers the prefix can hold."""
        return gs1.capacity(self.prefix)

    def clean(self) -> None:
        super().clean()
        if self.prefix:
            try:
                self.prefix = gs1.validate_prefix(self.prefix)
            except ValidationError as error:
                raise ValidationError({"prefix": error.messages}) from None
        if self.revoked_on and self.registered_on and self.revoked_on < self.registered_on:
            raise ValidationError(
                {"revoked_on": _("Ngày thu hồi không thể trước ngày cấp mã.")}, code="revoked_on"
            )

    def status_on(self, day: datetime.date, *, fee_paid: bool | None = None) -> BarcodeStatus:
        """The status on ``day``: revoked from ``revoked_on``; "fee overdue" while the fee of
        the year due (``fee_year_due_on``: this year's after 30 June, else last year's) is
        unpaid, for a prefix registered by that year's due date; active otherwise. A fee
        recorded for a later year counts too (nobody is let pay a year ahead of arrears).

        ``fee_paid`` says whether that year's fee is paid; None reads it from ``fees`` (use
        ``prefetch_related("fees")`` for a list).
        """
        if self.revoked_on is not None and self.revoked_on <= day:
            return BarcodeStatus.REVOKED
        year = fee_year_due_on(day)
        if fee_paid is None:
            fee_paid = any(fee.year >= year for fee in self.fees.all())
        if self.registered_on <= datetime.date(year, *FEE_DUE) and not fee_paid:
            return BarcodeStatus.FEE_OVERDUE
        return BarcodeStatus.ACTIVE


class BarcodeFee(models.Model):
    """The yearly fee for a company prefix, paid for one year."""

    registration = models.ForeignKey(
        BarcodeRegistration, on_delete=models.CASCADE, related_name="fees"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    paid_on = models.DateField(_("ngày nộp"))

    class Meta:
        verbose_name = _("phí duy trì mã số mã vạch")
        verbose_name_plural = _("phí duy trì mã số mã vạch")
        ordering = ["registration", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "year"], name="barcode_fee_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.year}"


class LocationNumber(NormalizedTextMixin, models.Model):
    """A GS1 Global Location Number (GLN) of the enterprise: a site, a warehouse, a farm."""

    registration = models.ForeignKey(
        BarcodeRegistration,
        verbose_name=_("mã doanh nghiệp GS1"),
        on_delete=models.PROTECT,
        related_name="locations",
    )
    gln = CodeField(_("mã địa điểm toàn cầu (GLN)"), max_length=13, unique=True)
    name = models.CharField(_("tên địa điểm"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mã địa điểm toàn cầu (GLN)")
        verbose_name_plural = _("mã địa điểm toàn cầu (GLN)")
        ordering = ["gln"]

    def __str__(self) -> str:
        return f"{self.gln} – {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.gln:
            try:
                self.gln = gs1.validate_gln(self.gln)
            except ValidationError as error:
                raise ValidationError({"gln": error.messages}) from None


class ProductQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"
    # Enterprise users register and edit their own products.
    enterprise_may_change = True

    def active(self) -> "ProductQuerySet":
        return self.filter(is_archived=False, enterprise__is_archived=False)

    def published(self) -> "ProductQuerySet":
        """What the public may see: published, not archived, of an enterprise not archived."""
        return self.active().filter(is_published=True)

    def search(self, text: str) -> "ProductQuerySet":
        """Products whose name or GTIN, or whose enterprise (name, tax code…), contains the
        phrase, ignoring case and diacritics."""
        from enterprises.models import Enterprise  # enterprises is the app standards builds on

        folded = fold(text)
        if not folded:
            return self
        digits = gs1.compact(text)
        makers = Enterprise.objects.search(text).values("pk")
        return self.filter(
            Q(search_text__contains=folded)
            | Q(enterprise__in=makers)
            | (Q(gtin__startswith=digits) if digits.isdigit() else Q(pk__in=[]))
        )


class Product(NormalizedTextMixin, models.Model):
    """A product an enterprise makes, with its GTIN and OCOP rating where it has them."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    category = models.CharField(_("nhóm sản phẩm"), max_length=30, choices=ProductCategory.choices)
    unit = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    image = models.ImageField(
        _("ảnh sản phẩm"), upload_to=private_upload_to("products"), blank=True, max_length=300
    )
    gtin = CodeField(_("mã GTIN"), max_length=14, blank=True)
    barcode_registration = models.ForeignKey(
        BarcodeRegistration,
        verbose_name=_("thuộc mã doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    ocop_stars = models.PositiveSmallIntegerField(_("hạng OCOP (sao)"), null=True, blank=True)
    ocop_score = models.DecimalField(
        _("điểm OCOP"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    ocop_year = models.PositiveSmallIntegerField(_("năm công nhận OCOP"), null=True, blank=True)
    #: Stable, unguessable code of the product's public traceability page.
    public_code = models.CharField(
        _("mã truy xuất công khai"), max_length=16, unique=True, default=new_public_code
    )
    is_published = models.BooleanField(_("công khai trang truy xuất"), default=False)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    #: Name and GTIN folded (lower case, no diacritics) for the list's search.
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(excluded_fields=["image", "search_text"])
    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        ordering = ["enterprise", "name", "pk"]
        indexes = [models.Index(fields=["enterprise", "name"], name="product_enterprise_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["gtin"], condition=~Q(gtin=""), name="product_gtin_unique"
            ),
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True) | Q(ocop_stars__gte=1, ocop_stars__lte=5),
                name="product_ocop_stars_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Also here, not only in clean(): rows saved without validation (imports, factories)
        # keep a GTIN that compares equal and a name that search finds.
        self.gtin = gs1.compact(self.gtin)
        self.search_text = self.build_search_text(self.name, self.gtin)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("standards:product_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("public:product_page", args=[self.public_code])

    def get_image_url(self) -> str:
        """The image through ``standards:product_image`` (public once the product is
        published); the stored name is random and changes with every new image, so it makes the
        URL change too and a cached copy is never stale."""
        if not self.image:
            return ""
        version = self.image.name.rsplit("/", 1)[-1].split(".", 1)[0][:12]
        return f"{reverse('standards:product_image', args=[self.pk])}?v={version}"

    @staticmethod
    def build_search_text(name: str, gtin: str) -> str:
        """The folded text the product search matches; bulk loaders call this too."""
        return fold(f"{name} {gtin}")

    def clean(self) -> None:
        """The GTIN's form and check digit (cross-checks with prefixes: the services)."""
        super().clean()
        if self.gtin:
            try:
                self.gtin = gs1.validate_gtin(self.gtin)
            except ValidationError as error:
                raise ValidationError({"gtin": error.messages}) from None


class TraceabilityRecordQuerySet(ScopedQuerySet):
    enterprise_field = "product__enterprise_id"
    enterprise_may_change = True

    def published(self) -> "TraceabilityRecordQuerySet":
        return self.filter(is_published=True, product__in=Product.objects.published())


class TraceabilityRecord(NormalizedTextMixin, models.Model):
    """A lot (or batch) of a product as Circular 02/2024/TT-BKHCN asks it to be traced: trace
    code, lot, production time, shelf life and the stages it went through."""

    product = models.ForeignKey(
        Product, verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="lots"
    )
    trace_code = CodeField(_("mã truy xuất"), max_length=40, unique=True)
    lot = CodeField(_("số lô"), max_length=40)
    produced_on = models.DateField(_("ngày sản xuất"))
    best_before = models.DateField(_("hạn sử dụng"), null=True, blank=True)
    shelf_life = models.CharField(_("thời hạn sử dụng"), max_length=100, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_published = models.BooleanField(_("công khai"), default=True)
    # Lots are edited by the enterprise's users and by officers: a save based on a stale copy
    # is refused (laichau_nsc.editing), as for every other edited record.
    version = models.PositiveIntegerField(editable=False, default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()
    objects = TraceabilityRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("lô sản phẩm (truy xuất nguồn gốc)")
        verbose_name_plural = _("lô sản phẩm (truy xuất nguồn gốc)")
        ordering = ["product", "-produced_on", "pk"]
        indexes = [
            # A product's newest lots (its public page, its list), read backwards.
            models.Index(fields=["product", "produced_on", "id"], name="traceability_recent_idx")
        ]
        constraints = [
            models.UniqueConstraint(fields=["product", "lot"], name="traceability_lot_per_product"),
            models.CheckConstraint(
                condition=Q(best_before__isnull=True) | Q(best_before__gte=models.F("produced_on")),
                name="traceability_best_before_after_production",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} – {self.lot}"

    def get_absolute_url(self) -> str:
        return reverse("standards:lot_detail", args=[self.pk])


class TraceabilityStage(NormalizedTextMixin, models.Model):
    """One stage a lot went through: what was done, where, when."""

    record = models.ForeignKey(TraceabilityRecord, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    what = models.CharField(_("công đoạn"), max_length=200)
    where = models.CharField(_("địa điểm"), max_length=300, blank=True)
    location = models.ForeignKey(
        LocationNumber,
        verbose_name=_("địa điểm (GLN)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)

    # Stages are replaced as a whole when a lot is edited: their history says who changed them.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("công đoạn")
        verbose_name_plural = _("công đoạn")
        ordering = ["record", "position"]
        constraints = [
            models.UniqueConstraint(fields=["record", "position"], name="stage_position_unique")
        ]

    def __str__(self) -> str:
        return self.what


# --- Exports -----------------------------------------------------------------------------------


class BarcodeExportJobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> "BarcodeExportJobQuerySet":
        """An export belongs to the user who asked for it, and to nobody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


def barcode_export_folder(job: "BarcodeExportJob") -> str:
    return f"exports/barcodes/{job.created_at:%Y/%m}/{job.pk}"


def barcode_export_upload_to(job: "BarcodeExportJob", filename: str) -> str:
    # One folder per try: a run that lost its lease never overwrites the file that is kept.
    return f"{barcode_export_folder(job)}/{job.attempts}/{filename}"


class BarcodeExportJob(JobModel):
    """An export of the barcode registrations list (company prefixes with their fees, usage and
    status on the chosen date), built by the job runner like the certificate export;
    ``params`` is the list's query."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="barcode_exports"
    )
    format = models.CharField(_("định dạng"), max_length=5, choices=ExportFormat.choices)
    params = models.JSONField(_("điều kiện lọc"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    file = models.FileField(
        _("tệp"), upload_to=barcode_export_upload_to, blank=True, max_length=200
    )

    handler = "standards.services_products.barcode_export_build"
    dedupe_while_open = True
    pending_notice = _(
        "Đã lưu yêu cầu xuất dữ liệu. Hệ thống xử lý nền đang tạm gián đoạn; tệp sẽ được tạo "
        "tự động khi hệ thống hoạt động trở lại."
    )

    objects = BarcodeExportJobQuerySet.as_manager()

    class Meta(JobModel.Meta):
        verbose_name = _("tệp xuất danh sách mã số mã vạch")
        verbose_name_plural = _("tệp xuất danh sách mã số mã vạch")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=OPEN_STATES),
                name="barcode_export_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="barcode_export_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.created_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("standards:barcode_export_detail", args=[self.pk])

    def get_download_url(self) -> str:
        return reverse("standards:barcode_export_download", args=[self.pk])

    def discard(self, result: dict) -> None:
        if result.get("file"):
            self.file.storage.delete(result["file"])

    def on_done(self, result: dict) -> None:
        """Remove what earlier tries (whose workers died) left in the job's folder."""
        storage, keep = self.file.storage, result.get("file")
        top = barcode_export_folder(self)
        if not storage.exists(top):
            return
        for attempt in storage.listdir(top)[0]:
            for name in storage.listdir(f"{top}/{attempt}")[1]:
                path = f"{top}/{attempt}/{name}"
                if path != keep:
                    storage.delete(path)
