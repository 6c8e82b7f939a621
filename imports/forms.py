from django import forms
from django.utils.translation import gettext_lazy as _

from laichau_nsc.forms import PortalForm


class ImportUploadForm(PortalForm):
    file = forms.FileField(
        label=_("Tệp dữ liệu (.xlsx hoặc .csv)"),
        help_text=_("Dùng tệp mẫu của loại dữ liệu này; CSV mã hóa UTF-8 hoặc Windows-1258."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, course_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if course_queryset is not None:
            self.fields["course"] = forms.ModelChoiceField(
                label=_("Khóa đào tạo"), queryset=course_queryset, empty_label=_("— Chọn —")
            )
            self.order_fields(["course", "file"])
