"""Plans, targets and the indicators of a year: officers edit, leaders read, enterprises never.

The figures are the province's totals (``programs.indicators``), shown to staff only; the plan
records come through ``AnnualPlan.objects.for_user``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, FormView, TemplateView, UpdateView

from laichau_nsc.editing import ConflictFormMixin, EditConflictError
from laichau_nsc.files import private_file_response
from laichau_nsc.roles import Role
from laichau_nsc.views import RoleRequiredMixin, ScopedMixin

from .. import services_plans as services
from ..forms_plans import EnteredValuesForm, PlanForm, TargetsForm
from ..indicators import BREAKDOWNS, Period, all_indicators, group_rows, period_table, year_table
from ..models import AnnualPlan
from .training import add_errors

OFFICER = (Role.OFFICER,)
STAFF = (Role.OFFICER, Role.LEADER)
BREAKDOWN_LABELS = {
    "unit": gettext_lazy("Đơn vị hành chính"),
    "sector": gettext_lazy("Ngành kinh tế"),
    "standard": gettext_lazy("Tiêu chuẩn, công cụ"),
}


def _year(raw: str | None) -> int | None:
    """The asked-for year, or None when it is not a year the programme can have."""
    try:
        year = int(raw or "")
    except ValueError:
        return None
    first, last = services.YEARS
    return year if first <= year <= last else None


class IndicatorOverviewView(RoleRequiredMixin, TemplateView):
    """Every indicator of a year, by group, with target and progress; a breakdown on asking."""

    allowed_roles = STAFF
    template_name = "programs/plans/indicator_overview.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        asked = self.request.GET.get("year")
        year = _year(asked) or today.year
        by = self.request.GET.get("by") or None
        notice = ""
        if asked and _year(asked) is None:
            notice = _("Năm không hợp lệ; đang hiển thị năm %(year)s.") % {"year": year}
        if by not in BREAKDOWNS:
            by = None
        rows = year_table(year, by=by)
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "by": by,
            "breakdowns": list(BREAKDOWN_LABELS.items()),
            "groups": group_rows(rows),
            "years": range(today.year + 1, today.year - 8, -1),
            "plan": AnnualPlan.objects.for_user(self.request.user).filter(year=year).first(),
            "notice": notice,
            "has_manual": any(r.indicator.manual for r in rows),
        }


class PlanListView(ScopedMixin, TemplateView):
    model = AnnualPlan
    allowed_roles = STAFF
    template_name = "programs/plans/plan_list.html"

    def get_context_data(self, **kwargs):
        plans = self.get_queryset().annotate(target_count=Count("targets")).order_by("-year")
        return {
            **super().get_context_data(**kwargs),
            "plans": plans,
            "periods": services.PROGRAMME_PERIODS,
        }


class PlanPageMixin(ScopedMixin):
    model = AnnualPlan

    @cached_property
    def plan(self) -> AnnualPlan:
        return get_object_or_404(self.get_queryset(), year=self.kwargs["year"])


class PlanDetailView(PlanPageMixin, TemplateView):
    """A year's plan with each indicator's target and progress."""

    allowed_roles = STAFF
    template_name = "programs/plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        rows = year_table(self.plan.year)
        return {
            **super().get_context_data(**kwargs),
            "object": self.plan,
            "groups": group_rows(rows),
            "target_count": sum(1 for r in rows if r.target is not None),
        }


class PlanFileView(PlanPageMixin, TemplateView):
    allowed_roles = STAFF

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return private_file_response(self.plan.file, download_name=f"ke-hoach-{self.plan.year}")


class PlanCreateView(RoleRequiredMixin, CreateView):
    model = AnnualPlan
    form_class = PlanForm
    allowed_roles = OFFICER
    template_name = "programs/plans/plan_form.html"

    def form_valid(self, form):
        try:
            self.object = services.plan_create(
                data=form.service_data(),
                user=self.request.user,
                file=form.cleaned_data.get("file") or None,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Đã tạo kế hoạch năm %(year)s.") % {"year": self.object.year}
        )
        return redirect("programs:plan_targets", self.object.year)


class PlanUpdateView(ConflictFormMixin, PlanPageMixin, UpdateView):
    form_class = PlanForm
    action = "change"
    allowed_roles = OFFICER
    template_name = "programs/plans/plan_form.html"

    def get_object(self, queryset=None):
        return self.plan

    def form_valid(self, form):
        upload = form.cleaned_data.get("file")
        try:
            self.object = services.plan_update(
                plan_id=self.object.pk,
                data=form.service_data(),
                version=form.cleaned_data["version"],
                user=self.request.user,
                file=upload if upload and upload is not self.object.file else None,
            )
        except EditConflictError as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return redirect(self.object)


class TargetsEditMixin(RoleRequiredMixin, FormView):
    """One form for the targets of a year or a period (an empty box: no target)."""

    allowed_roles = OFFICER
    form_class = TargetsForm
    template_name = "programs/plans/targets_form.html"
    first_year: int
    last_year: int

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["indicators"] = all_indicators()
        if self.request.method == "GET":
            current = services.targets_of(self.first_year, self.last_year)
            kwargs["initial"] = {**current, "shown": services.fingerprint(current)}
        return kwargs

    def form_valid(self, form):
        try:
            changed = services.targets_set(
                first_year=self.first_year,
                last_year=self.last_year,
                values=form.values(),
                shown=form.cleaned_data["shown"],
                user=self.request.user,
            )
        except services.StaleFormError:
            return self._stale(form)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Đã lưu %(count)s thay đổi chỉ tiêu.") % {"count": changed}
        )
        return redirect(self.get_success_url())

    def _stale(self, form):
        current = services.targets_of(self.first_year, self.last_year)
        data = form.data.copy()
        data["shown"] = services.fingerprint(current)
        fresh = self.get_form_class()(data=data, indicators=all_indicators())
        fresh.is_valid()
        notice = _(
            "Người khác vừa thay đổi chỉ tiêu này. Giá trị hiện tại được ghi bên cạnh từng ô; "
            "kiểm tra rồi lưu lại."
        )
        context = self.get_context_data(form=fresh, form_notice=notice, current=current)
        return self.render_to_response(context, status=409)


class PlanTargetsView(TargetsEditMixin):
    def dispatch(self, request, *args, **kwargs):
        self.first_year = self.last_year = kwargs["year"]
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def plan(self) -> AnnualPlan:
        return get_object_or_404(
            AnnualPlan.objects.for_user(self.request.user, "change"), year=self.kwargs["year"]
        )

    def get(self, request, *args, **kwargs):
        self.plan  # noqa: B018 - 404 before the form when the year has no plan
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.plan  # noqa: B018
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Chỉ tiêu năm %(year)s") % {"year": self.first_year},
            "cancel_url": self.plan.get_absolute_url(),
        }

    def get_success_url(self) -> str:
        return self.plan.get_absolute_url()


def _period(kwargs) -> tuple[int, int]:
    period = (kwargs["first"], kwargs["last"])
    if period not in services.PROGRAMME_PERIODS:
        raise Http404
    return period


class PeriodDetailView(RoleRequiredMixin, TemplateView):
    """The targets of a period of the programme and how far the period has come."""

    allowed_roles = STAFF
    template_name = "programs/plans/period_detail.html"

    def get_context_data(self, **kwargs):
        first, last = _period(self.kwargs)
        rows = period_table(Period.of_years(first, last))
        return {
            **super().get_context_data(**kwargs),
            "first": first,
            "last": last,
            "groups": group_rows(rows),
            "today": timezone.localdate(),
            "target_count": sum(1 for r in rows if r.target is not None),
        }


class PeriodTargetsView(TargetsEditMixin):
    def dispatch(self, request, *args, **kwargs):
        self.first_year, self.last_year = _period(kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Chỉ tiêu giai đoạn %(first)s–%(last)s")
            % {"first": self.first_year, "last": self.last_year},
            "cancel_url": self.get_success_url(),
        }

    def get_success_url(self) -> str:
        return reverse("programs:period_detail", args=[self.first_year, self.last_year])


class EnteredValuesView(RoleRequiredMixin, FormView):
    """The values of a year for the indicators no record backs, each with its source."""

    allowed_roles = OFFICER
    form_class = EnteredValuesForm
    template_name = "programs/plans/entered_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.year = kwargs["year"]
        if _year(str(self.year)) is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def indicators(self):
        return [i for i in all_indicators() if i.manual]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["indicators"] = self.indicators()
        if self.request.method == "GET":
            current = services.entered_of(self.year)
            initial = {"shown": services.fingerprint(current)}
            for code, (value, source) in current.items():
                initial[code], initial[f"{code}__source"] = value, source
            kwargs["initial"] = initial
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "year": self.year}

    def form_valid(self, form):
        try:
            changed = services.entered_values_set(
                year=self.year,
                values=form.values(),
                shown=form.cleaned_data["shown"],
                user=self.request.user,
            )
        except services.StaleFormError:
            form.add_error(
                None,
                _("Người khác vừa thay đổi các số liệu này. Tải lại trang để xem giá trị mới."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu %(count)s số liệu nhập tay.") % {"count": changed})
        return redirect(f"{reverse('programs:indicator_overview')}?year={self.year}")
