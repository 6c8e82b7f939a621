"""What the adoption and certificate pages share: roles, the enterprise a new record belongs
to, the review and archive confirmations."""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from enterprises.models import Enterprise
from laichau_nsc.editing import EditConflictError
from laichau_nsc.roles import Role, is_officer
from laichau_nsc.views import ScopedMixin

from ..choices import ReviewState
from ..forms import ReturnForm, ReviewForm

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


class EnterpriseScopedMixin:
    """A new record belongs to the enterprise in the URL, fetched through ``for_user``: an
    enterprise user of another enterprise gets a 404."""

    def get_enterprise(self) -> Enterprise:
        if not hasattr(self, "_enterprise"):
            self._enterprise = get_object_or_404(
                Enterprise.objects.for_user(self.request.user, "change"),
                pk=self.kwargs["enterprise_pk"],
            )
        return self._enterprise


class CorrectableMixin:
    """Editing: officers always; an enterprise user only its own record not verified yet."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not is_officer(self.request.user) and (
            obj.review_state == ReviewState.VERIFIED or obj.is_archived
        ):
            raise PermissionDenied
        return obj


class DecisionView(ScopedMixin, DetailView):
    """GET shows the record and asks for confirmation (and a reason); POST calls ``act``.

    Subclasses set ``model`` and ``decision`` (verify, return, archive, restore) and implement
    ``act(obj, form)``.
    """

    action = "change"
    allowed_roles = (Role.OFFICER,)
    template_name = "standards/decision.html"
    decision: ClassVar[str] = "verify"

    def get_form(self, data=None):
        initial = {"version": self.object.version}
        if self.decision == "verify":
            return ReviewForm(data, initial=initial)
        if self.decision == "return":
            return ReturnForm(data, initial=initial)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context["decision"] = self.decision
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = obj = self.get_object()
        form = self.get_form(request.POST)
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            self.act(obj, form)
        except EditConflictError:
            messages.error(
                request,
                _("Hồ sơ vừa được người khác thay đổi. Vui lòng xem lại trước khi xử lý."),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.done_message(obj))
        return redirect(obj)

    def act(self, obj, form) -> None:  # pragma: no cover - every subclass implements it
        raise NotImplementedError

    def done_message(self, obj) -> str:
        return {
            "verify": _("Đã xác minh “%s”."),
            "return": _("Đã trả lại “%s” để doanh nghiệp bổ sung."),
            "archive": _("Đã lưu trữ “%s”."),
            "restore": _("Đã khôi phục “%s”."),
        }[self.decision] % obj
