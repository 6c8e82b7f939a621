"""Forms of courses, sessions, enrolments, results and the attendance grid. The services decide
what may be saved; a form only offers the fields its user may set."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises import catalogues
from enterprises.forms import EMPTY_CHOICE, VersionedForm, VietnameseDateInput
from enterprises.models import AdministrativeUnit, Enterprise
from laichau_nsc.forms import CodeField, PortalForm

from . import services_training as services
from .choices import EnrollmentState
from .models import Enrollment, TrainingCourse

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class ServiceValidatedForm(VersionedForm):
    """A new record has no version yet. The model is validated by the services, on the row they
    lock and with their own messages; the form's own pass would show Django's generic ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict:
        """The cleaned model fields, for the service."""
        return {f: self.cleaned_data[f] for f in self._meta.fields if f in self.cleaned_data}


class CourseForm(ServiceValidatedForm):
    """What an officer records about a course."""

    class Meta:
        model = TrainingCourse
        fields = services.COURSE_FIELDS
        widgets = {
            "starts_on": VietnameseDateInput(),
            "ends_on": VietnameseDateInput(),
            "trainers": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "capacity": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "cost": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {
            "capacity": _("Để trống nếu không giới hạn."),
            "admin_unit": _("Đơn vị hành chính nơi tổ chức, tại thời điểm khóa học."),
            "trainers": _("Mỗi giảng viên một dòng (họ tên, đơn vị)."),
            "enrolment_open": _("Doanh nghiệp tự đăng ký học viên khi khóa học đang nhận đăng ký."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            self.fields[name].input_formats = DATE_FORMATS
        # Every unit, the former ones grouped by their last day: a course of 2022 took place in
        # a district that has since merged.
        field = self.fields["admin_unit"]
        field.queryset = AdministrativeUnit.objects.all()
        field.choices = [
            ("", EMPTY_CHOICE),
            *catalogues.units().choices(timezone.localdate()),
        ]


class SessionForm(PortalForm):
    """One session of the sessions page (``pk`` empty for a new one)."""

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(
        label=_("Ngày"),
        required=False,
        widget=VietnameseDateInput(attrs={"class": "form-control form-control-sm"}),
        input_formats=DATE_FORMATS,
    )
    title = forms.CharField(
        label=_("Nội dung buổi học"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def as_input(self, delete: bool) -> services.SessionInput | None:
        data = self.cleaned_data
        if not data.get("pk") and not data.get("day"):
            return None  # an empty extra row
        return services.SessionInput(
            day=data.get("day"), title=data.get("title", ""), pk=data.get("pk"), delete=delete
        )


class BaseSessionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


SessionFormSet = forms.formset_factory(
    SessionForm,
    formset=BaseSessionFormSet,
    extra=3,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


class EnrollmentForm(ServiceValidatedForm):
    """An officer enrols anyone: the enterprise, if any, by its tax code (there may be a
    million enterprises; no list to choose from)."""

    tax_code = CodeField(
        label=_("Mã số thuế doanh nghiệp"),
        max_length=20,
        required=False,
        help_text=_("Để trống nếu học viên không thuộc doanh nghiệp nào."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Enrollment
        fields = ("full_name", "position", "phone", "email")
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    field_order = ("tax_code", "full_name", "position", "phone", "email")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.enterprise_id and not self.is_bound:
            self.initial["tax_code"] = self.instance.enterprise.tax_code

    def clean_tax_code(self) -> Enterprise | None:
        code = self.cleaned_data["tax_code"]
        if not code:
            return None
        enterprise = Enterprise.objects.filter(tax_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(
                _("Không có doanh nghiệp nào mang mã số thuế %(code)s trên cổng."),
                params={"code": code},
            )
        return enterprise

    def service_data(self) -> dict:
        return {**super().service_data(), "enterprise": self.cleaned_data.get("tax_code")}


class EnterpriseEnrollmentForm(ServiceValidatedForm):
    """An enterprise user enrols its own staff: the enterprise is one of its own."""

    class Meta:
        model = Enrollment
        fields = ("enterprise", "full_name", "position", "phone", "email")
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        field.required = True
        field.queryset = (
            Enterprise.objects.for_user(user, "change").active().order_by("name")
            if user is not None
            else Enterprise.objects.none()
        )
        field.empty_label = None
        if self.instance.pk:
            # An enrolment stays with the enterprise it was made for.
            del self.fields["enterprise"]


class EnrollmentResultForm(VersionedForm):
    """An officer records a trainee's result."""

    state = forms.ChoiceField(
        label=_("Kết quả"),
        choices=[(s.value, s.label) for s in services.RESULT_STATES],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Enrollment
        fields = ("completion_number", "completed_on")
        widgets = {"completed_on": VietnameseDateInput()}
        help_texts = {
            "completion_number": _("Để trống để cổng tự cấp số tiếp theo của khóa học."),
            "completed_on": _("Để trống: ngày kết thúc khóa học."),
        }

    field_order = ("state", "completion_number", "completed_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].input_formats = DATE_FORMATS
        if not self.is_bound:
            state = self.instance.state
            self.initial["state"] = (
                state if state in services.RESULT_STATES else EnrollmentState.ENROLLED
            )

    def _post_clean(self) -> None:
        pass


class AttendanceGridForm(PortalForm):
    """The whole grid in one POST: ``cells`` lists every cell shown (so an unticked box means
    absent), ``present`` the ticked ones; both as "<enrolment id>-<session id>"."""

    cells = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    present = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(key, key) for key in keys]
        self.fields["cells"].choices = choices
        self.fields["present"].choices = choices
        self.fields["cells"].error_messages["invalid_choice"] = _(
            "Danh sách học viên hoặc buổi học đã thay đổi; vui lòng tải lại trang điểm danh."
        )
        self.fields["present"].error_messages["invalid_choice"] = self.fields[
            "cells"
        ].error_messages["invalid_choice"]

    def clean(self):
        data = super().clean()
        if set(data.get("present", ())) - set(data.get("cells", ())):
            raise forms.ValidationError(
                _("Danh sách học viên hoặc buổi học đã thay đổi; vui lòng tải lại trang điểm danh.")
            )
        return data

    def marks(self) -> dict[tuple[int, int], bool]:
        present = set(self.cleaned_data["present"])
        marks = {}
        for key in self.cleaned_data["cells"]:
            enrollment_id, session_id = (int(part) for part in key.split("-"))
            marks[(enrollment_id, session_id)] = key in present
        return marks
