"""Forms of adoptions, certificates and their events. The services decide what may be saved; a
form only offers the fields its user may set (officer forms, enterprise forms)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.forms import VersionedForm, VietnameseDateInput, label_empty_choices
from laichau_nsc.forms import DocumentField, PortalForm

from . import services
from .choices import CertificateEventKind
from .models import Adoption, Certificate, CertificationBody, Standard

DATE_FIELDS = ("started_on", "ended_on", "first_issued_on", "issued_on", "expires_on")


def _dates(fields) -> dict[str, forms.Widget]:
    return {
        name: VietnameseDateInput() for name in (*DATE_FIELDS, "last_audit_on") if name in fields
    }


class RecordForm(VersionedForm):
    """A new record has no version yet; an existing one must carry the one it was loaded at."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        if "standard" in self.fields:
            self.fields["standard"].queryset = Standard.objects.active().order_by("kind", "code")
        if "body" in self.fields:
            self.fields["body"].queryset = CertificationBody.objects.filter(is_active=True)

    def _post_clean(self) -> None:
        # The model is validated by the services, on the row they lock and with their own
        # messages ("expiry before issue", "duplicate number at this body"); the form's own
        # pass would show Django's generic constraint messages first.
        pass


class AdoptionForm(RecordForm):
    """What an officer records about an adoption."""

    class Meta:
        model = Adoption
        fields = services.OFFICER_ADOPTION_FIELDS
        widgets = {
            **_dates(services.OFFICER_ADOPTION_FIELDS),
            "note": forms.Textarea(attrs={"rows": 3}),
            "support_note": forms.Textarea(attrs={"rows": 2}),
        }


class EnterpriseAdoptionForm(RecordForm):
    """What an enterprise user proposes: no review or programme fields."""

    class Meta:
        model = Adoption
        fields = services.ENTERPRISE_ADOPTION_FIELDS
        widgets = {
            **_dates(services.ENTERPRISE_ADOPTION_FIELDS),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class CertificateForm(RecordForm):
    """What an officer records about a certificate; a new one may come with its scan."""

    scan_upload = DocumentField(label=_("Bản chụp chứng chỉ"), stem="chung-chi", required=False)

    class Meta:
        model = Certificate
        fields = services.OFFICER_CERTIFICATE_FIELDS
        widgets = {
            **_dates(services.OFFICER_CERTIFICATE_FIELDS),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "sites": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "issued_on": _("Ngày cấp của lần cấp (hoặc cấp lại) đang có hiệu lực."),
            "first_issued_on": _("Để trống nếu trùng ngày cấp hiện hành."),
        }

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.active().certifiable()
        self.fields["first_issued_on"].required = False
        if "adoption" in self.fields:
            owner = enterprise or getattr(self.instance, "enterprise", None)
            self.fields["adoption"].queryset = (
                Adoption.objects.filter(enterprise=owner, is_archived=False).select_related(
                    "standard"
                )
                if owner is not None
                else Adoption.objects.none()
            )
        if self.instance.pk:
            del self.fields["scan_upload"]  # a scan is replaced from its own page
        label_empty_choices(self)


class EnterpriseCertificateForm(CertificateForm):
    """What an enterprise user proposes: no adoption link, review or status field."""

    class Meta(CertificateForm.Meta):
        fields = services.ENTERPRISE_CERTIFICATE_FIELDS
        widgets = {
            **_dates(services.ENTERPRISE_CERTIFICATE_FIELDS),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "sites": forms.Textarea(attrs={"rows": 2}),
        }


class CertificateEventForm(PortalForm):
    """An event an officer records; which fields matter depends on the kind (the service
    says what is missing)."""

    kind = forms.ChoiceField(
        label=_("Sự kiện"),
        choices=[c for c in CertificateEventKind.choices if c[0] != CertificateEventKind.ISSUED],
    )
    happened_on = forms.DateField(
        label=_("Ngày"), widget=VietnameseDateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    expires_on = forms.DateField(
        label=_("Hết hạn ngày (khi cấp lại)"),
        required=False,
        widget=VietnameseDateInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
    to_body = forms.ModelChoiceField(
        label=_("Chuyển sang tổ chức (khi chuyển tổ chức chứng nhận)"),
        queryset=CertificationBody.objects.filter(is_active=True),
        required=False,
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_empty_choices(self)


class ScanForm(PortalForm):
    scan = DocumentField(label=_("Bản chụp chứng chỉ"), stem="chung-chi")


class ReviewForm(PortalForm):
    """Verify: carries the version the officer looked at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReturnForm(ReviewForm):
    reason = forms.CharField(
        label=_("Lý do trả lại, cần bổ sung gì"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
