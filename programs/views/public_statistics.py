"""The public statistics page (``/thong-ke/``): the approved figures of each year, with charts
and CSV / XLSX downloads, for anyone without a login. Only ``YearApproval`` snapshots are read:
a figure nobody approved is never shown.

Like the public product pages (``standards/views/public_products.py``): rendered without the
request (one cached copy serves everyone; no cookie, session or CSRF token in it), cached per
year and language under the stamp of the approvals (a new approval shows at once), rate-limited
per client address, and read-only (no transaction).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laichau_nsc.client import client_ip
from laichau_nsc.ratelimit import over_limit

from .. import selectors_dashboard as selectors
from .dashboard import CONTENT_TYPES, table_response

TEMPLATE = "programs/public/statistics.html"
TOO_MANY_TEMPLATE = "public/too_many.html"
SERVER_SECONDS = 3600
BROWSER_SECONDS = 300


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _base_context(language: str) -> dict:
    return {
        "LANGUAGE_CODE": language,
        "PORTAL_PROVINCE_NAME": settings.PORTAL_PROVINCE_NAME,
        "PORTAL_DEPARTMENT_NAME": _(settings.PORTAL_DEPARTMENT_NAME),
    }


def _too_many(language: str) -> HttpResponse:
    limit = settings.PORTAL_PUBLIC_PAGES_PER_HOUR
    html = render_to_string(TOO_MANY_TEMPLATE, {**_base_context(language), "limit": limit})
    response = HttpResponse(html, status=429)
    patch_cache_control(response, no_store=True)
    return response


def _limited(request: HttpRequest) -> bool:
    limit = settings.PORTAL_PUBLIC_PAGES_PER_HOUR
    return over_limit("public-statistics", client_ip(request), limit=limit)


def _year(raw: str, published: list[int]) -> int | None:
    """The year asked for, or the latest published; None when it is not a published year."""
    if not raw:
        return published[-1] if published else None
    return int(raw) if raw.isdigit() and int(raw) in published else None


def _render(year: int | None, asked: str, language: str) -> tuple[str, int]:
    snapshots = selectors.published_snapshots()
    context = {
        **_base_context(language),
        "published": sorted(snapshots, reverse=True),
        "asked": asked[:8],
        "page_path": reverse("statistics:page"),
        "languages": settings.LANGUAGES,
    }
    if year is None or year not in snapshots:
        return render_to_string(TEMPLATE, context), (404 if asked else 200)
    board = selectors.board_from_snapshots(year, snapshots)
    context.update(
        board=board,
        tables=selectors.board_tables(board),
        chart_data=board.chart_data(),
        export_base=f"{reverse('statistics:page')}{year}/",
    )
    return render_to_string(TEMPLATE, context), 200


@transaction.non_atomic_requests
@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    """``/thong-ke/?nam=<year>``: a published year's figures (the latest by default)."""
    language = _language(request)
    with translation.override(language):
        if _limited(request):
            return _too_many(language)
        stamp = selectors.published_stamp()
        asked = request.GET.get("nam", "").strip()
        year = _year(asked, [y for y, _at in stamp])
        digest = hashlib.sha256(repr((stamp, year, asked[:8])).encode()).hexdigest()[:24]
        key = f"public-statistics:{digest}:{language}"
        cached = cache.get(key)
        if cached is None:
            cached = _render(year, asked, language)
            cache.set(key, cached, SERVER_SECONDS)
        html, status = cached
        response = HttpResponse(html, status=status)
        response["Content-Language"] = language
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
        return response


@transaction.non_atomic_requests
@require_safe
def statistics_download(request: HttpRequest, year: str, table: str, fmt: str) -> HttpResponse:
    """``/thong-ke/<year>/<table>.<csv|xlsx>``: one table of a published year."""
    language = _language(request)
    with translation.override(language):
        if _limited(request):
            return _too_many(language)
        snapshots = selectors.published_snapshots()
        if int(year) not in snapshots or fmt not in CONTENT_TYPES:
            raise Http404
        board = selectors.board_from_snapshots(int(year), snapshots)
        found = selectors.board_tables(board).get(table)
        if found is None:
            raise Http404
        response = table_response(found, fmt=fmt, filename=f"thong-ke-{year}-{table}")
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
        return response
