"""Adoption pages: the officers' list, detail, forms, review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, UpdateView

from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.history import record_history
from laichau_nsc.roles import Role, has_role, is_officer
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .. import services
from ..filters import AdoptionFilterSet
from ..forms import AdoptionForm, EnterpriseAdoptionForm
from ..models import Adoption
from ..tables import AdoptionTable
from .common import (
    EVERY_ROLE,
    STAFF,
    WRITERS,
    CorrectableMixin,
    DecisionView,
    EnterpriseScopedMixin,
    add_errors,
)


class AdoptionListView(ObjectListView):
    model = Adoption
    allowed_roles = STAFF
    filterset_class = AdoptionFilterSet
    table_class = AdoptionTable
    template_name = "standards/adoption_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("enterprise", "enterprise__admin_unit", "standard")
        )


class AdoptionDetailView(ScopedMixin, DetailView):
    model = Adoption
    allowed_roles = EVERY_ROLE
    template_name = "standards/adoption_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "standard", "reviewed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adoption = self.object
        context["history"] = record_history(adoption)
        context["certificates"] = (
            adoption.certificates.for_user(self.request.user)
            .select_related("body")
            .filter(is_archived=False)
        )
        context["may_correct"] = is_officer(self.request.user) or (
            has_role(self.request.user, Role.ENTERPRISE)
            and adoption.review_state != "verified"
            and not adoption.is_archived
        )
        return context


class AdoptionFormMixin:
    model = Adoption
    template_name = "standards/adoption_form.html"

    def get_form_class(self):
        # The enterprise form unless an officer (also for a request with no user yet).
        user = getattr(self.request, "user", None)
        return AdoptionForm if user is not None and is_officer(user) else EnterpriseAdoptionForm

    def data_from(self, form) -> dict:
        return {f: form.cleaned_data[f] for f in form._meta.fields if f in form.cleaned_data}


class AdoptionCreateView(EnterpriseScopedMixin, AdoptionFormMixin, RoleRequiredMixin, CreateView):
    """An officer records an adoption of the enterprise; its own user proposes one."""

    allowed_roles = WRITERS

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enterprise": self.get_enterprise()}

    def form_valid(self, form):
        try:
            self.object = services.adoption_create(
                enterprise=self.get_enterprise(), data=self.data_from(form), user=self.request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        if is_officer(self.request.user):
            messages.success(self.request, _("Đã ghi nhận việc áp dụng %s.") % self.object.standard)
        else:
            messages.success(
                self.request,
                _("Đã gửi việc áp dụng %s; cán bộ Sở sẽ xác minh.") % self.object.standard,
            )
        return redirect(self.object)


class AdoptionUpdateView(
    ConflictFormMixin, CorrectableMixin, AdoptionFormMixin, ScopedMixin, UpdateView
):
    action = "change"
    allowed_roles = WRITERS

    def form_valid(self, form):
        try:
            self.object = services.adoption_update(
                adoption_id=self.object.pk,
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


class AdoptionDecisionView(DecisionView):
    model = Adoption

    def act(self, obj, form) -> None:
        user = self.request.user
        if self.decision == "verify":
            services.adoption_verify(
                adoption_id=obj.pk, version=form.cleaned_data["version"], user=user
            )
        elif self.decision == "return":
            services.adoption_return(
                adoption_id=obj.pk,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                user=user,
            )
        else:
            services.adoption_set_archived(
                adoption_id=obj.pk, archived=self.decision == "archive", user=user
            )
