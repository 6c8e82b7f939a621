"""The public traceability pages, open to anyone without a login: a product's page, a lot's
page, and GS1 Digital Link addresses (``/01/<GTIN>``, ``/01/<GTIN>/10/<lot>``) that resolve to
them. What they show is decided by ``selectors_public_products``.

A product on a shelf can be scanned by thousands of people in an hour; the officers' pages must
not feel it:

- **Cached.** The rendered page is kept in the cache per address asked (product and lot),
  language and day, with the token of ``page_stamp`` (one indexed query) it was built under: a
  change to the product, its lots, its enterprise, its declarations or the enterprise's
  certificates makes a new token, and the page is built again at the next check; the day in the
  key makes a certificate that expires at midnight leave the page at midnight. A page checked
  less than ``FRESH_SECONDS`` ago is served without the query. Browsers and CDNs may keep a
  page ``BROWSER_SECONDS``.
- **Anonymous.** The page is rendered without the request (no session, no CSRF token, no
  cookie), so one copy serves everyone and the response does not vary by cookie. The language
  comes from the address (``?lang=en``), not from a cookie.
- **Rate-limited** per client address (``PORTAL_PUBLIC_PAGES_PER_HOUR``, generous: a shop's
  Wi-Fi or a carrier's NAT puts many people behind one address), then a 429 page.
- **No transaction.** Read-only: ``ATOMIC_REQUESTS`` would add two round trips per request.
"""

import hashlib
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laichau_nsc.client import client_ip
from laichau_nsc.ratelimit import over_limit
from laichau_nsc.text import normalize_code

from .. import qr
from ..selectors_public_products import Stamp, gtin_forms, page_stamp, public_page
from ..services_traceability import clean_trace_code

PAGE_TEMPLATE = "public/product_page.html"
NOT_FOUND_TEMPLATE = "public/not_found.html"
TOO_MANY_TEMPLATE = "public/too_many.html"
#: How long the server keeps a rendered page. Changes show at once (the token); this bounds
#: what the token does not see: a standard's title or a body's name edited in the catalogue.
SERVER_SECONDS = 3600
#: A cached page is served without checking its stamp for this long: a viral product's page
#: then costs no query at all. Browsers and CDNs keep it longer anyway (``BROWSER_SECONDS``).
FRESH_SECONDS = 5
#: How long a browser or a CDN may keep a page, and a "not found".
BROWSER_SECONDS = 300
NOT_FOUND_SECONDS = 60
#: What a public code and a trace code may look like; anything else is a 404 without a query.
_PUBLIC_CODE = re.compile(r"[a-z0-9]{4,16}")
_TRACE_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{3,39}")
_MAX_SHOWN = 60  # characters of a visitor's input repeated on a "not found" page

#: What a view's ``find`` answers: the page's stamp and the lot's trace code, or a response.
Found = HttpResponse | tuple[Stamp, str]


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _context(language: str) -> dict:
    """What the public templates need that a request context would give: they are rendered
    without the request, so that nothing of the visitor ends up in a cached page."""
    return {
        "LANGUAGE_CODE": language,
        "PORTAL_PROVINCE_NAME": settings.PORTAL_PROVINCE_NAME,
        "PORTAL_DEPARTMENT_NAME": _(settings.PORTAL_DEPARTMENT_NAME),
    }


def _html_response(html: str, *, status: int, language: str, seconds: int) -> HttpResponse:
    response = HttpResponse(html, status=status)
    response["Content-Language"] = language
    patch_cache_control(response, public=True, max_age=seconds)
    return response


def _not_found(language: str, **context) -> HttpResponse:
    html = render_to_string(NOT_FOUND_TEMPLATE, {**_context(language), **context})
    return _html_response(html, status=404, language=language, seconds=NOT_FOUND_SECONDS)


def _too_many(language: str) -> HttpResponse:
    limit = settings.PORTAL_PUBLIC_PAGES_PER_HOUR
    html = render_to_string(TOO_MANY_TEMPLATE, {**_context(language), "limit": limit})
    response = HttpResponse(html, status=429)
    response["Content-Language"] = language
    patch_cache_control(response, no_store=True)
    return response


def _shown(text: str) -> str:
    """A visitor's input as a "not found" page repeats it: cleaned and cut short."""
    text = normalize_code(text)
    return text if len(text) <= _MAX_SHOWN else f"{text[:_MAX_SHOWN]}…"


def _page_key(lookup: str, language: str) -> str:
    """Where the page asked for by ``lookup`` (how it was asked: public code and trace code,
    or GTIN and lot) is cached, for today in ``language``."""
    digest = hashlib.sha256(lookup.encode()).hexdigest()[:24]
    return f"public-page:{digest}:{language}:{timezone.localdate().isoformat()}"


def _build(stamp: Stamp, trace_code: str, language: str) -> str | None:
    """The rendered page; None when the lot is not one of the product's published lots."""
    page = public_page(
        product_id=stamp.product_id, trace_code=trace_code, today=timezone.localdate()
    )
    if page is None:
        return None
    product_url = reverse("public:product_page", args=[stamp.public_code])
    canonical = (
        reverse("public:lot_page", args=[stamp.public_code, trace_code])
        if trace_code
        else product_url
    )
    context = {
        **_context(language),
        "page": page,
        "product_url": product_url,
        "canonical_path": canonical,
        "canonical_url": qr.absolute(canonical),
        "languages": settings.LANGUAGES,
    }
    return render_to_string(PAGE_TEMPLATE, context)


def _serve(request: HttpRequest, lookup: str, find: Callable[[], Found]) -> HttpResponse:
    """Rate limit, language, then the page ``find`` locates (or its "not found").

    A page checked against its stamp less than ``FRESH_SECONDS`` ago is served from the cache
    without a query (what a viral product's page costs); after that one query says whether
    the cached copy still stands, and only a changed page is built again.
    """
    language = _language(request)
    with translation.override(language):
        if over_limit(
            "public-product", client_ip(request), limit=settings.PORTAL_PUBLIC_PAGES_PER_HOUR
        ):
            return _too_many(language)
        key = _page_key(lookup, language)
        cached = cache.get(key)
        now = time.time()
        if cached is not None and now - cached[1] < FRESH_SECONDS:
            return _ok(cached[2], language)
        found = find()
        if isinstance(found, HttpResponse):
            return found
        stamp, trace_code = found
        if cached is not None and cached[0] == stamp.token:
            html = cached[2]
        else:
            html = _build(stamp, trace_code, language)
            if html is None:
                return _lot_not_found(language, stamp, trace_code)
        cache.set(key, (stamp.token, now, html), SERVER_SECONDS)
        return _ok(html, language)


def _ok(html: str, language: str) -> HttpResponse:
    return _html_response(html, status=200, language=language, seconds=BROWSER_SECONDS)


def _lot_not_found(language: str, stamp: Stamp, lot: str) -> HttpResponse:
    return _not_found(
        language,
        reason="lot",
        lot=_shown(lot),
        product_url=reverse("public:product_page", args=[stamp.public_code]),
    )


def _by_public_code(language: str, public_code: str, trace_code: str = ""):
    if not _PUBLIC_CODE.fullmatch(public_code) or (
        trace_code and not _TRACE_CODE.fullmatch(trace_code)
    ):
        return _not_found(language, reason="product")
    stamp = page_stamp(public_code=public_code)
    if stamp is None:
        return _not_found(language, reason="product")
    return stamp, trace_code


@transaction.non_atomic_requests
@require_safe
def product_page(request: HttpRequest, public_code: str) -> HttpResponse:
    """``/truy-xuat/<public code>/``: the product, its producer, standards, declarations in
    force, certificates valid today and its newest lots."""
    language = _language(request)
    return _serve(request, f"c:{public_code}", lambda: _by_public_code(language, public_code))


@transaction.non_atomic_requests
@require_safe
def lot_page(request: HttpRequest, public_code: str, trace_code: str) -> HttpResponse:
    """``/truy-xuat/<public code>/<trace code>/``: the product's page with one lot's trace code,
    production date, shelf life and stages."""
    language = _language(request)
    code = clean_trace_code(trace_code)
    return _serve(
        request, f"c:{public_code}:{code}", lambda: _by_public_code(language, public_code, code)
    )


@transaction.non_atomic_requests
@require_safe
def digital_link(request: HttpRequest, gtin: str, lot: str | None = None, **_ignored):
    """A GS1 Digital Link address: ``/01/<GTIN>`` (8, 12, 13 or 14 digits, leading zeros or
    not) renders its product's page, ``/01/<GTIN>/10/<lot>`` its lot's page. Other qualifiers
    (22: variant, 21: serial number) are accepted and ignored: pages are per product and lot.

    Rendered here rather than redirected: one round trip less for a phone on a slow network.
    The page names its canonical address.
    """
    language = _language(request)

    def find():
        forms = gtin_forms(gtin)
        if forms is None:
            return _not_found(language, reason="gtin_invalid", gtin=_shown(gtin))
        stamp = page_stamp(gtins=forms, lot=normalize_code(lot or ""))
        if stamp is None:
            return _not_found(language, reason="gtin_unknown", gtin=forms[0])
        if lot and not stamp.trace_code:
            return _lot_not_found(language, stamp, lot)
        return stamp, stamp.trace_code

    return _serve(request, f"g:{normalize_code(gtin)}:{normalize_code(lot or '')}", find)
