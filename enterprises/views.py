from typing import ClassVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from laichau_nsc.client import client_ip
from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.jobs import JobState
from laichau_nsc.ratelimit import over_limit
from laichau_nsc.roles import Role, is_officer
from laichau_nsc.text import parse_query
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from . import catalogues, selectors, services
from .choices import CURRENT_SECTOR_VERSION, ClassificationVersion
from .filters import EnterpriseFilterSet, MembershipFilterSet
from .forms import (
    AccountRequestForm,
    EnterpriseContactForm,
    EnterpriseForm,
    ExportForm,
    ReasonForm,
)
from .models import Enterprise, ExportJob, Membership
from .tables import EnterpriseTable, MembershipTable

STAFF = (Role.OFFICER, Role.LEADER)
EVERY_ROLE = (Role.OFFICER, Role.LEADER, Role.ENTERPRISE)


# --- Enterprises ------------------------------------------------------------------------------


class EnterpriseListView(ObjectListView):
    model = Enterprise
    allowed_roles = STAFF
    filterset_class = EnterpriseFilterSet
    table_class = EnterpriseTable
    template_name = "enterprises/enterprise_list.html"
    results_template = "enterprises/htmx/enterprise_table.html"

    def get_queryset(self):
        return super().get_queryset().select_related("admin_unit", "sector")

    def get_rows(self):
        # EnterpriseTable.page_records reads the columns a row shows.
        return Enterprise.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_form"] = ExportForm(initial={"query": self.request.GET.urlencode()})
        return context


class EnterpriseDetailView(ScopedMixin, DetailView):
    model = Enterprise
    allowed_roles = EVERY_ROLE
    template_name = "enterprises/enterprise_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("admin_unit", "sector")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.object
        context["history"] = selectors.enterprise_history(enterprise)
        context["assignments"] = enterprise.unit_assignments.select_related("unit").order_by(
            F("valid_from").desc(nulls_last=True)
        )
        # From the cached catalogues: no query.
        context["unit_origins"] = catalogues.units().origins_text(enterprise.admin_unit_id)
        sector = enterprise.sector
        if sector is not None and sector.version != CURRENT_SECTOR_VERSION:
            context["sector_counterparts"] = catalogues.sectors().counterparts(sector.pk)
            context["current_sector_version"] = ClassificationVersion(CURRENT_SECTOR_VERSION).label
        from standards.selectors import enterprise_records  # standards builds on enterprises
        from standards.selectors_products import enterprise_products

        context.update(enterprise_records(enterprise=enterprise, user=self.request.user))
        context.update(enterprise_products(enterprise=enterprise, user=self.request.user))
        from programs.selectors_support import enterprise_support  # programs builds on both

        context.update(enterprise_support(enterprise=enterprise, user=self.request.user))
        if is_officer(self.request.user):
            context["memberships"] = (
                Membership.objects.for_user(self.request.user)
                .filter(enterprise=enterprise)
                .select_related("user")
            )
        return context


class EnterpriseCreateView(RoleRequiredMixin, CreateView):
    model = Enterprise
    form_class = EnterpriseForm
    allowed_roles = (Role.OFFICER,)
    template_name = "enterprises/enterprise_form.html"

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in EnterpriseForm.Meta.fields}
        try:
            self.object = services.enterprise_create(data=data, user=self.request.user)
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã thêm doanh nghiệp “%s”.") % self.object.name)
        return redirect(self.object)


class EnterpriseEditView(ConflictFormMixin, ScopedMixin, UpdateView):
    """Saves through ``enterprise_update``; a stale version re-shows the form with a 409."""

    model = Enterprise
    action = "change"
    template_name = "enterprises/enterprise_form.html"

    def form_valid(self, form):
        fields = form._meta.fields
        data = {f: form.cleaned_data[f] for f in fields}
        try:
            self.object = services.enterprise_update(
                enterprise_id=self.object.pk,
                data=data,
                version=form.cleaned_data["version"],
                user=self.request.user,
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return redirect(self.object)


class EnterpriseUpdateView(EnterpriseEditView):
    form_class = EnterpriseForm
    allowed_roles = (Role.OFFICER,)


class EnterpriseContactUpdateView(EnterpriseEditView):
    form_class = EnterpriseContactForm
    allowed_roles = (Role.OFFICER, Role.ENTERPRISE)


class EnterpriseArchiveView(ScopedMixin, DetailView):
    """GET asks for confirmation, POST archives (or restores) the enterprise."""

    model = Enterprise
    action = "change"
    allowed_roles = (Role.OFFICER,)
    archive: ClassVar[bool] = True
    template_name = "generic/confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        name = self.object.name
        if self.archive:
            context["message"] = (
                _(
                    "Lưu trữ “%s”? Hồ sơ sẽ ẩn khỏi danh sách và số liệu, "
                    "nhưng toàn bộ dữ liệu và lịch sử vẫn được giữ và có thể khôi phục."
                )
                % name
            )
            context["submit_label"] = _("Lưu trữ")
            context["submit_style"] = "warning"
        else:
            context["message"] = _("Khôi phục “%s” về danh sách đang theo dõi?") % name
            context["submit_label"] = _("Khôi phục")
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        enterprise = self.get_object()
        services.enterprise_set_archived(
            enterprise=enterprise, archived=self.archive, user=request.user
        )
        text = _("Đã lưu trữ “%s”.") if self.archive else _("Đã khôi phục “%s”.")
        messages.success(request, text % enterprise.name)
        return redirect(enterprise)


class EnterpriseRestoreView(EnterpriseArchiveView):
    archive = False


class MyEnterpriseView(RoleRequiredMixin, TemplateView):
    """An enterprise user's way in: straight to their enterprise when they have one."""

    allowed_roles = (Role.ENTERPRISE,)
    template_name = "enterprises/my_enterprise.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        enterprises = list(Enterprise.objects.for_user(request.user).active()[:2])
        if len(enterprises) == 1:
            return redirect(enterprises[0])
        return render(request, self.template_name, {"enterprises": enterprises})


# --- Exports ----------------------------------------------------------------------------------


class ExportCreateView(RoleRequiredMixin, View):
    allowed_roles = STAFF
    http_method_names: ClassVar[list[str]] = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ExportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Yêu cầu xuất dữ liệu không hợp lệ."))
            return redirect("enterprises:enterprise_list")
        # The list's query string arrives as data: parse_query normalises it like a form (a
        # %00 in it would otherwise reach the JSON column, which PostgreSQL refuses).
        params = {k: v for k, v in parse_query(form.cleaned_data["query"]).items() if k != "page"}
        job = services.export_job_create(
            user=request.user, fmt=form.cleaned_data["format"], params=params
        )
        return redirect(job)


class ExportDetailView(RoleRequiredMixin, DetailView):
    model = ExportJob
    allowed_roles = STAFF
    template_name = "enterprises/export_detail.html"

    def get_queryset(self):
        return ExportJob.objects.for_user(self.request.user)

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["enterprises/htmx/export_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finished"] = self.object.state in (JobState.DONE, JobState.FAILED)
        return context


class ExportDownloadView(RoleRequiredMixin, View):
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk) -> FileResponse:
        job = get_object_or_404(
            ExportJob.objects.for_user(request.user), pk=pk, state=JobState.DONE
        )
        if not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


# --- Enterprise accounts ----------------------------------------------------------------------


class AccountRequestView(FormView):
    """Public: ask for an account for an enterprise; an officer approves it."""

    form_class = AccountRequestForm
    template_name = "enterprises/account_request.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Each granted request creates a login: every attempt counts, before it is processed.
        if over_limit(
            "account-request",
            client_ip(request),
            limit=settings.PORTAL_ACCOUNT_REQUESTS_PER_HOUR,
        ):
            form = self.get_form()
            form.add_error(
                None,
                _("Đã có quá nhiều yêu cầu từ máy này. Vui lòng thử lại sau một giờ."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        data = form.cleaned_data
        try:
            services.membership_request(
                tax_code=data["tax_code"],
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
                note=data["note"],
                language=get_language(),
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        return redirect("enterprises:account_request_done")


def _add_errors(form, error: ValidationError) -> None:
    """Attach a service's errors to the form fields they name (others to the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class AccountRequestDoneView(TemplateView):
    template_name = "enterprises/account_request_done.html"


class MembershipListView(ObjectListView):
    model = Membership
    allowed_roles = (Role.OFFICER,)
    filterset_class = MembershipFilterSet
    table_class = MembershipTable
    template_name = "enterprises/membership_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "user")


class MembershipDecisionView(ScopedMixin, DetailView):
    """GET shows the request and asks for confirmation (and a reason); POST decides."""

    model = Membership
    action = "change"
    allowed_roles = (Role.OFFICER,)
    template_name = "enterprises/membership_decision.html"
    decision: ClassVar[str] = "approve"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decision"] = self.decision
        if self.decision != "approve":
            context.setdefault("form", ReasonForm())
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = membership = self.get_object()
        form = ReasonForm(request.POST) if self.decision != "approve" else None
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            if self.decision == "approve":
                services.membership_approve(membership_id=membership.pk, user=request.user)
            else:
                act = (
                    services.membership_refuse
                    if self.decision == "refuse"
                    else services.membership_revoke
                )
                act(
                    membership_id=membership.pk,
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = {
                "approve": _("Đã duyệt yêu cầu tài khoản của %(name)s (%(enterprise)s)."),
                "refuse": _("Đã từ chối yêu cầu tài khoản của %(name)s (%(enterprise)s)."),
                "revoke": _("Đã thu hồi tài khoản của %(name)s (%(enterprise)s)."),
            }[self.decision]
            names = {"name": membership.full_name, "enterprise": membership.enterprise.name}
            messages.success(request, done % names)
        # Back to what still waits for a decision.
        return redirect("enterprises:membership_list")
