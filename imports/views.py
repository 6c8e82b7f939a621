"""Pages of "Nhập dữ liệu": choose a kind and download its template, upload, read the check,
confirm. Officers import every kind, enterprise users their own products; leaders none."""

from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from laichau_nsc.jobs import collecting_undispatched
from laichau_nsc.roles import Role
from laichau_nsc.views import RoleRequiredMixin

from . import services
from .choices import ImportKind
from .forms import ImportUploadForm
from .kinds import SPECS, kinds_for
from .models import ImportJob
from .templates_xlsx import build_template

IMPORTERS = (Role.OFFICER, Role.ENTERPRISE)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _spec_for(request: HttpRequest, kind: str):
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404
    if spec not in kinds_for(request.user):
        raise PermissionDenied
    return spec


class ImportIndexView(RoleRequiredMixin, View):
    allowed_roles = IMPORTERS

    def get(self, request: HttpRequest) -> HttpResponse:
        jobs = (
            ImportJob.objects.for_user(request.user)
            .filter(user=request.user)
            .only(
                "id",
                "kind",
                "mode",
                "state",
                "original_name",
                "created_at",
                "row_count",
                "created_count",
                "unchanged_count",
                "error_count",
                "progress",
            )[:20]
        )
        context = {"specs": kinds_for(request.user), "jobs": jobs}
        return render(request, "imports/index.html", context)


class TemplateDownloadView(RoleRequiredMixin, View):
    allowed_roles = IMPORTERS

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        spec = _spec_for(request, kind)
        response = HttpResponse(build_template(spec), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="mau-{spec.file_stem}.xlsx"'
        return response


class ImportUploadView(RoleRequiredMixin, View):
    allowed_roles = IMPORTERS

    def _form(self, request, data=None, files=None) -> ImportUploadForm:
        courses = None
        if self.kwargs["kind"] == ImportKind.PARTICIPANTS:
            from programs.models import TrainingCourse

            courses = (
                TrainingCourse.objects.for_user(request.user, "change")
                .filter(is_archived=False)
                .order_by("-starts_on")
            )
        return ImportUploadForm(data, files, course_queryset=courses)

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        spec = _spec_for(request, kind)
        return render(request, "imports/upload.html", {"spec": spec, "form": self._form(request)})

    def post(self, request: HttpRequest, kind: str) -> HttpResponse:
        spec = _spec_for(request, kind)
        form = self._form(request, request.POST, request.FILES)
        if form.is_valid():
            params = {}
            if "course" in form.cleaned_data:
                params["course"] = form.cleaned_data["course"].pk
            try:
                with collecting_undispatched() as notices:
                    job = services.import_upload(
                        user=request.user,
                        kind=kind,
                        upload=form.cleaned_data["file"],
                        params=params,
                    )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, found in error.message_dict.items():
                        form.add_error(name if name in form.fields else "file", found)
                else:
                    form.add_error("file", error.messages)
            else:
                for notice in notices:
                    messages.info(request, notice)
                return redirect(job)
        context = {"spec": spec, "form": form}
        return render(request, "imports/upload.html", context, status=400)


class ImportJobDetailView(RoleRequiredMixin, View):
    allowed_roles = IMPORTERS

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        job = get_object_or_404(
            ImportJob.objects.for_user(request.user).select_related("preview"), pk=pk
        )
        commit = job.commits.order_by("-created_at").first() if job.mode == "preview" else None
        context = {
            "job": job,
            "commit": commit,
            "spec": SPECS[job.kind],
            "finished": job.finished,
            "own": job.user_id == request.user.pk,
        }
        if request.htmx:
            return render(request, "imports/htmx/job_status.html", context)
        return render(request, "imports/job_detail.html", context)


class ImportConfirmView(RoleRequiredMixin, View):
    allowed_roles = IMPORTERS
    http_method_names: ClassVar[list[str]] = ["post"]

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        preview = get_object_or_404(ImportJob.objects.for_user(request.user, "change"), pk=pk)
        try:
            with collecting_undispatched() as notices:
                job = services.import_confirm(preview=preview, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(preview)
        for notice in notices:
            messages.info(request, notice)
        messages.success(request, _("Đã xác nhận; dữ liệu đang được ghi vào hệ thống."))
        return redirect(job)
