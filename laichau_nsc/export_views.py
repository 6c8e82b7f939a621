"""The pages' side of ``laichau_nsc.listexport``: any list page gets CSV and XLSX export with
one include (``inc/list_export.html`` with ``export_key``).

- ``GET /xuat/<key>/?<the list's filters>``: the CSV, streamed (reading changes nothing);
- ``POST /xuat/<key>/`` (``query``, ``format=xlsx``): queues the XLSX job, then its page
  ``/xuat/viec/<id>/`` follows it and offers the file (``…/tai/``) to the user who asked.
Rows come from ``for_user`` and the page's FilterSet, as the list shows them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import listexport
from .models import JobState, ListExportJob
from .roles import Role, has_role
from .text import parse_query


def _spec_for(request: HttpRequest, key: str) -> listexport.ExportSpec:
    spec = listexport.get_spec(key)
    if spec is None:
        raise Http404
    if not has_role(request.user, *(Role(r) for r in spec.roles)):
        raise PermissionDenied
    return spec


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return None


@require_http_methods(["GET", "POST"])
def list_export(request: HttpRequest, key: str) -> HttpResponse:
    if (login := _login_required(request)) is not None:
        return login
    spec = _spec_for(request, key)
    if request.method == "GET":
        return listexport.stream_csv(spec, user=request.user, params=request.GET)
    fmt = request.POST.get("format")
    if fmt not in ("xlsx", "csv"):
        messages.error(request, _("Yêu cầu xuất dữ liệu không hợp lệ."))
        return redirect(request.META.get("HTTP_REFERER") or "home")
    params = {
        k: v
        for k, v in parse_query(request.POST.get("query", "")[:2000]).items()
        if k not in ("page", "per_page", "sort")
    }
    job = listexport.export_job_create(user=request.user, key=key, fmt=fmt, params=params)
    return redirect("list_export_job", pk=job.pk)


def list_export_job(request: HttpRequest, pk) -> HttpResponse:
    if (login := _login_required(request)) is not None:
        return login
    job = get_object_or_404(ListExportJob.objects.for_user(request.user), pk=pk)
    spec = listexport.get_spec(job.list_key)
    context = {
        "object": job,
        "title": spec.title if spec else job.list_key,
        "finished": job.state in (JobState.DONE, JobState.FAILED),
    }
    template = "exports/htmx/job_status.html" if request.htmx else "exports/job_detail.html"
    return render(request, template, context)


def list_export_download(request: HttpRequest, pk) -> HttpResponse:
    if (login := _login_required(request)) is not None:
        return login
    job = get_object_or_404(
        ListExportJob.objects.for_user(request.user), pk=pk, state=JobState.DONE
    )
    if not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
