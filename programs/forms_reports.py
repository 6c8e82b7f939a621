"""Forms of the yearly report: what officers write for it, and an officer's reason to reopen an
approved year. The services decide what may be saved."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.forms import VietnameseDateInput
from laichau_nsc.forms import PortalForm

from .forms_training import DATE_FORMATS, ServiceValidatedForm
from .models import ReportNarrative
from .reports import NARRATIVE_FIELDS


class NarrativeForm(ServiceValidatedForm):
    """The words of a year's report; the figures come from the indicators."""

    class Meta:
        model = ReportNarrative
        fields = NARRATIVE_FIELDS
        widgets = {
            "issued_on": VietnameseDateInput(),
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 8}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "next_year": forms.Textarea(attrs={"rows": 6}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "introduction": _("Căn cứ và câu mở đầu. Mỗi đoạn một dòng."),
            "results": _(
                "Phần lời của mục I; bảng các chỉ tiêu được điền tự động từ số liệu. "
                "Mỗi đoạn một dòng."
            ),
            "place": _("Để trống: tên tỉnh."),
            "title": _("Để trống: “Kết quả thực hiện Chương trình năng suất chất lượng năm …”."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].input_formats = DATE_FORMATS


class ReopenRequestForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reopen_reason = forms.CharField(
        label=_("Lý do đề nghị mở lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ApprovalActionForm(PortalForm):
    """The version of the approval the leader saw (none before the first approval)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    report = forms.IntegerField(widget=forms.HiddenInput, required=False)
