"""The portal's URLs plus the baseline: a bare view doing one indexed query."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone

from enterprises.models import Enterprise
from laichau_nsc.urls import handler403
from laichau_nsc.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler403", "urlpatterns"]


def bare(request: HttpRequest) -> HttpResponse:
    """One lookup through the unique tax-code index, a few bytes of plain text back."""
    name = (
        Enterprise.objects.filter(tax_code=request.GET.get("tax_code", ""))
        .values_list("name", flat=True)
        .first()
    )
    return HttpResponse(name or "-", content_type="text/plain; charset=utf-8")


def bare_expiring(request: HttpRequest) -> HttpResponse:
    """The 50 certificates expiring first within 90 days: one query on the expiry index."""
    from standards.models import Certificate

    today = timezone.localdate()
    numbers = Certificate.objects.filter(
        expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=90)
    ).order_by("expires_on")[:50]
    text = "\n".join(numbers.values_list("number", flat=True))
    return HttpResponse(text or "-", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-expiring/", bare_expiring, name="bench_bare_expiring"),
    *portal_urlpatterns,
]
