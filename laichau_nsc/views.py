"""View base classes every app's views start from, and the portal-wide pages.

A view names the roles that may open it (``allowed_roles``) and, if it shows records, gets them
from ``Model.objects.for_user(user, action)``: a record outside the user's scope is a 404, a page
outside the user's role a 403, and an anonymous visitor is sent to the login page.
"""

import copy
from collections import OrderedDict
from typing import ClassVar

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .pagination import BoundedPaginator
from .querysets import Action
from .roles import Role, has_role, primary_role


class RoleRequiredMixin(AccessMixin):
    """Anonymous → login page; signed in without one of ``allowed_roles`` → 403."""

    allowed_roles: ClassVar[tuple[Role, ...]] = ()

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedMixin(RoleRequiredMixin):
    """Records come only through ``for_user``; ``action`` says whether the view changes them."""

    action: ClassVar[Action] = "view"

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user, self.action)


class ColumnsCopiedPerTable(OrderedDict):
    """A table class's columns, which each table copies (``Table.__init__`` deep-copies
    ``base_columns``) so that one table's ``hide()`` or accessor never shows in another: here
    each table gets its own copy of every column, sharing what no table changes (labels,
    attributes, link rules). A deep copy of the columns cost about 0.3 ms a list page."""

    def __deepcopy__(self, memo):
        return OrderedDict((name, copy.copy(column)) for name, column in self.items())


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A declarative list: ``model``, ``filterset_class``, ``table_class``, ``template_name``.

    htmx requests (filtering, sorting, paging) get only the table partial. A list only reads:
    it runs outside the request's transaction (``ATOMIC_REQUESTS``), which cost two round trips
    (BEGIN, COMMIT) and a savepoint for every block that opens its own. Its page's rows are read
    by id after the ids, so a row deleted in between is simply not shown.
    """

    paginator_class = BoundedPaginator
    table_pagination: ClassVar[dict] = {"per_page": 50}
    per_page_choices: ClassVar[tuple[int, ...]] = (20, 50, 100)
    #: The results part of the page: rendered inside the list page, and alone for htmx.
    results_template = "generic/htmx/table.html"
    # A FilterSet with errors shows no rows rather than everything.
    strict = True

    def get_table_class(self):
        table_class = super().get_table_class()
        columns = table_class.__dict__.get("base_columns")
        if columns is not None and not isinstance(columns, ColumnsCopiedPerTable):
            table_class.base_columns = ColumnsCopiedPerTable(columns)
        return table_class

    def get_table_kwargs(self) -> dict:
        # django-tables2 would take any ?per_page= from the URL, after our clamping below: point
        # it at a parameter nobody sends, so only the offered sizes apply.
        return {**super().get_table_kwargs(), "per_page_field": "per_page_set_by_view"}

    def get_table_pagination(self, table):
        options = {**self.table_pagination, "paginator_class": self.paginator_class}
        try:
            asked = int(self.request.GET.get("per_page", ""))
        except ValueError:
            asked = 0
        if asked in self.per_page_choices:
            options["per_page"] = asked
        rows = self.get_rows()
        if rows is not None:
            options["rows"] = rows
        return options

    def get_rows(self):
        """Where ``BoundedPaginator`` reads the page's rows by id: the user's records
        (``for_user``) with what a row shows, none of the list's conditions. None: the filtered
        queryset."""
        return None

    def get_template_names(self) -> list[str]:
        htmx = self.request.htmx
        # The back button may ask htmx to restore a page it no longer caches: that needs all of it.
        if htmx and not htmx.boosted and not htmx.history_restore_request:
            return [self.results_template]
        return super().get_template_names()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["per_page_choices"] = self.per_page_choices
        context["results_template"] = self.results_template
        # Shown above the results, so a search stays visible when the filter panel is folded.
        context["active_filters"] = self.filterset.active_filters(self.request.GET)
        return context


def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page; anonymous visitors go to the login page."""
    role = primary_role(request.user)
    if not request.user.is_authenticated:
        return redirect("login")
    if role is None:
        # Signed in but with no role: an account request waiting, refused or revoked.
        latest = request.user.memberships.select_related("enterprise").order_by("-requested_at")
        return render(request, "home/no_role.html", {"membership": latest.first()})
    from enterprises.selectors import home_context  # one app's selectors feed the home pages
    from standards import selectors_home  # the work queue and each enterprise's records

    context = home_context(user=request.user, role=role)
    if role == Role.OFFICER:
        context["queue"] = selectors_home.officer_queue(user=request.user)
    elif role == Role.ENTERPRISE:
        summaries = selectors_home.enterprise_summaries(
            user=request.user, enterprise_ids=[m.enterprise_id for m in context["approved"]]
        )
        context["approved"] = [(m, summaries[m.enterprise_id]) for m in context["approved"]]
    return render(request, f"home/{role.value}.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever a page links: send them to the static
    file. Not a permanent redirect: in production the static name carries a content hash."""
    response = redirect(static("img/favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's own page is English and its inline style breaks under our CSP."""
    message = _(
        "Phiên làm việc đã hết hạn hoặc biểu mẫu đã cũ. Vui lòng tải lại trang rồi gửi lại."
    )
    return render(request, "403.html", {"reason": message}, status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request, "403.html", {"reason": _("Bạn không có quyền xem trang này.")}, status=403
    )
