"""Forms of declarations. A form offers only what its user may set; the services refuse the rest
(``services_declarations.ENTERPRISE_FIELDS``), so a forged field changes nothing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.forms import VersionedForm, VietnameseDateInput
from laichau_nsc.forms import CodeField, DocumentField, PortalForm

from .models import Certificate, Declaration, Product, Standard

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DeclarationForm(VersionedForm):
    """A declaration's draft: kind, standard from the catalogue, products and basis of its own
    enterprise."""

    products = forms.ModelMultipleChoiceField(
        label=_("Sản phẩm"),
        queryset=Product.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Các sản phẩm của doanh nghiệp được công bố."),
    )

    class Meta:
        model = Declaration
        fields = ("kind", "standard", "products", "basis", "certificate", "document_number")
        fields = (*fields, "declared_on")
        widgets = {"declared_on": VietnameseDateInput()}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        self.fields["declared_on"].input_formats = DATE_FORMATS
        self.fields["products"].queryset = (
            Product.objects.active().filter(enterprise=enterprise).order_by("name", "pk")
        )
        self.fields["standard"].queryset = Standard.objects.filter(is_active=True).order_by(
            "kind", "code"
        )
        self.fields["certificate"].queryset = (
            Certificate.objects.active().filter(enterprise=enterprise).select_related("standard")
        )
        self.fields["certificate"].help_text = _(
            "Chỉ khi căn cứ công bố là chứng nhận: giấy chứng nhận của doanh nghiệp."
        )


class DeclarationDocumentForm(PortalForm):
    title = forms.CharField(label=_("Tên tài liệu"), max_length=200)
    file = DocumentField(label=_("Tệp"), stem="ho-so")


class StepForm(PortalForm):
    """A step of the procedure: carries the version the actor looked at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReasonStepForm(StepForm):
    reason = forms.CharField(
        label=_("Lý do, nội dung"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class AnswerStepForm(StepForm):
    reason = forms.CharField(
        label=_("Đã bổ sung những gì"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class AcceptStepForm(StepForm):
    receipt_number = CodeField(label=_("Số thông báo tiếp nhận"), max_length=60)
    receipt_date = forms.DateField(
        label=_("Ngày thông báo"), input_formats=DATE_FORMATS, widget=VietnameseDateInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("receipt_date", timezone.localdate())
