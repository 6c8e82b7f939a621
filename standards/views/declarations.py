"""Declaration pages: the list (the officers' queue; an enterprise user's own declarations),
detail, draft forms, dossier files, the steps of the procedure and the receipt notice as a PDF.

Views are thin: every write is a service of ``standards.services_declarations``, which decides who
may take which step; the views only pick the form a step needs.
"""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.files import private_file_response
from laichau_nsc.history import record_history
from laichau_nsc.pdf import render_pdf
from laichau_nsc.roles import Role, has_role, is_officer
from laichau_nsc.views import ObjectListView, RoleRequiredMixin, ScopedMixin

from .. import services_declarations as services
from ..choices import DeclarationState
from ..filters_declarations import DeclarationFilterSet
from ..forms_declarations import (
    AcceptStepForm,
    AnswerStepForm,
    DeclarationDocumentForm,
    DeclarationForm,
    ReasonStepForm,
    StepForm,
)
from ..models import Declaration, DeclarationDocument
from ..tables_declarations import DeclarationTable, declaration_rows_html
from .common import (
    EVERY_ROLE,
    WRITERS,
    DecisionView,
    EnterpriseScopedMixin,
    add_errors,
)

S = DeclarationState


class DeclarationListView(ObjectListView):
    model = Declaration
    allowed_roles = EVERY_ROLE
    filterset_class = DeclarationFilterSet
    table_class = DeclarationTable
    template_name = "standards/declarations/declaration_list.html"
    results_template = "standards/declarations/htmx/declaration_table.html"

    #: What a row shows (declaration_rows_html): the page loads no other column.
    row_fields = (
        "kind",
        "state",
        "submitted_at",
        "decision_due_on",
        "supplement_due_on",
        "valid_until",
        "enterprise__name",
        "standard__code",
    )

    def get_queryset(self):
        return (
            super().get_queryset().select_related("enterprise", "standard").only(*self.row_fields)
        )

    def get_rows(self):
        return self.get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = (row.record for row in context["table"].page.object_list)
        context["rows_html"] = declaration_rows_html(records, timezone.localdate())
        return context


class DeclarationDetailView(ScopedMixin, DetailView):
    model = Declaration
    allowed_roles = EVERY_ROLE
    template_name = "standards/declarations/declaration_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("enterprise", "standard", "certificate")
            .prefetch_related("products", "documents")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        declaration, user = self.object, self.request.user
        writer = (
            is_officer(user) or has_role(user, Role.ENTERPRISE)
        ) and not declaration.is_archived
        context["today"] = timezone.localdate()
        context["steps"] = declaration.steps.select_related("by")
        context["history"] = record_history(declaration)
        context["may_edit"] = writer and declaration.state in services.EDITABLE
        context["may_submit"] = writer and declaration.state == S.DRAFT
        context["may_answer"] = writer and declaration.state == S.SUPPLEMENT_REQUESTED
        context["may_decide"] = is_officer(user) and declaration.state == S.SUBMITTED
        context["may_archive"] = is_officer(user) or (writer and declaration.state == S.DRAFT)
        return context


class DeclarationFormMixin:
    model = Declaration
    form_class = DeclarationForm
    template_name = "standards/declarations/declaration_form.html"

    def data_from(self, form) -> dict:
        return {
            f: form.cleaned_data[f] for f in services.ENTERPRISE_FIELDS if f in form.cleaned_data
        }


class DeclarationCreateView(
    EnterpriseScopedMixin, DeclarationFormMixin, RoleRequiredMixin, CreateView
):
    """An officer, or the enterprise's own user, starts a draft."""

    allowed_roles = WRITERS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.get_enterprise()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enterprise": self.get_enterprise()}

    def form_valid(self, form):
        try:
            self.object = services.declaration_create(
                enterprise=self.get_enterprise(),
                data=self.data_from(form),
                products=form.cleaned_data["products"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu bản nháp. Tải lên tài liệu hồ sơ rồi nộp cho Sở."))
        return redirect(self.object)


class DeclarationUpdateView(ConflictFormMixin, DeclarationFormMixin, ScopedMixin, UpdateView):
    action = "change"
    allowed_roles = WRITERS

    def get_object(self, queryset=None):
        declaration = super().get_object(queryset)
        if declaration.state not in services.EDITABLE or declaration.is_archived:
            raise PermissionDenied  # the detail page says why (and offers "restore")
        return declaration

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.object.enterprise}

    def conflict_form_kwargs(self, **kwargs):
        return {**kwargs, "enterprise": self.object.enterprise}

    def form_valid(self, form):
        try:
            self.object = services.declaration_update(
                declaration_id=self.object.pk,
                data=self.data_from(form),
                products=form.cleaned_data["products"],
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


class DeclarationPageMixin(ScopedMixin):
    """A form about one declaration, fetched (after the role check) through ``for_user``."""

    model = Declaration
    action = "change"

    @cached_property
    def object(self) -> Declaration:
        return get_object_or_404(
            self.get_queryset().select_related("enterprise", "standard"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object}


class DeclarationDocumentCreateView(DeclarationPageMixin, FormView):
    allowed_roles = WRITERS
    form_class = DeclarationDocumentForm
    template_name = "standards/declarations/declaration_document_form.html"

    def form_valid(self, form):
        try:
            services.declaration_attach_document(
                declaration_id=self.object.pk,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã tải lên tài liệu hồ sơ."))
        return redirect(self.object)


class DeclarationDocumentDownloadView(RoleRequiredMixin, View):
    """A dossier file, only to those who may see its declaration (a 404 for anyone else)."""

    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        visible = Declaration.objects.for_user(request.user).values("pk")
        document = get_object_or_404(DeclarationDocument, pk=pk, declaration__in=visible)
        return private_file_response(document.file, download_name=f"ho-so-cong-bo-{document.pk}")


class DeclarationArchiveView(DecisionView):
    """Archive or restore: officers, and the enterprise's own users for a draft."""

    model = Declaration
    allowed_roles = WRITERS

    def act(self, obj, form) -> None:
        services.declaration_set_archived(
            declaration_id=obj.pk, archived=self.decision == "archive", user=self.request.user
        )


#: Each step: the roles that may open it, its form, and the service call.
STEPS = {
    "submit": (WRITERS, StepForm),
    "answer": (WRITERS, AnswerStepForm),
    "request_supplement": ((Role.OFFICER,), ReasonStepForm),
    "accept": ((Role.OFFICER,), AcceptStepForm),
    "reject": ((Role.OFFICER,), ReasonStepForm),
}


class DeclarationStepView(DeclarationPageMixin, FormView):
    """GET shows the declaration and the step's form; POST takes the step through its
    service. The service, not this view, decides whether the step is allowed."""

    template_name = "standards/declarations/declaration_step.html"
    step: ClassVar[str] = "submit"

    @property
    def allowed_roles(self):
        return STEPS[self.step][0]

    def get_form_class(self):
        return STEPS[self.step][1]

    def get_initial(self):
        return {"version": self.object.version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "step": self.step}

    def form_valid(self, form):
        try:
            self.take_step(form.cleaned_data)
        except EditConflictError:
            messages.error(
                self.request,
                _("Hồ sơ vừa được người khác thay đổi. Vui lòng xem lại trước khi xử lý."),
            )
            return redirect(self.object)
        except ValidationError as error:
            add_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, DONE[self.step])
        return redirect(self.object)

    def take_step(self, data: dict) -> None:
        common = {
            "declaration_id": self.object.pk,
            "version": data["version"],
            "user": self.request.user,
        }
        if self.step == "submit":
            services.declaration_submit(**common)
        elif self.step == "answer":
            services.declaration_answer_supplement(**common, note=data["reason"])
        elif self.step == "request_supplement":
            services.declaration_request_supplement(**common, reason=data["reason"])
        elif self.step == "accept":
            services.declaration_accept(
                **common,
                receipt_number=data["receipt_number"],
                receipt_date=data["receipt_date"],
            )
        else:
            services.declaration_reject(**common, reason=data["reason"])


DONE = {
    "submit": _("Đã nộp hồ sơ công bố."),
    "answer": _("Đã gửi hồ sơ bổ sung."),
    "request_supplement": _("Đã yêu cầu doanh nghiệp bổ sung hồ sơ."),
    "accept": _("Đã tiếp nhận hồ sơ công bố."),
    "reject": _("Đã trả lời không tiếp nhận hồ sơ."),
}


class DeclarationReceiptView(ScopedMixin, View):
    """The receipt notice (Thông báo tiếp nhận hồ sơ công bố) of an accepted declaration, as an
    A4 PDF the officer prints and signs; the enterprise may download it too."""

    model = Declaration
    allowed_roles = EVERY_ROLE

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        declaration = get_object_or_404(
            self.get_queryset()
            .select_related("enterprise", "standard", "certificate", "certificate__body")
            .prefetch_related("products"),
            pk=pk,
            state=S.ACCEPTED,
        )
        # An official document: Vietnamese whatever language the portal is shown in.
        with translation.override("vi"):
            pdf = render_pdf(
                "standards/declarations/receipt_pdf.html", {"declaration": declaration}
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="thong-bao-tiep-nhan-{declaration.pk}.pdf"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
