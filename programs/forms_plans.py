"""Forms of plans, targets and hand-entered values. The services decide what may be saved."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.forms import VietnameseDateInput
from laichau_nsc.forms import DocumentField, PortalForm

from .forms_training import DATE_FORMATS, ServiceValidatedForm
from .indicators import Indicator
from .models import AnnualPlan
from .services_plans import PLAN_FIELDS, YEARS


class PlanForm(ServiceValidatedForm):
    """A year's plan: its document (number, date, file)."""

    file = DocumentField(label=_("Tệp kế hoạch"), required=False, stem="ke-hoach")

    class Meta:
        model = AnnualPlan
        fields = PLAN_FIELDS
        widgets = {
            "document_date": VietnameseDateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {"document_number": _("Ví dụ: 45/KH-UBND")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_date"].input_formats = DATE_FORMATS
        self.fields["year"].min_value, self.fields["year"].max_value = YEARS
        if self.instance.pk:
            self.fields["year"].disabled = True


class PlainDecimalField(forms.DecimalField):
    """A number typed with a decimal comma or point ("12,5", "12.5"); no thousands separators,
    which in Vietnamese are the point and would turn 12.5 into 125 unnoticed."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
            if value.count(".") > 1:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def _value_field(indicator: Indicator, **kwargs) -> forms.DecimalField:
    return PlainDecimalField(
        label=str(indicator.name),
        required=False,
        min_value=Decimal(0),
        max_digits=18,
        decimal_places=2,
        help_text=str(indicator.unit),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
        error_messages={
            "invalid": _("Nhập một số, ví dụ 20 hoặc 12,5."),
            "min_value": _("Giá trị không được âm."),
            "max_decimal_places": _("Tối đa 2 chữ số thập phân."),
            "max_digits": _("Số quá lớn."),
            "max_whole_digits": _("Số quá lớn."),
        },
        **kwargs,
    )


class TargetsForm(PortalForm):
    """A target per indicator (empty: no target); ``shown`` is what the page showed."""

    shown = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[indicator.code] = _value_field(indicator)

    def values(self) -> dict[str, Decimal | None]:
        return {i.code: self.cleaned_data.get(i.code) for i in self.indicators}

    def rows(self):
        """(indicator, bound field) pairs for the template, in report order."""
        return [(i, self[i.code]) for i in self.indicators]


class EnteredValuesForm(PortalForm):
    """The value of each hand-entered indicator for a year, with where it comes from."""

    shown = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[indicator.code] = _value_field(indicator)
            self.fields[f"{indicator.code}__source"] = forms.CharField(
                label=_("Nguồn số liệu"), required=False, max_length=300
            )

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            if cleaned.get(indicator.code) is not None and not cleaned.get(
                f"{indicator.code}__source"
            ):
                self.add_error(
                    f"{indicator.code}__source",
                    _("Ghi nguồn số liệu của giá trị nhập tay (ví dụ: Cục Thống kê tỉnh)."),
                )
        return cleaned

    def values(self) -> dict[str, tuple[Decimal | None, str]]:
        return {
            i.code: (self.cleaned_data.get(i.code), self.cleaned_data.get(f"{i.code}__source", ""))
            for i in self.indicators
        }

    def rows(self):
        return [(i, self[i.code], self[f"{i.code}__source"]) for i in self.indicators]
