from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laichau_nsc.forms import CodeField, PortalForm, PortalModelForm

from . import catalogues
from .choices import CURRENT_SECTOR_VERSION, ClassificationVersion, ExportFormat, SectorLevel
from .models import AdministrativeUnit, Enterprise, Sector
from .validators import normalize_tax_code, validate_phone, validate_tax_code


class VietnameseDateInput(forms.DateInput):
    """dd/mm/yyyy in a text box: the browser's own date picker would show the ISO format."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class HttpsURLField(forms.URLField):
    """ "htxtanuyen.vn" typed without a scheme means https (Django 6's default)."""

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


EMPTY_CHOICE = _("— Chọn —")


def label_empty_choices(form: forms.BaseForm) -> None:
    """Replace Django's "---------" with a Vietnamese prompt in every select."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
            field.empty_label = EMPTY_CHOICE
        elif isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and field.choices:
            first_value, _label = field.choices[0]
            if first_value == "":
                field.choices = [("", EMPTY_CHOICE), *field.choices[1:]]


class VersionedForm(PortalModelForm):
    """Carries the record's ``version`` so a save based on a stale copy is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_empty_choices(self)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class EnterpriseForm(VersionedForm):
    """Everything an officer records about an enterprise."""

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "short_name",
            "tax_code",
            "legal_form",
            "size_class",
            "sector",
            "admin_unit",
            "address",
            "representative",
            "representative_title",
            "phone",
            "email",
            "website",
            "employees",
            "founded_on",
            "status",
        )
        widgets = {"founded_on": VietnameseDateInput()}
        field_classes = {"website": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        self._offer_units(timezone.localdate())
        self._offer_sectors()
        self.fields["tax_code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def _offer_units(self, today) -> None:
        """Units in force today, and the record's own unit even if it has ceased since."""
        catalogue = catalogues.units()
        field = self.fields["admin_unit"]
        offered = Q(pk__in=AdministrativeUnit.objects.valid_on(today).values("pk"))
        if self.instance.admin_unit_id:
            offered |= Q(pk=self.instance.admin_unit_id)
        field.queryset = AdministrativeUnit.objects.filter(offered)
        units = catalogue.in_force(today, keep=self.instance.admin_unit_id)
        field.choices = [("", EMPTY_CHOICE), *catalogue.labels(units, today)]

    def _offer_sectors(self) -> None:
        """Divisions of the classification in force (VSIC 2025) by section. A record kept under
        an older version keeps its sector among the choices, with its counterparts as a hint."""
        catalogue = catalogues.sectors()
        field = self.fields["sector"]
        offered = Q(version=CURRENT_SECTOR_VERSION, level=SectorLevel.DIVISION)
        groups = catalogue.divisions(CURRENT_SECTOR_VERSION)
        own = catalogue.get(self.instance.sector_id)
        current = (CURRENT_SECTOR_VERSION, SectorLevel.DIVISION)
        if own is not None and (own.version, own.level) != current:
            offered |= Q(pk=own.id)
            label = _("Ngành đang ghi (%(version)s)") % {
                "version": ClassificationVersion(own.version).label
            }
            groups = [(label, [(own.id, str(own))]), *groups]
            field.help_text = sector_hint(own, catalogue.counterparts(own.id))
        field.queryset = Sector.objects.filter(offered)
        field.choices = [("", EMPTY_CHOICE), *groups]

    def clean_tax_code(self) -> str:
        code = normalize_tax_code(self.cleaned_data["tax_code"])
        validate_tax_code(code)
        duplicate = Enterprise.objects.filter(tax_code=code).exclude(pk=self.instance.pk).first()
        if duplicate is not None:
            # Officers see every record, so naming the existing one helps them find it.
            raise ValidationError(
                _("Mã số thuế %(code)s đã được dùng cho “%(name)s” (mã hồ sơ %(pk)s)%(archived)s."),
                code="duplicate",
                params={
                    "code": code,
                    "name": duplicate.name,
                    "pk": duplicate.pk,
                    "archived": _(", đang lưu trữ") if duplicate.is_archived else "",
                },
            )
        return code


def sector_hint(sector, counterparts) -> str:
    """ "Mã ngành theo VSIC 2018 (…); tương ứng trong VSIC 2025 (…): 46 – …; 47 – …." """
    names = {
        "old": ClassificationVersion(sector.version).label,
        "new": ClassificationVersion(CURRENT_SECTOR_VERSION).label,
    }
    if not counterparts:
        return _("Mã ngành theo %(old)s; chưa có ngành tương ứng trong %(new)s.") % names
    return _("Mã ngành theo %(old)s; tương ứng trong %(new)s: %(sectors)s.") % {
        **names,
        "sectors": "; ".join(str(s) for s in counterparts),
    }


class EnterpriseContactForm(VersionedForm):
    """What an enterprise user may change about their own enterprise."""

    class Meta:
        model = Enterprise
        fields = Enterprise.CONTACT_FIELDS
        field_classes = {"website": HttpsURLField}


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ExportForm(PortalForm):
    format = forms.ChoiceField(label=_("Định dạng"), choices=ExportFormat.choices)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class AccountRequestForm(PortalForm):
    """A visitor asks for an account that acts for their enterprise."""

    tax_code = CodeField(
        label=_("Mã số thuế của doanh nghiệp"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ"), max_length=100, required=False)
    # The same validator as Enterprise.phone and Membership.phone.
    phone = CodeField(label=_("Điện thoại"), max_length=30, validators=[validate_phone])
    email = forms.EmailField(label=_("Thư điện tử"))
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        regex=r"^[A-Za-z0-9_.@+-]{3,150}$",
        error_messages={
            "invalid": _("Tên đăng nhập gồm 3–150 ký tự: chữ không dấu, số và . @ + - _")
        },
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_tax_code(self) -> str:
        code = normalize_tax_code(self.cleaned_data["tax_code"])
        validate_tax_code(code)
        return code

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif p1:
            try:
                validate_password(p1)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
