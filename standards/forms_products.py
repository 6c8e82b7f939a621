"""Forms of products, barcode registrations, their fees and GLNs. The services decide what may be
saved; a form only offers the fields its user may set (officer forms, enterprise forms)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.forms import EMPTY_CHOICE, VersionedForm, VietnameseDateInput
from laichau_nsc.files import named_for_storage, validate_document
from laichau_nsc.forms import CodeField, PortalForm, PortalModelForm

from . import gs1
from . import services_products as services
from .models import BarcodeRegistration, LocationNumber, Product

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
_AMOUNT_NOISE = re.compile(r"[\s.,_]|đồng|đ|vnd|₫", re.IGNORECASE)


class ProductImageField(forms.FileField):
    """A product picture: JPEG or PNG judged by its content (``laichau_nsc.files``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Ảnh JPEG hoặc PNG, kiểm tra theo nội dung tệp."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ".jpg,.jpeg,.png,image/jpeg,image/png")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "seek"):
            kind = validate_document(upload)
            if kind.mime not in services.IMAGE_TYPES:
                raise ValidationError(
                    _("Ảnh sản phẩm chỉ nhận tệp JPEG hoặc PNG (kiểm tra theo nội dung tệp)."),
                    code="type",
                )
            upload = named_for_storage(upload, kind, "san-pham")
        return upload


class GS1NumberField(CodeField):
    """A GTIN, GLN or company prefix as people type it: digits in groups separated by spaces,
    dots or hyphens (longer than the stored number), full-width digits. The cleaned value is
    the bare digits; the services check them (``standards.gs1``)."""

    def __init__(self, **kwargs):
        kwargs["max_length"] = 40
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        return gs1.compact(super().clean(value))


class AmountField(forms.CharField):
    """An amount in đồng, typed as people write it: "1.500.000", "1 500 000 đ"."""

    is_code = True  # NFKC: full-width digits from an IME are digits

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        digits = _AMOUNT_NOISE.sub("", value)
        if not digits.isascii() or not digits.isdigit():
            raise ValidationError(_("Số tiền chỉ gồm chữ số, ví dụ 1.500.000."), code="amount")
        return int(digits)


class ProductForm(VersionedForm):
    """What an officer records about a product (its OCOP rating too)."""

    image_upload = ProductImageField(label=_("Ảnh sản phẩm"), required=False)
    remove_image = forms.BooleanField(label=_("Xóa ảnh hiện tại"), required=False)

    class Meta:
        model = Product
        fields = services.OFFICER_PRODUCT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"gtin": GS1NumberField}
        help_texts = {
            "gtin": _(
                "GTIN-13 (bắt đầu bằng mã doanh nghiệp GS1 của doanh nghiệp) hoặc GTIN-8; có "
                "thể gõ cách nhóm số."
            ),
            "barcode_registration": _(
                "Chỉ cần chọn khi mã là GTIN-8 (do GS1 Việt Nam cấp riêng); GTIN-13 được xếp "
                "theo mã doanh nghiệp tự động."
            ),
            "is_published": _(
                "Ai quét mã QR trên sản phẩm sẽ xem được trang truy xuất (tên, ảnh, nhà sản "
                "xuất, các lô, tiêu chuẩn đã công bố)."
            ),
            "ocop_score": _("Hạng 3 sao: 50–69 điểm; 4 sao: 70–89; 5 sao: 90–100."),
        }

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
            del self.fields["remove_image"]
        elif not self.instance.image:
            del self.fields["remove_image"]
        owner = enterprise.pk if enterprise is not None else self.instance.enterprise_id
        # The enterprise's own prefixes in use (and the product's current one, whatever it is).
        offered = Q(enterprise_id=owner, is_archived=False, revoked_on__isnull=True) | Q(
            enterprise_id=owner, is_archived=False, revoked_on__gt=timezone.localdate()
        )
        if self.instance.barcode_registration_id:
            offered |= Q(pk=self.instance.barcode_registration_id)
        field = self.fields["barcode_registration"]
        field.queryset = (
            BarcodeRegistration.objects.filter(offered) if owner else field.queryset.none()
        )
        field.empty_label = _("— Không chọn (GTIN-13 tự xác định) —")
        if len(self.instance.gtin or "") != 8 and not self.is_bound:
            # A GTIN-13 finds its prefix: showing it chosen would pin it when the GTIN changes.
            self.initial["barcode_registration"] = None
        if "ocop_stars" in self.fields:
            self.fields["ocop_stars"].widget = forms.Select(
                choices=[("", EMPTY_CHOICE), *[(n, f"{n} ★") for n in range(5, 0, -1)]]
            )

    def _post_clean(self) -> None:
        # The services validate the product on the rows they lock, with their own messages
        # (whose prefix a GTIN is under, a duplicate GTIN); the form's own pass would show
        # Django's generic constraint messages first.
        pass


class EnterpriseProductForm(ProductForm):
    """What an enterprise user sets on its own products: no OCOP rating (the officers' word)."""

    class Meta(ProductForm.Meta):
        fields = services.ENTERPRISE_PRODUCT_FIELDS


class BarcodeRegistrationForm(VersionedForm):
    """What an officer records about a GS1 company prefix."""

    class Meta:
        model = BarcodeRegistration
        fields = services.BARCODE_FIELDS
        widgets = {
            "registered_on": VietnameseDateInput(),
            "revoked_on": VietnameseDateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"prefix": GS1NumberField}
        help_texts = {
            "prefix": _("893 và 4 đến 7 chữ số tiếp theo, như trên giấy chứng nhận."),
            "revoked_on": _("Để trống nếu mã vẫn đang được sử dụng."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        for name in ("registered_on", "revoked_on"):
            self.fields[name].input_formats = DATE_FORMATS

    def _post_clean(self) -> None:
        pass  # validated by the services (overlapping prefixes, dates)


class BarcodeFeeForm(PortalForm):
    """The yearly maintenance fee paid for one year."""

    year = forms.IntegerField(label=_("Phí của năm"), min_value=1990, max_value=2100)
    paid_on = forms.DateField(
        label=_("Ngày nộp"), widget=VietnameseDateInput(), input_formats=DATE_FORMATS
    )
    amount = AmountField(label=_("Số tiền (đồng)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["inputmode"] = "numeric"


class LocationForm(PortalModelForm):
    """A GLN recorded under a company prefix."""

    class Meta:
        model = LocationNumber
        fields = services.LOCATION_FIELDS
        field_classes = {"gln": GS1NumberField}
        help_texts = {"gln": _("13 chữ số, bắt đầu bằng mã doanh nghiệp GS1, có số kiểm tra.")}

    def _post_clean(self) -> None:
        pass  # validated by the services (check digit, prefix, duplicates)
