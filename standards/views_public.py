"""Public pages of the standards app: the certificate check, open to anyone without a login."""

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from laichau_nsc.client import client_ip
from laichau_nsc.forms import PortalForm
from laichau_nsc.ratelimit import over_limit

from . import selectors_public

TEMPLATE = "standards/public/certificate_check.html"


class CertificateCheckForm(PortalForm):
    q = forms.CharField(
        label=gettext_lazy("Số chứng chỉ hoặc tên doanh nghiệp"),
        required=False,
        # Longer than the limit the selector enforces, so a long paste gets a message, not a
        # silently cut query.
        max_length=selectors_public.MAX_QUERY_LENGTH * 2,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": gettext_lazy("Ví dụ: HT 1234/2024, Chè Tam Đường"),
            }
        ),
    )


def problem_message(problem: str) -> str:
    if problem == "short":
        return _(
            "Vui lòng nhập ít nhất %(min)d chữ hoặc số của số chứng chỉ hoặc tên doanh nghiệp."
        ) % {"min": selectors_public.MIN_QUERY_LENGTH}
    return _("Nội dung tra cứu dài quá %(max)d ký tự.") % {"max": selectors_public.MAX_QUERY_LENGTH}


@require_GET
def certificate_check(request: HttpRequest) -> HttpResponse:
    """Search by certificate number or enterprise name; each search from one address counts
    against ``PORTAL_CERTIFICATE_CHECKS_PER_HOUR`` (cached answers too: the limit is there to
    stop the register being harvested, not only to spare the database)."""
    form = CertificateCheckForm(request.GET or None)
    context: dict = {"form": form, "max_results": selectors_public.MAX_RESULTS}
    if not form.is_bound:
        return render(request, TEMPLATE, context)
    if not form.is_valid():
        context["problem"] = problem_message("long")
        return render(request, TEMPLATE, context)
    query = form.cleaned_data["q"]
    problem = selectors_public.query_problem(query)
    if problem == "empty":
        return render(request, TEMPLATE, context)
    if problem:
        context["problem"] = problem_message(problem)
        return render(request, TEMPLATE, context)
    limit = settings.PORTAL_CERTIFICATE_CHECKS_PER_HOUR
    if over_limit("certificate-check", client_ip(request), limit=limit):
        context["problem"] = _(
            "Máy của bạn đã tra cứu quá %(limit)d lần trong một giờ. Vui lòng thử lại sau."
        ) % {"limit": limit}
        return render(request, TEMPLATE, context, status=429)
    today = timezone.localdate()
    context.update(
        query=query,
        today=today,
        result=selectors_public.check_certificates(query, today=today),
    )
    return render(request, TEMPLATE, context)
