"""Forms officers use to maintain the catalogue: standards and certification bodies."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enterprises.forms import HttpsURLField, VersionedForm, VietnameseDateInput
from laichau_nsc.text import fold

from .models import CertificationBody, Standard


class StandardForm(VersionedForm):
    """A standard, scheme, regulation or tool. Rules across fields live in ``Standard.clean``."""

    class Meta:
        model = Standard
        fields = (
            "code",
            "title",
            "kind",
            "third_party_certified",
            "validity_months",
            "superseded_by",
            "notes",
        )
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "validity_months": _(
                "Thời hạn tối đa của một chứng chỉ theo tiêu chuẩn này, ví dụ 36 cho ISO; để "
                "trống nếu không quy định."
            ),
            "superseded_by": _("Phiên bản mới thay thế tiêu chuẩn này, nếu có."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        successors = Standard.objects.order_by("code")
        if self.instance.pk:
            successors = successors.exclude(pk=self.instance.pk)
        self.fields["superseded_by"].queryset = successors

    def clean_validity_months(self) -> int | None:
        months = self.cleaned_data["validity_months"]
        if months is not None and months < 1:
            raise ValidationError(_("Thời hạn chứng chỉ phải lớn hơn 0 tháng."), code="min_value")
        return months

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        duplicate = Standard.objects.filter(code__iexact=code).exclude(pk=self.instance.pk).first()
        if duplicate is not None:
            # Officers see every record, so naming the existing one helps them find it.
            raise ValidationError(
                _("Số hiệu %(code)s đã có trong danh mục (“%(title)s”%(inactive)s)."),
                code="duplicate",
                params={
                    "code": duplicate.code,
                    "title": duplicate.title,
                    "inactive": _(", đã ngừng sử dụng") if not duplicate.is_active else "",
                },
            )
        return code


class CertificationBodyForm(VersionedForm):
    """A certification body and its accreditation (by whom, number, until when)."""

    class Meta:
        model = CertificationBody
        fields = (
            "name",
            "acronym",
            "address",
            "phone",
            "email",
            "website",
            "accredited",
            "accredited_by",
            "accreditation_number",
            "accredited_until",
        )
        widgets = {"accredited_until": VietnameseDateInput()}
        field_classes = {"website": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        folded = fold(name)
        others = CertificationBody.objects.exclude(pk=self.instance.pk)
        # Two spellings of one name ("Trung tâm" / "TRUNG TAM") are one body.
        for pk, other in others.values_list("pk", "name"):
            if fold(other) == folded:
                raise ValidationError(
                    _("Tổ chức “%(name)s” đã có trong danh mục (mã %(pk)s)."),
                    code="duplicate",
                    params={"name": other, "pk": pk},
                )
        return name
