"""Barcode registration pages (GS1 company prefixes): the list and its export, detail with usage,
fees, GLNs and products, forms, the fee-recording action, archive and restore. Officers record;
leaders read; an enterprise user sees its own enterprise's."""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from enterprises.forms import ExportForm
from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.history import record_history
from laichau_nsc.jobs import JobState
from laichau_nsc.roles import Role
from laichau_nsc.text import parse_query
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .. import selectors_products as selectors
from .. import services_products as services
from ..filters_products import BarcodeRegistrationFilterSet
from ..forms_products import BarcodeFeeForm, BarcodeRegistrationForm, LocationForm
from ..models import BarcodeExportJob, BarcodeRegistration, LocationNumber
from ..tables_products import BarcodeRegistrationTable
from .common import EVERY_ROLE, STAFF, DecisionView, EnterpriseScopedMixin, add_errors

OFFICER = (Role.OFFICER,)


class BarcodeListView(ObjectListView):
    model = BarcodeRegistration
    allowed_roles = EVERY_ROLE
    filterset_class = BarcodeRegistrationFilterSet
    table_class = BarcodeRegistrationTable
    template_name = "standards/barcodes/barcode_list.html"
    results_template = "standards/barcodes/htmx/barcode_table.html"

    def get_queryset(self):
        return selectors.barcode_list_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_day"] = context["filter"].day if context["filter"].is_valid() else None
        return context


class BarcodeDetailView(ScopedMixin, DetailView):
    model = BarcodeRegistration
    allowed_roles = EVERY_ROLE
    template_name = "standards/barcodes/barcode_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise").prefetch_related("fees")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.object
        context.update(
            selectors.registration_detail(registration=registration, user=self.request.user)
        )
        context["history"] = record_history(registration)
        return context


class BarcodeCreateView(EnterpriseScopedMixin, RoleRequiredMixin, CreateView):
    """An officer records a company prefix granted to the enterprise."""

    allowed_roles = OFFICER
    model = BarcodeRegistration
    form_class = BarcodeRegistrationForm
    template_name = "standards/barcodes/barcode_form.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enterprise": self.get_enterprise()}

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in services.BARCODE_FIELDS}
        try:
            self.object = services.barcode_registration_create(
                enterprise=self.get_enterprise(), data=data, user=self.request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Đã ghi nhận mã doanh nghiệp GS1 %s.") % self.object.prefix
        )
        return redirect(self.object)


class BarcodeUpdateView(ConflictFormMixin, ScopedMixin, UpdateView):
    """Saves through ``barcode_registration_update``; a stale version shows a 409."""

    action = "change"
    allowed_roles = OFFICER
    model = BarcodeRegistration
    form_class = BarcodeRegistrationForm
    template_name = "standards/barcodes/barcode_form.html"

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in services.BARCODE_FIELDS}
        try:
            self.object = services.barcode_registration_update(
                registration_id=self.object.pk,
                data=data,
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


class BarcodeDecisionView(DecisionView):
    model = BarcodeRegistration

    def act(self, obj, form) -> None:
        services.barcode_registration_set_archived(
            registration_id=obj.pk, archived=self.decision == "archive", user=self.request.user
        )


class RegistrationPageMixin(RoleRequiredMixin):
    """A form about one registration (officers only)."""

    allowed_roles = OFFICER

    @cached_property
    def registration(self) -> BarcodeRegistration:
        return get_object_or_404(
            BarcodeRegistration.objects.for_user(self.request.user, "change").select_related(
                "enterprise"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "registration": self.registration}


class BarcodeFeeCreateView(RegistrationPageMixin, FormView):
    """Record the yearly fee paid for a year (or correct that year's record)."""

    form_class = BarcodeFeeForm
    template_name = "standards/barcodes/fee_form.html"

    def get_initial(self):
        today = timezone.localdate()
        return {"year": today.year, "paid_on": today}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            fee = services.barcode_fee_record(
                registration_id=self.registration.pk,
                year=data["year"],
                paid_on=data["paid_on"],
                amount=data["amount"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi nhận phí duy trì năm %s.") % fee.year)
        return redirect(self.registration)


class LocationCreateView(RegistrationPageMixin, FormView):
    form_class = LocationForm
    template_name = "standards/barcodes/location_form.html"

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in services.LOCATION_FIELDS}
        try:
            location = services.location_create(
                registration_id=self.registration.pk, data=data, user=self.request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi nhận mã GLN %s.") % location.gln)
        return redirect(self.registration)


class LocationPageMixin(RoleRequiredMixin):
    allowed_roles = OFFICER

    @cached_property
    def location(self) -> LocationNumber:
        # GLNs are the officers' (the role check ran first), so no scoping beyond it.
        return get_object_or_404(
            LocationNumber.objects.select_related("registration__enterprise"), pk=self.kwargs["pk"]
        )

    @property
    def registration(self) -> BarcodeRegistration:
        return self.location.registration


class LocationUpdateView(LocationPageMixin, FormView):
    form_class = LocationForm
    template_name = "standards/barcodes/location_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.location}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(registration=self.registration, location=self.location)
        return context

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in services.LOCATION_FIELDS}
        try:
            services.location_update(
                location_id=self.location.pk, data=data, user=self.request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return redirect(self.registration)


class LocationDecisionView(LocationPageMixin, View):
    """Archive or restore a GLN: a POST from the registration's page."""

    http_method_names: ClassVar[list[str]] = ["post"]
    archive: ClassVar[bool] = True

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        location = services.location_set_archived(
            location_id=self.location.pk, archived=self.archive, user=request.user
        )
        done = _("Đã lưu trữ mã GLN %s.") if self.archive else _("Đã khôi phục mã GLN %s.")
        messages.success(request, done % location.gln)
        return redirect(self.registration)


# --- Exports ----------------------------------------------------------------------------------


class BarcodeExportCreateView(RoleRequiredMixin, View):
    allowed_roles = STAFF
    http_method_names: ClassVar[list[str]] = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ExportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Yêu cầu xuất dữ liệu không hợp lệ."))
            return redirect("standards:barcode_list")
        # The list's query string arrives as data: parse_query normalises it like a form.
        params = {k: v for k, v in parse_query(form.cleaned_data["query"]).items() if k != "page"}
        job = services.barcode_export_create(
            user=request.user, fmt=form.cleaned_data["format"], params=params
        )
        return redirect(job)


class BarcodeExportDetailView(RoleRequiredMixin, DetailView):
    model = BarcodeExportJob
    allowed_roles = STAFF
    template_name = "standards/barcodes/export_detail.html"

    def get_queryset(self):
        return BarcodeExportJob.objects.for_user(self.request.user)

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["generic/htmx/export_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finished"] = self.object.state in (JobState.DONE, JobState.FAILED)
        return context


class BarcodeExportDownloadView(RoleRequiredMixin, View):
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk) -> FileResponse:
        job = get_object_or_404(
            BarcodeExportJob.objects.for_user(request.user), pk=pk, state=JobState.DONE
        )
        if not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
