"""The leaders' dashboard: a year's indicators with their targets, the trend since 2021, the
breakdowns by administrative unit and by sector, and what needs attention today. Officers and
leaders only; it reads the summaries (``programs.summaries``), never the big tables."""

import io

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
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


class DashboardView(RoleRequiredMixin, View):
    allowed_roles = STAFF

    def get(self, request: HttpRequest) -> HttpResponse:
        years = summaries.summary_years()
        year, valid = chosen_year(request.GET.get("nam"), years)
        if not valid:
            messages.warning(
                request,
                _("Năm không hợp lệ; đang hiển thị năm %(year)s.") % {"year": year},
            )
        freshness = selectors.dashboard_state(user=request.user, year=year)
        if freshness.stale and settings.SUMMARY_REFRESH_ON_VIEW:
            # Embedded mode: no worker, no beat. The rebuilds run inline, now.
            summaries.summaries_refresh_now(summaries.stale_years())
            freshness = selectors.dashboard_state(user=request.user, year=year)
        board = selectors.dashboard_board(user=request.user, year=year)
        context = {
            "board": board,
            "years": list(reversed(years)),
            "freshness": freshness,
            "attention": selectors.dashboard_attention(user=request.user),
            "tables": selectors.board_tables(board),
            "chart_data": board.chart_data(),
            "export_base": f"{reverse('dashboard:dashboard')}{year}/",
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
