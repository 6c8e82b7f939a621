"""Forms of experts and support activities. The services decide what may be saved; a form only
offers the fields and choices its user may set, and reads amounts as people write them."""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.forms import EMPTY_CHOICE, VietnameseDateInput
from enterprises.models import Enterprise
from laichau_nsc.forms import CodeField, DocumentField, PortalForm
from standards.models import Adoption

from . import services_support as services
from .choices import ExpertField, FundingSource
from .forms_training import DATE_FORMATS, ServiceValidatedForm
from .models import Expert, SupportActivity, TrainingCourse

#: "50.000.000", "50,000,000", "50 000 000" or "50000000" (a trailing "đ", "₫" or "đồng" too).
_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})?(?:\1\d{3})*")
_CURRENCY = re.compile(r"(?:đồng|đ|₫|vnđ|vnd)$", re.IGNORECASE)


def parse_vnd(text: str) -> int:
    """Whole đồng from what an officer types; ``ValidationError`` for anything else (a decimal
    part, letters, a negative amount)."""
    value = _CURRENCY.sub("", text.strip()).strip().replace(" ", "").replace("\u00a0", "")
    if value.startswith("-"):
        raise forms.ValidationError(_("Số tiền không được âm."), code="negative")
    if value.isdigit():
        return int(value)
    if _GROUPED.fullmatch(value):
        return int(re.sub(r"[.,]", "", value))
    raise forms.ValidationError(
        _("Số tiền không hợp lệ: nhập số đồng, không có phần lẻ, ví dụ 50.000.000."),
        code="invalid",
    )


def format_vnd(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}".replace(",", ".")


class VNDAmountField(forms.Field):
    """An amount in đồng typed with Vietnamese separators; shown back the same way. Normalised
    as a code (NFKC: full-width digits typed with a Vietnamese IME are digits)."""

    is_code = True

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_vnd(value) if isinstance(value, int) else value

    def to_python(self, value) -> int | None:
        if isinstance(value, int):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(_("Số tiền không hợp lệ."), code="invalid")
        amount = parse_vnd(text)
        if amount > services.MAX_AMOUNT:
            raise forms.ValidationError(
                _("Số tiền vượt %(max)s đồng; vui lòng kiểm tra lại số chữ số 0."),
                params={"max": format_vnd(services.MAX_AMOUNT)},
                code="too_large",
            )
        return amount


# --- Experts ------------------------------------------------------------------------------------


class ExpertForm(ServiceValidatedForm):
    """What an officer records about a member of the expert team."""

    field_list = forms.MultipleChoiceField(
        label=_("Lĩnh vực"),
        choices=ExpertField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Expert
        fields = tuple(f for f in services.EXPERT_FIELDS if f != "fields")
        widgets = {
            "joined_on": VietnameseDateInput(),
            "left_on": VietnameseDateInput(),
            "qualifications": forms.Textarea(attrs={"rows": 3}),
            "certified_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "qualifications": _(
                "Bằng cấp, chứng chỉ chuyên gia (ví dụ: chứng chỉ chuyên gia "
                "năng suất do Viện Năng suất Việt Nam cấp)."
            ),
            "is_active": _("Bỏ chọn khi chuyên gia đã thôi tham gia nhóm chuyên gia của tỉnh."),
        }

    field_order = ("full_name", "organisation", "field_list", "qualifications", "certified_year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("joined_on", "left_on"):
            self.fields[name].input_formats = DATE_FORMATS
        if not self.is_bound:
            self.initial["field_list"] = list(self.instance.fields or [])

    def service_data(self) -> dict:
        data = super().service_data()
        data["fields"] = list(self.cleaned_data.get("field_list") or [])
        return data


# --- Support activities -------------------------------------------------------------------------


class EnterprisePickForm(PortalForm):
    """First step of recording support: which enterprise, by its tax code."""

    tax_code = CodeField(
        label=_("Mã số thuế doanh nghiệp được hỗ trợ"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_tax_code(self) -> Enterprise:
        code = self.cleaned_data["tax_code"]
        enterprise = Enterprise.objects.for_user(self.user).filter(tax_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(
                _("Không có doanh nghiệp nào mang mã số thuế %(code)s trên cổng."),
                params={"code": code},
            )
        if enterprise.is_archived:
            raise forms.ValidationError(
                _("Doanh nghiệp “%(name)s” đã lưu trữ; khôi phục trước khi ghi nhận hỗ trợ."),
                params={"name": enterprise.name},
            )
        return enterprise


class AdoptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Adoption) -> str:
        return f"{obj.standard.code} – {obj.get_status_display()}"


class SupportActivityForm(ServiceValidatedForm):
    """What an officer records about support given to one enterprise (fixed by the view)."""

    total = VNDAmountField(
        label=_("Tổng kinh phí (đồng)"),
        help_text=_(
            "Theo quyết định phê duyệt; các nguồn bên dưới phải cộng lại đúng bằng số này. "
            "Nhập 0 nếu hỗ trợ không có kinh phí."
        ),
    )
    decision_file = DocumentField(label=_("Tệp quyết định"), required=False, stem="quyet-dinh")

    class Meta:
        model = SupportActivity
        fields = (*services.ACTIVITY_FIELDS, "experts")
        field_classes = {"adoption": AdoptionChoiceField}
        widgets = {
            "provided_on": VietnameseDateInput(),
            "decision_date": VietnameseDateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
            "experts": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "adoption": _(
                "Việc áp dụng tiêu chuẩn, hệ thống quản lý hoặc công cụ năng suất mà "
                "hoạt động này hỗ trợ (của chính doanh nghiệp)."
            ),
            "course": _("Chỉ với hình thức “Đào tạo, tập huấn”."),
            "experts": _("Chuyên gia của tỉnh đã tư vấn, hướng dẫn doanh nghiệp."),
        }

    field_order = (
        "kind",
        "title",
        "provided_on",
        "adoption",
        "course",
        "experts",
        "total",
        "decision_number",
        "decision_date",
        "decision_file",
        "note",
    )

    def __init__(self, *args, user, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("provided_on", "decision_date"):
            self.fields[name].input_formats = DATE_FORMATS
        adoption = self.fields["adoption"]
        adoption.queryset = (
            Adoption.objects.for_user(user)
            .filter(enterprise=enterprise)
            .filter(Q(is_archived=False) | Q(pk=self.instance.adoption_id or 0))
            .select_related("standard")
            .order_by("standard__code", "pk")
        )
        course = self.fields["course"]
        course.queryset = (
            TrainingCourse.objects.for_user(user)
            .filter(Q(is_archived=False) | Q(pk=self.instance.course_id or 0))
            .order_by("-starts_on", "pk")
        )
        current = (
            list(self.instance.experts.values_list("pk", flat=True)) if self.instance.pk else []
        )
        self.fields["experts"].queryset = (
            Expert.objects.for_user(user)
            .filter(Q(is_archived=False) | Q(pk__in=current))
            .order_by("full_name", "pk")
        )
        for name in ("adoption", "course"):
            self.fields[name].empty_label = EMPTY_CHOICE
        if self.instance.decision_file:
            self.fields["decision_file"].help_text = _(
                "Đã có tệp quyết định; chọn tệp mới để thay thế."
            )

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("experts", None)
        return data


class FundingForm(PortalForm):
    """One row of the funding table: a source and its amount."""

    source = forms.ChoiceField(
        label=_("Nguồn kinh phí"),
        choices=[("", EMPTY_CHOICE), *FundingSource.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    amount = VNDAmountField(
        label=_("Số tiền (đồng)"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm text-end",
                "inputmode": "numeric",
                "autocomplete": "off",
            }
        ),
    )

    def clean(self):
        data = super().clean()
        source, amount = data.get("source"), data.get("amount")
        if source and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Nhập số tiền của nguồn này (hoặc bỏ chọn nguồn)."))
        if amount is not None and not source:
            self.add_error("source", _("Chọn nguồn của số tiền này."))
        return data


class BaseFundingFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        labels = dict(FundingSource.choices)
        for form in self.forms:
            source = form.cleaned_data.get("source")
            if not source:
                continue
            if source in seen:
                raise forms.ValidationError(
                    _("Nguồn “%(source)s” được nhập hai lần; gộp thành một dòng."),
                    params={"source": labels[source]},
                )
            seen.add(source)

    def fundings(self) -> dict[str, int]:
        return {
            f.cleaned_data["source"]: f.cleaned_data["amount"]
            for f in self.forms
            if f.cleaned_data.get("source")
        }


#: One row per source at most: the table always has as many rows as there are sources.
FundingFormSet = forms.formset_factory(
    FundingForm,
    formset=BaseFundingFormSet,
    extra=0,
    min_num=len(FundingSource.values),
    max_num=len(FundingSource.values),
    validate_max=True,
)


def funding_formset(data=None, *, activity: SupportActivity | None = None) -> BaseFundingFormSet:
    """The funding table: bound to ``data``, or filled from the activity's rows."""
    if data is not None:
        return FundingFormSet(data, prefix="funding")
    initial = []
    if activity is not None and activity.pk:
        order = {value: index for index, value in enumerate(FundingSource.values)}
        rows = sorted(activity.fundings.all(), key=lambda f: order.get(f.source, 99))
        initial = [{"source": f.source, "amount": f.amount} for f in rows]
    return FundingFormSet(initial=initial, prefix="funding")
