"""Pages of the yearly report: a year's page (narrative, builds, approval), the narrative's
editor, a build's progress (htmx polling) and its files, and the approval's steps. Officers and
leaders only; enterprises never."""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView, UpdateView

from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.history import HIDDEN_FIELDS, record_history
from laichau_nsc.jobs import JobState
from laichau_nsc.roles import Role, has_role, is_officer
from laichau_nsc.views import RoleRequiredMixin

from .. import reports as services
from ..forms_reports import ApprovalActionForm, NarrativeForm, ReopenRequestForm
from ..models import ReportNarrative, ReportRun, SummaryState, YearApproval
from .training import add_errors

STAFF = (Role.OFFICER, Role.LEADER)
OFFICER = (Role.OFFICER,)
LEADER = (Role.LEADER,)
FILE_KINDS = ("xlsx", "docx", "pdf")
# The frozen figures are shown by the changes page, not as a history line.
HISTORY_HIDDEN = HIDDEN_FIELDS | {"snapshot"}


def year_url(year: int) -> str:
    return reverse("programs:report_year", args=[year])


class YearMixin(RoleRequiredMixin):
    """A page about one year of the report; a year outside the range is a 404."""

    allowed_roles = STAFF

    @cached_property
    def year(self) -> int:
        try:
            return services.check_year(self.kwargs["year"])
        except ValidationError:
            raise Http404 from None

    def approval(self) -> YearApproval | None:
        return (
            YearApproval.objects.for_user(self.request.user)
            .select_related("approved_by", "reopen_requested_by", "report")
            .filter(year=self.year)
            .first()
        )


class ReportIndexView(RoleRequiredMixin, TemplateView):
    """Choose a year; the years with reports or approvals."""

    allowed_roles = STAFF
    template_name = "programs/reports/report_index.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        year = request.GET.get("year", "")
        if year.isdigit():
            try:
                return redirect(year_url(services.check_year(int(year))))
            except ValidationError as error:
                messages.error(request, error.messages[0])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        built = ReportRun.objects.for_user(user).values_list("year", flat=True).distinct()
        approvals = {a.year: a for a in YearApproval.objects.for_user(user)}
        this_year = timezone.localdate().year
        years = sorted({*built, *approvals, this_year - 1, this_year}, reverse=True)
        return {
            **super().get_context_data(**kwargs),
            "years": [(year, approvals.get(year)) for year in years],
        }


class ReportYearView(YearMixin, TemplateView):
    template_name = "programs/reports/report_year.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        approval = self.approval()
        runs = list(
            ReportRun.objects.for_user(user)
            .filter(year=self.year)
            .select_related("requested_by")
            .order_by("-created_at")[:10]
        )
        latest = next((r for r in runs if r.state == JobState.DONE), None)
        state = SummaryState.objects.filter(year=self.year).first()
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "narrative": ReportNarrative.objects.for_user(user).filter(year=self.year).first(),
            "runs": runs,
            "latest": latest,
            "open_run": next((r for r in runs if r.state in ("queued", "running")), None),
            "approval": approval,
            "approved_run_id": approval.report_id if approval and approval.is_frozen else None,
            # Cheap flag from the summaries' bookkeeping; the changes page computes the diff.
            "maybe_changed": bool(
                approval
                and approval.is_frozen
                and state
                and state.changed_at
                and state.changed_at > approval.approved_at
            ),
            "may_approve": has_role(user, Role.LEADER),
            "may_edit": is_officer(user),
            "history": record_history(approval, hidden=HISTORY_HIDDEN) if approval else [],
        }


class NarrativeEditView(ConflictFormMixin, YearMixin, UpdateView):
    """Officers write the report's words; the figures are never typed."""

    allowed_roles = OFFICER
    form_class = NarrativeForm
    template_name = "programs/reports/narrative_form.html"

    def get_object(self, queryset=None) -> ReportNarrative:
        found = ReportNarrative.objects.for_user(self.request.user, "change").filter(year=self.year)
        return found.first() or ReportNarrative(year=self.year)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "year": self.year}

    def form_valid(self, form):
        try:
            services.narrative_save(
                year=self.year,
                data=form.service_data(),
                version=form.cleaned_data.get("version") if self.object.pk else None,
                user=self.request.user,
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu nội dung báo cáo."))
        return redirect(year_url(self.year))


class ReportRequestView(YearMixin, View):
    """Build the year's report (POST). A second click while it builds opens that build."""

    http_method_names: ClassVar[list[str]] = ["post"]

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        run = services.report_request(year=self.year, user=request.user)
        return redirect(run)


class ReportRunDetailView(RoleRequiredMixin, DetailView):
    model = ReportRun
    allowed_roles = STAFF
    template_name = "programs/reports/report_run.html"

    def get_queryset(self):
        return ReportRun.objects.for_user(self.request.user).select_related("requested_by")

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["programs/reports/htmx/report_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finished"] = self.object.state in (JobState.DONE, JobState.FAILED)
        approval = YearApproval.objects.for_user(self.request.user).filter(
            year=self.object.year, report=self.object
        )
        context["approved"] = approval.filter(state__in=["approved", "reopen_requested"]).exists()
        return context


class ReportDownloadView(RoleRequiredMixin, View):
    allowed_roles = STAFF

    def get(self, request: HttpRequest, pk: int, kind: str) -> FileResponse:
        if kind not in FILE_KINDS:
            raise Http404
        run = get_object_or_404(
            ReportRun.objects.for_user(request.user), pk=pk, state=JobState.DONE
        )
        file = getattr(run, kind)
        if not file:
            raise Http404
        try:
            handle = file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=file.name.rsplit("/", 1)[-1])


class ApprovalStepView(YearMixin, View):
    """One POSTed step of the approval; its refusal is shown on the year's page."""

    http_method_names: ClassVar[list[str]] = ["post"]
    success_message = ""

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        form = ApprovalActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Yêu cầu không hợp lệ."))
            return redirect(year_url(self.year))
        try:
            self.step(form.cleaned_data)
        except EditConflictError:
            messages.error(
                request, _("Tình trạng phê duyệt vừa được người khác thay đổi; hãy xem lại.")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success_message)
        return redirect(year_url(self.year))

    def step(self, data: dict) -> None:
        raise NotImplementedError


class YearApproveView(ApprovalStepView):
    allowed_roles = LEADER

    @property
    def success_message(self) -> str:
        return _("Đã phê duyệt số liệu năm %(year)d.") % {"year": self.year}

    def step(self, data: dict) -> None:
        if not data.get("report"):
            raise ValidationError(_("Chỉ phê duyệt được số liệu của một báo cáo đã tạo xong."))
        services.year_approve(
            year=self.year,
            report_id=data["report"],
            version=data["version"],
            user=self.request.user,
        )


class YearReopenView(ApprovalStepView):
    allowed_roles = LEADER

    @property
    def success_message(self) -> str:
        return _("Đã mở lại số liệu năm %(year)d.") % {"year": self.year}

    def step(self, data: dict) -> None:
        services.year_reopen(year=self.year, version=data["version"], user=self.request.user)


class YearReopenRequestView(YearMixin, FormView):
    """An officer asks to reopen an approved year, with a reason."""

    allowed_roles = OFFICER
    form_class = ReopenRequestForm
    template_name = "programs/reports/reopen_request.html"

    def get_initial(self):
        approval = self.approval()
        return {"version": approval.version if approval else None}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "approval": self.approval(),
        }

    def form_valid(self, form):
        try:
            services.year_reopen_request(
                year=self.year,
                reason=form.cleaned_data["reopen_reason"],
                version=form.cleaned_data["version"],
                user=self.request.user,
            )
        except EditConflictError:
            form.add_error(None, _("Tình trạng phê duyệt vừa được người khác thay đổi."))
            return self.form_invalid(form)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã gửi đề nghị mở lại tới lãnh đạo."))
        return redirect(year_url(self.year))


class ApprovalChangesView(YearMixin, TemplateView):
    """What differs between the approved figures and the figures now (computed on demand)."""

    template_name = "programs/reports/approval_changes.html"

    def get_context_data(self, **kwargs):
        approval = self.approval()
        if approval is None:
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "approval": approval,
            "changes": services.approval_changes(approval),
        }
