"""Catalogue pages: every signed-in role reads standards and certification bodies; officers add,
edit (refused when based on a stale copy) and deactivate them; nothing is deleted."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, UpdateView

from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.roles import Role, is_staff_reader
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from . import selectors_catalogue as selectors
from . import services_catalogue as services
from .filters_catalogue import CertificationBodyFilterSet, StandardFilterSet
from .forms_catalogue import CertificationBodyForm, StandardForm
from .models import CertificationBody, Standard
from .tables_catalogue import CertificationBodyTable, StandardTable, accreditation_html

EVERY_ROLE = (Role.OFFICER, Role.LEADER, Role.ENTERPRISE)
OFFICER = (Role.OFFICER,)
FORM_TEMPLATE = "standards/catalogue/catalogue_form.html"


# --- Shared pieces -----------------------------------------------------------------------------


def add_errors(form, error: ValidationError) -> None:
    """Attach a service's errors to the form fields they name (others to the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CatalogueCreateView(RoleRequiredMixin, CreateView):
    allowed_roles = OFFICER
    template_name = FORM_TEMPLATE
    #: ``create(data=…, user=…)``: the service that saves the new record.
    create: ClassVar[Callable[..., Any]]
    heading: ClassVar[Any] = ""
    cancel_url_name: ClassVar[str] = ""

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form._meta.fields}
        try:
            self.object = type(self).create(data=data, user=self.request.user)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã thêm “%s”.") % self.object)
        return redirect(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        context["cancel_url"] = reverse(self.cancel_url_name)
        return context


class CatalogueUpdateView(ConflictFormMixin, ScopedMixin, UpdateView):
    """Saves through the service with the version the form carries; a stale version re-shows
    the form with what changed meanwhile (409), keeping the officer's input."""

    action = "change"
    allowed_roles = OFFICER
    template_name = FORM_TEMPLATE
    #: ``update(pk, data=…, version=…, user=…)``.
    update: ClassVar[Callable[..., Any]]

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form._meta.fields}
        try:
            self.object = type(self).update(
                self.object.pk,
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = _("Sửa: %s") % self.object
        context["cancel_url"] = self.object.get_absolute_url()
        return context


class SetActiveView(ScopedMixin, DetailView):
    """GET asks for confirmation, POST deactivates (or reactivates) the record."""

    action = "change"
    allowed_roles = OFFICER
    template_name = "generic/confirm.html"
    active: ClassVar[bool] = False
    #: ``set_active(pk, active=…, user=…)``.
    set_active: ClassVar[Callable[..., Any]]
    deactivate_message: ClassVar[Any] = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.active:
            context["message"] = _("Dùng lại “%s” trong danh mục?") % self.object
            context["submit_label"] = _("Dùng lại")
        else:
            context["message"] = self.deactivate_message % self.object
            context["submit_label"] = _("Ngừng dùng")
            context["submit_style"] = "warning"
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        obj = self.get_object()
        type(self).set_active(obj.pk, active=self.active, user=request.user)
        text = _("Đã dùng lại “%s”.") if self.active else _("Đã ngừng dùng “%s”.")
        messages.success(request, text % obj)
        return redirect(obj)


# --- Standards ---------------------------------------------------------------------------------


class StandardListView(ObjectListView):
    model = Standard
    allowed_roles = EVERY_ROLE
    filterset_class = StandardFilterSet
    table_class = StandardTable
    template_name = "standards/catalogue/standard_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("superseded_by")


class StandardDetailView(ScopedMixin, DetailView):
    model = Standard
    allowed_roles = EVERY_ROLE
    template_name = "standards/catalogue/standard_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("superseded_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        standard, user = self.object, self.request.user
        context["predecessors"] = standard.supersedes.order_by("code")
        context["use"] = selectors.standard_use(
            standard=standard, user=user, today=timezone.localdate()
        )
        if is_staff_reader(user):
            context["history"] = selectors.record_history(standard)
        return context


def _standard_update(pk: int, **kwargs) -> Standard:
    return services.standard_update(standard_id=pk, **kwargs)


def _standard_set_active(pk: int, **kwargs) -> Standard:
    return services.standard_set_active(standard_id=pk, **kwargs)


class StandardCreateView(CatalogueCreateView):
    model = Standard
    form_class = StandardForm
    create = staticmethod(services.standard_create)
    heading = gettext_lazy("Thêm tiêu chuẩn, công cụ")
    cancel_url_name = "catalogue:standard_list"


class StandardUpdateView(CatalogueUpdateView):
    model = Standard
    form_class = StandardForm
    update = staticmethod(_standard_update)


class StandardDeactivateView(SetActiveView):
    model = Standard
    set_active = staticmethod(_standard_set_active)
    deactivate_message = gettext_lazy(
        "Ngừng dùng “%s”? Tiêu chuẩn sẽ không được chọn cho áp dụng và chứng chỉ mới; các bản "
        "ghi đã có, số liệu và lịch sử vẫn được giữ và có thể dùng lại."
    )


class StandardActivateView(StandardDeactivateView):
    active = True


# --- Certification bodies ----------------------------------------------------------------------


class CertificationBodyListView(ObjectListView):
    model = CertificationBody
    allowed_roles = EVERY_ROLE
    filterset_class = CertificationBodyFilterSet
    table_class = CertificationBodyTable
    template_name = "standards/catalogue/body_list.html"


class CertificationBodyDetailView(ScopedMixin, DetailView):
    model = CertificationBody
    allowed_roles = EVERY_ROLE
    template_name = "standards/catalogue/body_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body, user = self.object, self.request.user
        today = timezone.localdate()
        context["accreditation"] = accreditation_html(body)
        context["accreditation_expired"] = body.accreditation_expired_on(today)
        context["use"] = selectors.body_use(body=body, user=user, today=today)
        if is_staff_reader(user):
            context["history"] = selectors.record_history(body)
        return context


def _body_update(pk: int, **kwargs) -> CertificationBody:
    return services.body_update(body_id=pk, **kwargs)


def _body_set_active(pk: int, **kwargs) -> CertificationBody:
    return services.body_set_active(body_id=pk, **kwargs)


class CertificationBodyCreateView(CatalogueCreateView):
    model = CertificationBody
    form_class = CertificationBodyForm
    create = staticmethod(services.body_create)
    heading = gettext_lazy("Thêm tổ chức chứng nhận")
    cancel_url_name = "catalogue:body_list"


class CertificationBodyUpdateView(CatalogueUpdateView):
    model = CertificationBody
    form_class = CertificationBodyForm
    update = staticmethod(_body_update)


class CertificationBodyDeactivateView(SetActiveView):
    model = CertificationBody
    set_active = staticmethod(_body_set_active)
    deactivate_message = gettext_lazy(
        "Ngừng dùng “%s”? Tổ chức sẽ không được chọn cho chứng chỉ mới; các chứng chỉ đã có và "
        "lịch sử vẫn được giữ và có thể dùng lại."
    )


class CertificationBodyActivateView(CertificationBodyDeactivateView):
    active = True
