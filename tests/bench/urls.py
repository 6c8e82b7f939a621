"""The portal's URLs plus the baseline: a bare view doing one indexed query."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

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


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *portal_urlpatterns]
