"""The leaders' dashboard: a year's indicators with their targets, the trend since 2021, the
breakdowns by administrative unit and by sector, and what needs attention today. Officers and
leaders only; it reads the summaries (``programs.summaries``), never the big tables."""

import io
import threading

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from laichau_nsc import exports
from laichau_nsc.roles import Role
from laichau_nsc.views import RoleRequiredMixin

from .. import selectors_dashboard as selectors
from .. import summaries

STAFF = (Role.OFFICER, Role.LEADER)
TEMPLATE = "programs/dashboard/dashboard.html"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def chosen_year(raw: str | None, years: list[int]) -> tuple[int, bool]:
    """The year asked for (``?nam=``), or this year; False when what was asked is not a year
    the dashboard has."""
    if not raw:
        return years[-1], True
    try:
        year = int(raw)
    except ValueError:
        return years[-1], False
    return (year, True) if year in years else (years[-1], False)


#: How long a rendered board or year page is kept; a rebuild of any year's summaries, a change
#: of the year's freshness or an approval step makes a new key at once.
BOARD_SECONDS = 3600


def board_html(*, user, year: int, token: str) -> str:
    """The year's board, rendered once per rebuild of the summaries and language (the figures
    are the same for every officer and leader)."""
    key = f"dashboard-board:{year}:{get_language()}:{token}"
    html = cache.get(key)
    if html is None:
        board = selectors.dashboard_board(user=user, year=year)
        context = {
            "board": board,
            "tables": selectors.board_tables(board),
            "chart_data": board.chart_data(),
            "export_base": f"{reverse('dashboard:dashboard')}{year}/",
        }
        html = render_to_string("programs/dashboard/inc/dashboard_board.html", context)
        cache.set(key, html, BOARD_SECONDS)
    return html


def year_html(*, user, year: int, states: selectors.States) -> dict[str, str]:
    """What the year's page shows besides the layout and the attention counts, rendered once
    per version of the year (``States.version``: every year's rebuilds, this year's freshness
    and approval) and language, and read back in one cache hit: the freshness and approval
    lines (``head``) and the board."""
    key = f"dashboard-year:{year}:{get_language()}:{states.version(year)}"
    found = _recent_years.get(key)
    if found is not None and cache.has_key(key):
        # The shared cache still holds this version (not flushed, not expired): so does this
        # process, without reading its 130–170 KB again.
        return found
    found = cache.get(key)
    if found is None:
        context = {
            "year": year,
            "freshness": states.of(year),
            "approval": selectors.dashboard_approval(user=user, year=year, token=states.token),
        }
        found = {
            "head": render_to_string("programs/dashboard/inc/dashboard_head.html", context),
            "board": board_html(user=user, year=year, token=states.token),
        }
        cache.set(key, found, BOARD_SECONDS)
    _remember_year(key, found)
    return found


#: The year pages this process read last, by their cache key. A key names one version of a
#: year's figures, so what it holds never changes: kept here as long as the shared cache keeps
#: it, a page costs a key look-up instead of a transfer of its 130–170 KB. The newest
#: ``RECENT_YEARS`` are kept.
RECENT_YEARS = 16
_recent_years: dict[str, dict[str, str]] = {}
_recent_lock = threading.Lock()


def _remember_year(key: str, found: dict[str, str]) -> None:
    with _recent_lock:
        _recent_years[key] = found
        while len(_recent_years) > RECENT_YEARS:
            del _recent_years[next(iter(_recent_years))]


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class DashboardView(RoleRequiredMixin, View):
    """Read-only (no request transaction); the rebuilds of embedded mode open their own.
    Warm, it reads three cache entries (states, the year's page, attention) and no table."""

    allowed_roles = STAFF

    def get(self, request: HttpRequest) -> HttpResponse:
        years = summaries.summary_years()
        year, valid = chosen_year(request.GET.get("nam"), years)
        if not valid:
            messages.warning(
                request,
                _("Năm không hợp lệ; đang hiển thị năm %(year)s.") % {"year": year},
            )
        states = selectors.dashboard_states(user=request.user, years=years)
        if settings.SUMMARY_REFRESH_ON_VIEW and any(states.of(y).stale for y in years):
            # Embedded mode: no worker, no beat. The rebuilds run inline, now.
            summaries.summaries_refresh_now(summaries.stale_years())
            states = selectors.dashboard_states(user=request.user, years=years)
        parts = year_html(user=request.user, year=year, states=states)
        context = {
            "year": year,
            "years": list(reversed(years)),
            "attention": selectors.dashboard_attention(user=request.user),
            # Our own templates, rendered above (or cached from such a render).
            "head_html": mark_safe(parts["head"]),  # noqa: S308
            "board_html": mark_safe(parts["board"]),  # noqa: S308
        }
        return render(request, TEMPLATE, context)


def table_response(table: selectors.Table, *, fmt: str, filename: str) -> HttpResponse:
    """A board's table as a CSV or XLSX download (``laichau_nsc.exports``: safe cells)."""
    if fmt == "csv":
        text = io.StringIO()
        exports.write_csv(text, table.columns, table.rows)
        body: bytes = text.getvalue().encode("utf-8")
    else:
        binary = io.BytesIO()
        exports.write_xlsx(binary, table.title, table.columns, table.rows)
        body = binary.getvalue()
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


class DashboardExportView(RoleRequiredMixin, View):
    """``/bang-dieu-khien/<year>/<table>.<csv|xlsx>``: one of the dashboard's tables."""

    allowed_roles = STAFF

    def get(self, request: HttpRequest, year: str, table: str, fmt: str) -> HttpResponse:
        year = int(year)
        if year not in summaries.summary_years() or fmt not in CONTENT_TYPES:
            raise Http404
        board = selectors.dashboard_board(user=request.user, year=year)
        found = selectors.board_tables(board).get(table)
        if found is None:
            raise Http404
        stamp = timezone.localdate().strftime("%Y%m%d")
        return table_response(found, fmt=fmt, filename=f"bang-dieu-khien-{year}-{table}-{stamp}")
