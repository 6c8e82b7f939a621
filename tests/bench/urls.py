"""The portal's URLs plus the baselines: a bare view doing one indexed query, anonymous, and
its signed-in counterpart (session, user and role checked as the list checks them)."""

import datetime
import functools

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.utils import timezone
from django.views import View

from enterprises.models import Enterprise
from laichau_nsc.roles import Role
from laichau_nsc.urls import handler403
from laichau_nsc.urls import urlpatterns as portal_urlpatterns
from laichau_nsc.views import RoleRequiredMixin

__all__ = ["handler403", "urlpatterns"]


def bare(request: HttpRequest) -> HttpResponse:
    """One lookup through the unique tax-code index, a few bytes of plain text back."""
    name = (
        Enterprise.objects.filter(tax_code=request.GET.get("tax_code", ""))
        .values_list("name", flat=True)
        .first()
    )
    return HttpResponse(name or "-", content_type="text/plain; charset=utf-8")


class SignedInBare(RoleRequiredMixin, View):
    """The bare lookup behind the list's own access check (an officer or leader)."""

    allowed_roles = (Role.OFFICER, Role.LEADER)

    def get(self, request: HttpRequest) -> HttpResponse:
        return bare(request)


#: The bare lookup's answer inside the portal's layout (``base.html``), as a page shows it.
LAYOUT_PAGE = '{% extends "base.html" %}{% block content %}<p>{{ name }}</p>{% endblock %}'


class LayoutBare(RoleRequiredMixin, View):
    """The signed-in bare lookup drawn in the layout every signed-in page has: the floor of a
    portal page, above which a page's own cost is measured."""

    allowed_roles = (Role.OFFICER, Role.LEADER)

    def get(self, request: HttpRequest) -> HttpResponse:
        name = bare(request).content.decode()
        return HttpResponse(_layout_page().render({"name": name}, request))


@functools.cache
def _layout_page():
    """Compiled once per process, as the cached template loader keeps a page's template."""
    return engines["django"].from_string(LAYOUT_PAGE)


def bare_expiring(request: HttpRequest) -> HttpResponse:
    """The 50 certificates expiring first within 90 days: one query on the expiry index."""
    from standards.models import Certificate

    today = timezone.localdate()
    numbers = Certificate.objects.filter(
        expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=90)
    ).order_by("expires_on")[:50]
    text = "\n".join(numbers.values_list("number", flat=True))
    return HttpResponse(text or "-", content_type="text/plain; charset=utf-8")


def bare_declarations(request: HttpRequest) -> HttpResponse:
    """The first 50 declarations in the officers' queue order: one query on its index."""
    from standards.models import Declaration

    rows = Declaration.objects.order_by(
        F("decision_due_on").asc(nulls_last=True), "-created_at", "-pk"
    ).values_list("document_number", flat=True)[:50]
    return HttpResponse("\n".join(rows) or "-", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-signed-in/", SignedInBare.as_view(), name="bench_bare_signed_in"),
    path("bench/bare-layout/", LayoutBare.as_view(), name="bench_bare_layout"),
    path("bench/bare-expiring/", bare_expiring, name="bench_bare_expiring"),
    path("bench/bare-declarations/", bare_declarations, name="bench_bare_declarations"),
    *portal_urlpatterns,
]
