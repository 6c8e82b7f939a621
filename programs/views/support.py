"""Expert team and support pages: the expert list and an expert's page (which enterprises they
advised), the support list with its totals by funding source, a support activity's page, the
officers' forms, archive and restore, the decision's file and the exports.

Every signed-in role reads the expert team; officers change it. Support: officers record and
change, leaders read, an enterprise user reads the support its own enterprise received (rows
always through ``SupportActivity.objects.for_user``; another enterprise's is a 404).
"""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, UpdateView

from enterprises.forms import ExportForm
from enterprises.models import Enterprise
from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.files import private_file_response
from laichau_nsc.history import record_history
from laichau_nsc.jobs import JobState
from laichau_nsc.roles import Role, is_staff_reader
from laichau_nsc.text import parse_query
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .. import selectors_support as selectors
from .. import services_support as services
from ..choices import SupportExportSubject
from ..filters_support import ExpertFilterSet, SupportActivityFilterSet
from ..forms_support import (
    EnterprisePickForm,
    ExpertForm,
    SupportActivityForm,
    funding_formset,
)
from ..models import Expert, SupportActivity, SupportExportJob
from ..tables_support import ExpertTable, SupportActivityTable
from .training import add_errors

OFFICER = (Role.OFFICER,)
EVERY_ROLE = (Role.OFFICER, Role.LEADER, Role.ENTERPRISE)


class StaffFilterMixin:
    """The list's FilterSet knows whether its user is staff (officer or leader)."""

    def get_filterset_kwargs(self, filterset_class):
        staff = is_staff_reader(self.request.user)
        return {**super().get_filterset_kwargs(filterset_class), "staff": staff}


class ArchiveMixin(ScopedMixin, DetailView):
    """GET asks for confirmation, POST archives (or restores) the record."""

    action = "change"
    allowed_roles = OFFICER
    archive: ClassVar[bool] = True
    template_name = "generic/confirm.html"

    def archive_message(self) -> str:
        raise NotImplementedError

    def set_archived(self, obj, archived: bool) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.archive:
            context["message"] = self.archive_message()
            context["submit_label"] = _("Lưu trữ")
            context["submit_style"] = "warning"
        else:
            context["message"] = _("Khôi phục “%s”?") % self.object
            context["submit_label"] = _("Khôi phục")
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        obj = self.get_object()
        self.set_archived(obj, self.archive)
        text = _("Đã lưu trữ “%s”.") if self.archive else _("Đã khôi phục “%s”.")
        messages.success(request, text % obj)
        return redirect(obj)


class ExportCreateMixin(RoleRequiredMixin, View):
    """POST only: queue an export of the list the request came from (its query string)."""

    allowed_roles = EVERY_ROLE
    http_method_names: ClassVar[list[str]] = ["post"]
    subject: ClassVar[str]
    list_url: ClassVar[str]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ExportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Yêu cầu xuất dữ liệu không hợp lệ."))
            return redirect(self.list_url)
        params = {k: v for k, v in parse_query(form.cleaned_data["query"]).items() if k != "page"}
        job = services.support_export_create(
            user=request.user, subject=self.subject, fmt=form.cleaned_data["format"], params=params
        )
        return redirect(job)


# --- Experts ------------------------------------------------------------------------------------


class ExpertListView(StaffFilterMixin, ObjectListView):
    model = Expert
    allowed_roles = EVERY_ROLE
    filterset_class = ExpertFilterSet
    table_class = ExpertTable
    template_name = "programs/support/expert_list.html"
    results_template = "programs/support/htmx/expert_table.html"

    def get_queryset(self):
        return selectors.experts_for(self.request.user)


class ExpertDetailView(ScopedMixin, DetailView):
    """An expert, the enterprises they advised and their latest support (as far as the user
    may see it: an enterprise user, its own)."""

    model = Expert
    allowed_roles = EVERY_ROLE
    template_name = "programs/support/expert_detail.html"

    def get_queryset(self):
        return selectors.experts_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        expert, user = self.object, self.request.user
        context["advised"] = selectors.expert_enterprises(expert=expert, user=user)
        context["activities"] = selectors.expert_activities(expert=expert, user=user)
        context["staff"] = is_staff_reader(user)
        if context["staff"]:
            context["history"] = record_history(expert)
        return context


class ExpertCreateView(RoleRequiredMixin, CreateView):
    model = Expert
    form_class = ExpertForm
    allowed_roles = OFFICER
    template_name = "programs/support/expert_form.html"

    def form_valid(self, form):
        try:
            self.object = services.expert_create(data=form.service_data(), user=self.request.user)
        except ValidationError as error:
            add_errors(form, _errors_for_expert_form(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã thêm chuyên gia “%s”.") % self.object.full_name)
        return redirect(self.object)


def _errors_for_expert_form(error: ValidationError) -> ValidationError:
    """The model's ``fields`` is the form's ``field_list``."""
    if hasattr(error, "error_dict") and "fields" in error.error_dict:
        error.error_dict["field_list"] = error.error_dict.pop("fields")
    return error


class ExpertUpdateView(ConflictFormMixin, ScopedMixin, UpdateView):
    model = Expert
    form_class = ExpertForm
    action = "change"
    allowed_roles = OFFICER
    template_name = "programs/support/expert_form.html"

    def form_valid(self, form):
        try:
            self.object = services.expert_update(
                expert_id=self.object.pk,
                data=form.service_data(),
                version=form.cleaned_data["version"],
                user=self.request.user,
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, _errors_for_expert_form(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return redirect(self.object)


class ExpertArchiveView(ArchiveMixin):
    model = Expert

    def archive_message(self) -> str:
        return (
            _(
                "Lưu trữ chuyên gia “%s”? Chuyên gia sẽ ẩn khỏi danh sách và không chọn được cho "
                "hoạt động hỗ trợ mới; các hỗ trợ đã ghi và lịch sử vẫn được giữ, có thể khôi phục."
            )
            % self.object
        )

    def set_archived(self, obj, archived: bool) -> None:
        services.expert_set_archived(expert_id=obj.pk, archived=archived, user=self.request.user)


class ExpertRestoreView(ExpertArchiveView):
    archive = False


class ExpertExportCreateView(ExportCreateMixin):
    subject = SupportExportSubject.EXPERTS
    list_url = "programs:expert_list"


# --- Support activities -------------------------------------------------------------------------


class SupportListView(StaffFilterMixin, ObjectListView):
    """Support the user may see, with what the filtered rows add up to, by funding source."""

    model = SupportActivity
    allowed_roles = EVERY_ROLE
    filterset_class = SupportActivityFilterSet
    table_class = SupportActivityTable
    template_name = "programs/support/support_list.html"
    results_template = "programs/support/htmx/support_table.html"

    def get_queryset(self):
        return selectors.activities_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = selectors.support_totals(self.object_list)
        return context


def support_queryset(user):
    """What a support page starts from: staff see archived activities too, an enterprise user
    only the live ones of its own enterprise."""
    queryset = selectors.with_totals(SupportActivity.objects.for_user(user))
    if not is_staff_reader(user):
        queryset = queryset.filter(is_archived=False)
    return queryset


class SupportDetailView(ScopedMixin, DetailView):
    model = SupportActivity
    allowed_roles = EVERY_ROLE
    template_name = "programs/support/support_detail.html"

    def get_queryset(self):
        return support_queryset(self.request.user).select_related(
            "enterprise", "adoption__standard", "course"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.object
        context["fundings"] = selectors.support_detail_fundings(activity)
        context["experts"] = list(activity.experts.order_by("full_name", "pk"))
        context["staff"] = is_staff_reader(self.request.user)
        if context["staff"]:
            context["history"] = record_history(activity)
            context["funding_history"] = selectors.funding_history(activity)
        return context


class SupportFormMixin:
    """The activity form and its funding table, for one enterprise."""

    model = SupportActivity
    form_class = SupportActivityForm
    allowed_roles = OFFICER
    template_name = "programs/support/support_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "enterprise": self.enterprise,
        }

    def conflict_form_kwargs(self, **kwargs):
        return {**kwargs, "user": self.request.user, "enterprise": self.enterprise}

    def get_context_data(self, **kwargs):
        if "funding" not in kwargs:
            data = self.request.POST if self.request.method == "POST" else None
            kwargs["funding"] = funding_formset(data, activity=getattr(self, "object", None))
        return super().get_context_data(enterprise=self.enterprise, **kwargs)

    def form_valid(self, form):
        funding = funding_formset(self.request.POST)
        if not funding.is_valid():
            return self.render_to_response(self.get_context_data(form=form, funding=funding))
        try:
            self.object = self.save(form, funding.fundings())
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, _errors_for_support_form(error))
            return self.render_to_response(self.get_context_data(form=form, funding=funding))
        messages.success(self.request, _("Đã lưu hoạt động hỗ trợ “%s”.") % self.object.title)
        return redirect(self.object)


def _errors_for_support_form(error: ValidationError) -> ValidationError:
    """Errors about the funding rows are shown above the form (the table is not a field)."""
    if hasattr(error, "error_dict") and "fundings" in error.error_dict:
        error.error_dict["total"] = error.error_dict.pop("fundings") + error.error_dict.get(
            "total", []
        )
    return error


class SupportCreateView(SupportFormMixin, RoleRequiredMixin, CreateView):
    """Two steps: the enterprise by its tax code (or ``?enterprise=<id>`` from its page), then
    the activity; the enterprise cannot change afterwards."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def enterprise(self) -> Enterprise | None:
        value = self.request.GET.get("enterprise", "")
        if not value.isdigit():
            return None
        return get_object_or_404(Enterprise.objects.for_user(self.request.user), pk=int(value))

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.enterprise is not None:
            return super().get(request, *args, **kwargs)
        pick = EnterprisePickForm(request.GET or None, user=request.user)
        if pick.is_bound and pick.is_valid():
            enterprise = pick.cleaned_data["tax_code"]
            return redirect(f"{request.path}?enterprise={enterprise.pk}")
        return self.render_pick(pick)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.enterprise is None:
            return self.render_pick(EnterprisePickForm(user=request.user), status=400)
        return super().post(request, *args, **kwargs)

    def render_pick(self, pick, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "programs/support/support_pick_enterprise.html",
            {"form": pick},
            status=status,
        )

    def save(self, form, fundings: dict[str, int]) -> SupportActivity:
        data = form.cleaned_data
        return services.support_create(
            enterprise=self.enterprise,
            data=form.service_data(),
            experts=data.get("experts") or [],
            fundings=fundings,
            total=data["total"],
            decision_file=data.get("decision_file") or None,
            user=self.request.user,
        )


class SupportUpdateView(SupportFormMixin, ConflictFormMixin, ScopedMixin, UpdateView):
    action = "change"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise")

    @cached_property
    def enterprise(self) -> Enterprise:
        return self.object.enterprise

    def get_initial(self):
        initial = super().get_initial()
        total = self.object.fundings.aggregate(total=Sum("amount"))["total"] or 0
        return {**initial, "total": total}

    def save(self, form, fundings: dict[str, int]) -> SupportActivity:
        data = form.cleaned_data
        upload = data.get("decision_file")
        return services.support_update(
            activity_id=self.object.pk,
            data=form.service_data(),
            experts=data.get("experts") or [],
            fundings=fundings,
            total=data["total"],
            # An unchanged field gives back the stored file: only a new upload replaces it.
            decision_file=upload if upload and upload != self.object.decision_file else None,
            version=data["version"],
            user=self.request.user,
        )


class SupportArchiveView(ArchiveMixin):
    model = SupportActivity

    def archive_message(self) -> str:
        return (
            _(
                "Lưu trữ hoạt động hỗ trợ “%s”? Hoạt động sẽ không còn được tính vào danh sách, "
                "tổng kinh phí và các chỉ tiêu, nhưng vẫn được giữ cùng lịch sử và có thể khôi "
                "phục."
            )
            % self.object.title
        )

    def set_archived(self, obj, archived: bool) -> None:
        services.support_set_archived(activity_id=obj.pk, archived=archived, user=self.request.user)


class SupportRestoreView(SupportArchiveView):
    archive = False


class SupportDecisionFileView(RoleRequiredMixin, View):
    """The approving decision's file, only to those who may see the activity (else a 404)."""

    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        activity = get_object_or_404(support_queryset(request.user), pk=pk)
        return private_file_response(activity.decision_file, download_name=f"quyet-dinh-{pk}")


class SupportExportCreateView(ExportCreateMixin):
    subject = SupportExportSubject.ACTIVITIES
    list_url = "programs:support_list"


class SupportExportDetailView(RoleRequiredMixin, DetailView):
    model = SupportExportJob
    allowed_roles = EVERY_ROLE
    template_name = "programs/support/export_detail.html"

    def get_queryset(self):
        return SupportExportJob.objects.for_user(self.request.user)

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["generic/htmx/export_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finished"] = self.object.state in (JobState.DONE, JobState.FAILED)
        return context


class SupportExportDownloadView(RoleRequiredMixin, View):
    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, pk) -> FileResponse:
        job = get_object_or_404(
            SupportExportJob.objects.for_user(request.user), pk=pk, state=JobState.DONE
        )
        if not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
