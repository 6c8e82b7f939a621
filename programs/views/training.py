"""Training pages: the course list (everyone signed in) and a course's page, its forms and
sessions, enrolment, the attendance grid, the trainee list and its export, a trainee's page,
result and certificate of completion (PDF).

Enterprise users see every course (they enrol their staff) but only their own enterprise's
enrolments: the trainee rows always come through ``Enrollment.objects.for_user``.
"""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from enterprises.forms import ExportForm
from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.history import record_history
from laichau_nsc.jobs import JobState
from laichau_nsc.pdf import render_pdf
from laichau_nsc.roles import Role, has_role, is_officer, is_staff_reader
from laichau_nsc.text import fold, parse_query
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .. import selectors_training as selectors
from .. import services_training as services
from ..choices import EnrollmentState
from ..filters_training import CourseFilterSet, EnrollmentFilterSet
from ..forms_training import (
    AttendanceGridForm,
    CourseForm,
    EnrollmentForm,
    EnrollmentResultForm,
    EnterpriseEnrollmentForm,
    SessionForm,
    SessionFormSet,
)
from ..models import Enrollment, EnrollmentExportJob, TrainingCourse
from ..tables_training import CourseTable, EnrollmentTable

OFFICER = (Role.OFFICER,)
STAFF = (Role.OFFICER, Role.LEADER)
EVERY_ROLE = (Role.OFFICER, Role.LEADER, Role.ENTERPRISE)
WRITERS = (Role.OFFICER, Role.ENTERPRISE)


def add_errors(form, error: ValidationError) -> None:
    """Attach a service's errors to the form fields they name (others to the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Courses ------------------------------------------------------------------------------------


class CourseListView(ObjectListView):
    model = TrainingCourse
    allowed_roles = EVERY_ROLE
    filterset_class = CourseFilterSet
    table_class = CourseTable
    template_name = "programs/training/course_list.html"
    results_template = "programs/training/htmx/course_table.html"

    def get_queryset(self):
        return selectors.courses_for(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        staff = is_staff_reader(self.request.user)
        return {**super().get_filterset_kwargs(filterset_class), "staff": staff}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "today": timezone.localdate()}


class CourseDetailView(ScopedMixin, DetailView):
    """A course: its fields and sessions; the trainees the user may see; actions by role."""

    model = TrainingCourse
    allowed_roles = EVERY_ROLE
    template_name = "programs/training/course_detail.html"

    def get_queryset(self):
        return selectors.courses_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        course, user = self.object, self.request.user
        today = timezone.localdate()
        context["today"] = today
        context["sessions"] = list(course.sessions.all())
        context["trainees"] = selectors.course_trainees(course=course, user=user)
        context["staff"] = is_staff_reader(user)
        context["seats_left"] = (
            max(course.capacity - course.enrolled_count, 0) if course.capacity else None
        )
        context["may_enrol"] = not course.is_archived and (
            is_officer(user)
            or (
                has_role(user, Role.ENTERPRISE)
                and course.enrolment_open
                and today < course.starts_on
            )
        )
        if context["staff"]:
            context["history"] = record_history(course)
        return context


class CourseCreateView(RoleRequiredMixin, CreateView):
    model = TrainingCourse
    form_class = CourseForm
    allowed_roles = OFFICER
    template_name = "programs/training/course_form.html"

    def form_valid(self, form):
        try:
            self.object = services.course_create(data=form.service_data(), user=self.request.user)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã thêm khóa học “%s”.") % self.object.title)
        return redirect(self.object)


class CourseUpdateView(ConflictFormMixin, ScopedMixin, UpdateView):
    """Saves through ``course_update``; a stale version re-shows the form with a 409."""

    model = TrainingCourse
    form_class = CourseForm
    action = "change"
    allowed_roles = OFFICER
    template_name = "programs/training/course_form.html"

    def form_valid(self, form):
        try:
            self.object = services.course_update(
                course_id=self.object.pk,
                data=form.service_data(),
                version=form.cleaned_data["version"],
                user=self.request.user,
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return redirect(self.object)


class CoursePageMixin(ScopedMixin):
    """A page about one course, fetched (after the role check) through ``for_user``."""

    model = TrainingCourse

    @cached_property
    def course(self) -> TrainingCourse:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "course": self.course}


class CourseSessionsView(CoursePageMixin, FormView):
    """The sessions of a course: dates within the course, one POST for all of them."""

    action = "change"
    allowed_roles = OFFICER
    template_name = "programs/training/course_sessions.html"
    form_class = SessionForm  # each row of the formset

    def get_form(self, form_class=None):
        if self.request.method == "POST":
            return SessionFormSet(self.request.POST, prefix="sessions")
        initial = [
            {"pk": s.pk, "day": s.day, "title": s.title}
            for s in self.course.sessions.order_by("day", "pk")
        ]
        return SessionFormSet(initial=initial, prefix="sessions")

    def form_valid(self, formset):
        rows = []
        for form in formset.forms:
            row = form.as_input(delete=formset.can_delete and form.cleaned_data.get("DELETE"))
            if row is not None:
                rows.append(row)
        try:
            services.course_sessions_save(
                course_id=self.course.pk, rows=rows, user=self.request.user
            )
        except ValidationError as error:
            return self.render_to_response(
                self.get_context_data(form=formset, errors=error.messages)
            )
        messages.success(self.request, _("Đã lưu các buổi học."))
        return redirect(self.course)


class CourseArchiveView(ScopedMixin, DetailView):
    """GET asks for confirmation, POST archives (or restores) the course."""

    model = TrainingCourse
    action = "change"
    allowed_roles = OFFICER
    archive: ClassVar[bool] = True
    template_name = "generic/confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title = self.object.title
        if self.archive:
            context["message"] = (
                _(
                    "Lưu trữ khóa học “%s”? Khóa học sẽ ẩn khỏi danh sách và không nhận đăng ký, "
                    "nhưng học viên, điểm danh và lịch sử vẫn được giữ và có thể khôi phục."
                )
                % title
            )
            context["submit_label"] = _("Lưu trữ")
            context["submit_style"] = "warning"
        else:
            context["message"] = _("Khôi phục khóa học “%s”?") % title
            context["submit_label"] = _("Khôi phục")
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        course = self.get_object()
        services.course_set_archived(course_id=course.pk, archived=self.archive, user=request.user)
        text = _("Đã lưu trữ “%s”.") if self.archive else _("Đã khôi phục “%s”.")
        messages.success(request, text % course.title)
        return redirect(course)


class CourseRestoreView(CourseArchiveView):
    archive = False


# --- Enrolment ----------------------------------------------------------------------------------


def enrollment_form_class(user):
    # The enterprise form unless an officer (also for a request with no user yet).
    return EnrollmentForm if user is not None and is_officer(user) else EnterpriseEnrollmentForm


class EnrollmentCreateView(CoursePageMixin, CreateView):
    """An officer enrols anyone; an enterprise user its own staff."""

    model = Enrollment
    allowed_roles = WRITERS
    template_name = "programs/training/enrollment_form.html"

    def get_queryset(self):
        return TrainingCourse.objects.for_user(self.request.user)

    def get_form_class(self):
        return enrollment_form_class(getattr(self.request, "user", None))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            self.object = services.enrollment_create(
                course_id=self.course.pk, data=form.service_data(), user=self.request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã đăng ký “%(name)s” vào khóa học.") % {"name": self.object.full_name},
        )
        if "again" in self.request.POST:
            return redirect("programs:enrollment_create", pk=self.course.pk)
        return redirect(self.course)


class AttendanceView(CoursePageMixin, FormView):
    """Trainees × sessions. Officers tick who was present and save the whole grid in one POST;
    leaders read it."""

    allowed_roles = STAFF
    template_name = "programs/training/attendance.html"
    form_class = AttendanceGridForm

    @cached_property
    def grid(self) -> selectors.AttendanceGrid:
        return selectors.attendance_grid(course=self.course)

    def get_form(self, form_class=None):
        keys = self.grid.cell_keys(until=timezone.localdate())
        data = self.request.POST if self.request.method == "POST" else None
        return self.get_form_class()(data, keys=keys)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_officer(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grid"] = self.grid
        context["today"] = timezone.localdate()
        return context

    def form_valid(self, form):
        try:
            outcome = services.attendance_record(
                course_id=self.course.pk, marks=form.marks(), user=self.request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã lưu điểm danh: %(new)s ô mới, %(changed)s ô thay đổi.")
            % {"new": outcome.created, "changed": outcome.changed},
        )
        return redirect("programs:attendance", pk=self.course.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- Trainees -----------------------------------------------------------------------------------


class EnrollmentListView(ObjectListView):
    """Every trainee the user may see (an enterprise user: its own), with the course."""

    model = Enrollment
    allowed_roles = EVERY_ROLE
    filterset_class = EnrollmentFilterSet
    table_class = EnrollmentTable
    template_name = "programs/training/enrollment_list.html"
    results_template = "programs/training/htmx/enrollment_table.html"

    def get_queryset(self):
        return selectors.enrollments_for(self.request.user)


class EnrollmentDetailView(ScopedMixin, DetailView):
    model = Enrollment
    allowed_roles = EVERY_ROLE
    template_name = "programs/training/enrollment_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("course", "enterprise", "enrolled_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrollment, user = self.object, self.request.user
        today = timezone.localdate()
        open_to_enterprise = (
            enrollment.state == EnrollmentState.ENROLLED and today < enrollment.course.starts_on
        )
        context["attendances"] = list(
            enrollment.attendances.select_related("session").order_by("session__day")
        )
        context["may_edit"] = enrollment.state != EnrollmentState.WITHDRAWN and (
            is_officer(user)
            or (
                has_role(user, Role.ENTERPRISE)
                and open_to_enterprise
                and enrollment.course.enrolment_open
            )
        )
        context["may_withdraw"] = enrollment.state in (
            EnrollmentState.ENROLLED,
            EnrollmentState.NOT_COMPLETED,
        ) and (is_officer(user) or (has_role(user, Role.ENTERPRISE) and open_to_enterprise))
        context["history"] = record_history(enrollment)
        return context


class EnrollmentUpdateView(ConflictFormMixin, ScopedMixin, UpdateView):
    model = Enrollment
    action = "change"
    allowed_roles = WRITERS
    template_name = "programs/training/enrollment_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("course", "enterprise")

    def get_form_class(self):
        return enrollment_form_class(getattr(self.request, "user", None))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def conflict_form_kwargs(self, **kwargs):
        return {**kwargs, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "course": self.object.course}

    def form_valid(self, form):
        try:
            self.object = services.enrollment_update(
                enrollment_id=self.object.pk,
                data=form.service_data(),
                version=form.cleaned_data["version"],
                user=self.request.user,
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return redirect("programs:enrollment_detail", pk=self.object.pk)


class EnrollmentWithdrawView(ScopedMixin, DetailView):
    """GET asks for confirmation, POST withdraws (the service says whether it may)."""

    model = Enrollment
    action = "change"
    allowed_roles = WRITERS
    template_name = "generic/confirm.html"

    def get_queryset(self):
        return super().get_queryset().select_related("course")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["message"] = _("Rút tên “%(name)s” khỏi khóa học “%(course)s”?") % {
            "name": self.object.full_name,
            "course": self.object.course.title,
        }
        context["submit_label"] = _("Rút tên")
        context["submit_style"] = "danger"
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        enrollment = self.get_object()
        try:
            services.enrollment_withdraw(enrollment_id=enrollment.pk, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã rút tên “%s” khỏi khóa học.") % enrollment.full_name)
        return redirect(enrollment)


class EnrollmentResultView(ConflictFormMixin, ScopedMixin, UpdateView):
    """An officer records completed / not completed, with the completion number."""

    model = Enrollment
    form_class = EnrollmentResultForm
    action = "change"
    allowed_roles = OFFICER
    template_name = "programs/training/enrollment_result.html"

    def get_queryset(self):
        return super().get_queryset().select_related("course", "enterprise")

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.enrollment_set_result(
                enrollment_id=self.object.pk,
                state=data["state"],
                completion_number=data.get("completion_number") or "",
                completed_on=data.get("completed_on"),
                version=data["version"],
                user=self.request.user,
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi kết quả của “%s”.") % self.object.full_name)
        return redirect(self.object)


class EnrollmentCertificateView(ScopedMixin, View):
    """The certificate of completion as a PDF: officers, leaders and the trainee's own
    enterprise; a 404 for anyone else, and for a trainee who has not completed the course."""

    model = Enrollment
    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrollment = get_object_or_404(
            self.get_queryset().select_related("course", "course__admin_unit", "enterprise"),
            pk=pk,
            state=EnrollmentState.COMPLETED,
        )
        # An official document: Vietnamese whatever language the portal is shown in.
        with translation.override("vi"):
            pdf = render_pdf(
                "programs/training/certificate_pdf.html", selectors.certificate_context(enrollment)
            )
        name = slugify(fold(enrollment.full_name)) or "hoc-vien"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="giay-chung-nhan-{enrollment.pk}-{name}.pdf"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- Export -------------------------------------------------------------------------------------


class EnrollmentExportCreateView(RoleRequiredMixin, View):
    allowed_roles = EVERY_ROLE
    http_method_names: ClassVar[list[str]] = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ExportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Yêu cầu xuất dữ liệu không hợp lệ."))
            return redirect("programs:enrollment_list")
        # The list's query string arrives as data: parse_query normalises it like a form.
        params = {k: v for k, v in parse_query(form.cleaned_data["query"]).items() if k != "page"}
        job = services.enrollment_export_create(
            user=request.user, fmt=form.cleaned_data["format"], params=params
        )
        return redirect(job)


class EnrollmentExportDetailView(RoleRequiredMixin, DetailView):
    model = EnrollmentExportJob
    allowed_roles = EVERY_ROLE
    template_name = "programs/training/export_detail.html"

    def get_queryset(self):
        return EnrollmentExportJob.objects.for_user(self.request.user)

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["generic/htmx/export_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finished"] = self.object.state in (JobState.DONE, JobState.FAILED)
        return context


class EnrollmentExportDownloadView(RoleRequiredMixin, View):
    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, pk) -> FileResponse:
        job = get_object_or_404(
            EnrollmentExportJob.objects.for_user(request.user), pk=pk, state=JobState.DONE
        )
        if not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
