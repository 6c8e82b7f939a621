"""The API's view of list exports (``?format=xlsx``): the job's state, then its file."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.reverse import reverse

from ..models import JobState, ListExportJob
from .permissions import EVERY_ROLE
from .serializers import PortalModelSerializer
from .viewsets import ReadOnlyScopedViewSet


class ListExportJobSerializer(PortalModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ListExportJob
        fields = (
            "id",
            "list_key",
            "format",
            "params",
            "state",
            "progress",
            "row_count",
            "error",
            "created_at",
            "download_url",
        )
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.state != JobState.DONE or not job.file:
            return None
        return reverse("api:export-download", args=[job.pk], request=self.context["request"])


@extend_schema_view(
    list=extend_schema(summary=_("Các lần xuất tệp của tôi")),
    retrieve=extend_schema(
        summary=_("Tình trạng một lần xuất tệp"),
        examples=[
            OpenApiExample(
                "Đã xong",
                value={
                    "id": "0b6f3c1e-6d1a-4a53-9a53-0c5b0f2d9e11",
                    "list_key": "products",
                    "format": "xlsx",
                    "params": {"q": ["che"]},
                    "state": "done",
                    "progress": 100,
                    "row_count": 128,
                    "error": "",
                    "created_at": "2026-11-30T21:00:00+07:00",
                    "download_url": "https://nsc.example.gov.vn/api/v1/exports/0b6f…/download/",
                },
                response_only=True,
            )
        ],
    ),
    download=extend_schema(
        summary=_("Tải tệp đã xuất"),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    ),
)
class ListExportJobViewSet(ReadOnlyScopedViewSet):
    """A user's own export jobs (nobody else's: ``for_user`` filters by the asking user)."""

    model = ListExportJob
    serializer_class = ListExportJobSerializer
    read_roles = EVERY_ROLE
    lookup_value_regex = "[0-9a-f-]{36}"

    def annotate(self, queryset):
        return queryset.order_by("-created_at")

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if job.state != JobState.DONE or not job.file:
            raise exceptions.NotFound()
        name = job.file.name.rsplit("/", 1)[-1]
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
