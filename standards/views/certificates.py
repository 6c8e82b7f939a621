"""Certificate pages: the officers' list and its export, detail, forms, events, scans, review."""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from enterprises.forms import ExportForm
from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.files import private_file_response
from laichau_nsc.history import record_history
from laichau_nsc.jobs import JobState
from laichau_nsc.roles import Role, has_role, is_officer, roles_of
from laichau_nsc.text import parse_query
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .. import list_cache, services
from ..filters import CertificateFilterSet
from ..forms import CertificateEventForm, CertificateForm, EnterpriseCertificateForm, ScanForm
from ..models import Certificate, CertificateExportJob
from ..tables import CertificateTable, certificate_rows_html
from .common import (
    EVERY_ROLE,
    STAFF,
    WRITERS,
    CorrectableMixin,
    DecisionView,
    EnterpriseScopedMixin,
    add_errors,
)

#: The filter panel's fields, drawn alone so that they can be kept (``list_cache``).
FILTER_FORM_TEMPLATE = "generic/inc/filter_form.html"


class CertificateListView(ObjectListView):
    model = Certificate
    allowed_roles = STAFF
    filterset_class = CertificateFilterSet
    table_class = CertificateTable
    template_name = "standards/certificate_list.html"
    results_template = "standards/htmx/certificate_table.html"

    #: What a row shows (certificate_rows_html): the page loads no other column.
    row_fields = (
        "number",
        "issued_on",
        "expires_on",
        "review_state",
        "is_archived",
        "enterprise__name",
        "enterprise__admin_unit__name",
        "standard__code",
        "body__name",
        "body__acronym",
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("enterprise", "enterprise__admin_unit", "standard", "body")
            .only(*self.row_fields)
        )

    def get_rows(self):
        # The page's rows by id, with their status on the list's day (rows_status).
        return self.filterset.rows_status(self.get_queryset())

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """The filter form and the results (count, rows, pages) come from this process's
        ``list_cache`` while nothing they show has changed; the layout is drawn as always."""
        self.today = timezone.localdate()
        key = self.kept_key()
        kept = list_cache.get(key) if key is not None else None
        if kept is None:
            kept, context = self.draw()
            if key is not None and self.filterset.is_valid():
                list_cache.put(key, kept)
        else:
            self.object_list = self.model.objects.none()  # never evaluated: names the template
            context = {"view": self, "active_filters": kept.active_filters}
        if self.results_only:
            response = HttpResponse(kept.results_html)
            patch_vary_headers(response, ["HX-Request"])
            return response
        context["filter_form_html"] = kept.filter_form_html
        context["results_html"] = kept.results_html
        return self.render_to_response(context)

    def draw(self) -> tuple[list_cache.Kept, dict]:
        """The filter form and the results drawn from the database, and the context."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.filterset.today = self.today
        if not self.filterset.is_bound or self.filterset.is_valid():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        form = {"form": self.filterset.form}
        kept = list_cache.Kept(
            filter_form_html=render_to_string(FILTER_FORM_TEMPLATE, form, self.request),
            results_html=render_to_string(self.results_template, context, self.request),
            active_filters=tuple(context["active_filters"]),
        )
        return kept, context

    def kept_key(self) -> tuple | None:
        """What the form and results depend on (``list_cache``); None: not kept (a search).
        The data version is read first: what is drawn after it is at least as new."""
        if self.request.GET.get("q"):
            return None
        return (
            list_cache.data_version(),
            self.today,
            get_language(),
            self.request.path,
            self.request.META.get("QUERY_STRING", ""),
            tuple(sorted(roles_of(self.request.user))),
            # The results drawn for htmx carry the filter count out of band (active_filters).
            bool(self.request.htmx),
        )

    @property
    def results_only(self) -> bool:
        """An htmx request for the results alone (``ObjectListView.get_template_names``)."""
        htmx = self.request.htmx
        return bool(htmx and not htmx.boosted and not htmx.history_restore_request)

    @property
    def default_sort(self) -> str:
        """An officer asking what expires soon reads the soonest first (a ?sort= still wins)."""
        filterset = self.filterset
        if filterset.is_valid() and filterset.form.cleaned_data.get("expiring_within") is not None:
            return "expires_on"
        return ""

    def get_table_kwargs(self) -> dict:
        kwargs = super().get_table_kwargs()
        if self.default_sort:
            kwargs["order_by"] = (self.default_sort,)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_day"] = context["filter"].day if context["filter"].is_valid() else None
        context["default_sort"] = self.default_sort
        records = (row.record for row in context["table"].page.object_list)
        context["rows_html"] = certificate_rows_html(records)
        return context


class CertificateDetailView(ScopedMixin, DetailView):
    model = Certificate
    allowed_roles = EVERY_ROLE
    template_name = "standards/certificate_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("enterprise", "standard", "body", "adoption", "reviewed_by")
            .prefetch_related("periods", "suspensions")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.object
        today = timezone.localdate()
        context["today"] = today
        context["status_today"] = certificate.status_on(today)
        context["events"] = certificate.events.select_related("recorded_by", "to_body").order_by(
            "-happened_on", "-pk"
        )
        context["history"] = record_history(certificate)
        context["may_correct"] = is_officer(self.request.user) or (
            has_role(self.request.user, Role.ENTERPRISE)
            and certificate.review_state != "verified"
            and not certificate.is_archived
        )
        return context


class CertificateFormMixin:
    """Officers get the whole form; an enterprise user the proposal form."""

    model = Certificate
    template_name = "standards/certificate_form.html"

    def get_form_class(self):
        # The enterprise form unless an officer (also for a request with no user yet).
        user = getattr(self.request, "user", None)
        return (
            CertificateForm if user is not None and is_officer(user) else EnterpriseCertificateForm
        )

    def data_from(self, form) -> dict:
        fields = form._meta.fields
        return {f: form.cleaned_data[f] for f in fields if f in form.cleaned_data}


class CertificateCreateView(
    EnterpriseScopedMixin, CertificateFormMixin, RoleRequiredMixin, CreateView
):
    """An officer records a certificate of the enterprise; its own user proposes one."""

    allowed_roles = WRITERS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.get_enterprise()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enterprise"] = self.get_enterprise()
        return context

    def form_valid(self, form):
        try:
            self.object = services.certificate_create(
                enterprise=self.get_enterprise(),
                data=self.data_from(form),
                user=self.request.user,
                scan=form.cleaned_data.get("scan_upload"),
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        if is_officer(self.request.user):
            messages.success(self.request, _("Đã ghi nhận chứng chỉ “%s”.") % self.object.number)
        else:
            messages.success(
                self.request,
                _("Đã gửi chứng chỉ “%s”; cán bộ Sở sẽ xác minh.") % self.object.number,
            )
        return redirect(self.object)


class CertificateUpdateView(
    ConflictFormMixin, CorrectableMixin, CertificateFormMixin, ScopedMixin, UpdateView
):
    """Saves through ``certificate_update``; a stale version re-shows the form with a 409."""

    action = "change"
    allowed_roles = WRITERS

    def form_valid(self, form):
        try:
            self.object = services.certificate_update(
                certificate_id=self.object.pk,
                data=self.data_from(form),
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


class CertificateFormPageMixin(ScopedMixin):
    """A form about one certificate, fetched (after the role check) through ``for_user``."""

    model = Certificate
    action = "change"

    @cached_property
    def object(self) -> Certificate:
        return get_object_or_404(
            self.get_queryset().select_related("standard", "body", "enterprise"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object}


class CertificateEventCreateView(CertificateFormPageMixin, FormView):
    """An officer records what happened: surveillance, suspension, renewal, transfer…"""

    allowed_roles = (Role.OFFICER,)
    form_class = CertificateEventForm
    template_name = "standards/certificate_event_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            event = services.certificate_record_event(
                certificate_id=self.object.pk,
                kind=data["kind"],
                happened_on=data["happened_on"],
                expires_on=data["expires_on"],
                to_body=data["to_body"],
                note=data["note"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi nhận sự kiện: %s.") % event)
        return redirect(self.object)


class CertificateScanUploadView(CertificateFormPageMixin, FormView):
    """Officers, and the enterprise's own users, upload (or replace) the scan."""

    allowed_roles = WRITERS
    form_class = ScanForm
    template_name = "standards/certificate_scan_form.html"

    def form_valid(self, form):
        try:
            services.certificate_attach_scan(
                certificate_id=self.object.pk,
                scan=form.cleaned_data["scan"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu bản chụp chứng chỉ."))
        return redirect(self.object)


class CertificateScanDownloadView(ScopedMixin, View):
    """The scan, only to those who may see the certificate (a 404 for anyone else)."""

    model = Certificate
    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        certificate = get_object_or_404(self.get_queryset(), pk=pk)
        name = f"chung-chi-{certificate.pk}"
        return private_file_response(certificate.scan, download_name=name)


class CertificateDecisionView(DecisionView):
    model = Certificate

    def act(self, obj, form) -> None:
        user = self.request.user
        if self.decision == "verify":
            services.certificate_verify(
                certificate_id=obj.pk, version=form.cleaned_data["version"], user=user
            )
        elif self.decision == "return":
            services.certificate_return(
                certificate_id=obj.pk,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                user=user,
            )
        else:
            services.certificate_set_archived(
                certificate_id=obj.pk, archived=self.decision == "archive", user=user
            )


# --- Exports ----------------------------------------------------------------------------------


class CertificateExportCreateView(RoleRequiredMixin, View):
    allowed_roles = STAFF
    http_method_names: ClassVar[list[str]] = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ExportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Yêu cầu xuất dữ liệu không hợp lệ."))
            return redirect("standards:certificate_list")
        # The list's query string arrives as data: parse_query normalises it like a form.
        params = {k: v for k, v in parse_query(form.cleaned_data["query"]).items() if k != "page"}
        job = services.certificate_export_create(
            user=request.user, fmt=form.cleaned_data["format"], params=params
        )
        return redirect(job)


class CertificateExportDetailView(RoleRequiredMixin, DetailView):
    model = CertificateExportJob
    allowed_roles = STAFF
    template_name = "standards/export_detail.html"

    def get_queryset(self):
        return CertificateExportJob.objects.for_user(self.request.user)

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["generic/htmx/export_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finished"] = self.object.state in (JobState.DONE, JobState.FAILED)
        return context


class CertificateExportDownloadView(RoleRequiredMixin, View):
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk) -> FileResponse:
        job = get_object_or_404(
            CertificateExportJob.objects.for_user(request.user), pk=pk, state=JobState.DONE
        )
        if not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
