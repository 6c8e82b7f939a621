"""``ScopedViewSet``: the base of every API viewset.

Declarative like the pages' ``ObjectListView``: ``model``, ``serializer_class``,
``filterset_class`` (the page's FilterSet), ``read_roles`` / ``write_roles`` (the page's roles)
and ``export`` (the list's ``ExportSpec``). Every queryset starts from
``model.objects.for_user(user, action)``; a record outside the user's scope is a 404.
``?format=csv`` streams the filtered list as CSV; ``?format=xlsx`` queues an XLSX export job.
"""

from typing import ClassVar

from django.db import transaction
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .. import listexport
from ..roles import Role
from .permissions import EVERY_ROLE, OFFICER
from .rows import rows_by_id

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "xlsx"],
    description=str(
        _(
            "csv: cả danh sách đã lọc dưới dạng CSV (truyền dần); xlsx: tạo việc xuất tệp XLSX "
            "chạy nền, trả về 202 cùng địa chỉ theo dõi."
        )
    ),
)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ScopedViewSet(viewsets.GenericViewSet):
    """A read (a list or a record, ``SAFE_METHODS``) runs outside a transaction, as the pages'
    lists do: ``ATOMIC_REQUESTS`` cost it two round trips (BEGIN, COMMIT). Everything else (a
    write, a workflow action, an XLSX export job) runs in one transaction, as that setting made
    it: a failure, answered or raised, rolls back all of it."""

    model: ClassVar[type]
    read_roles: ClassVar[tuple[Role, ...]] = EVERY_ROLE
    write_roles: ClassVar[tuple[Role, ...]] = OFFICER
    #: Roles allowed per custom action (``@action`` name → roles), else write_roles.
    action_roles: ClassVar[dict[str, tuple[Role, ...]]] = {}
    export: ClassVar[listexport.ExportSpec | None] = None
    #: select_related / prefetch / annotate for the serializer, applied after ``for_user``.
    related: ClassVar[tuple[str, ...]] = ()
    prefetch: ClassVar[tuple[str, ...]] = ()

    def dispatch(self, request, *args, **kwargs):
        reads = request.method in SAFE_METHODS and request.GET.get("format") != "xlsx"
        if reads and not transaction.get_connection().in_atomic_block:
            return super().dispatch(request, *args, **kwargs)
        # DRF marks the innermost block for rollback when it answers an exception
        # (set_rollback): this one, never a transaction the caller holds (a read called inside
        # one gets a savepoint of its own, as ATOMIC_REQUESTS gave it).
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def roles_for(self, request) -> tuple[Role, ...]:
        if self.action in self.action_roles:
            return self.action_roles[self.action]
        return self.read_roles if request.method in SAFE_METHODS else self.write_roles

    def scope_action(self) -> str:
        return "view" if self.request.method in SAFE_METHODS else "change"

    def get_queryset(self):
        queryset = self.model.objects.for_user(self.request.user, self.scope_action())
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        return self.annotate(queryset)

    def annotate(self, queryset):
        return queryset

    def get_filterset_kwargs(self) -> dict:
        return {}

    def list(self, request, *args, **kwargs):
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "csv", "xlsx") or (fmt != "json" and self.export is None):
            raise exceptions.NotAcceptable()
        queryset = self.filter_queryset(self.get_queryset())
        if fmt == "csv":
            return listexport.stream_csv(
                self.export, user=request.user, params=request.query_params, queryset=queryset
            )
        if fmt == "xlsx":
            job = listexport.export_job_create(
                user=request.user,
                key=self.export.key,
                fmt="xlsx",
                params=listexport.filter_params(request.query_params),
            )
            url = reverse("api:export-detail", args=[job.pk], request=request)
            return Response(
                {"id": str(job.pk), "state": job.state, "url": url},
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": url},
            )
        page = self.paginate_queryset(self.value_rows(queryset))
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def value_rows(self, queryset):
        """The list's rows as ``values()`` dicts when the serializer can draw every field from
        them (``FastRepresentationMixin.value_plan``): no model instances are built for a page,
        and the columns' SQL is compiled once (``rows.RowsByIdIterable``)."""
        serializer_class = self.get_serializer_class()
        plan = getattr(serializer_class, "value_plan", None)
        if self.prefetch or plan is None or plan() is None:
            return queryset
        paths = serializer_class.value_paths()
        return rows_by_id(queryset, [*paths, *(["id"] if "id" not in paths else [])])


class ReadOnlyScopedViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """List (with filters and exports) and one record."""


class ServiceWriteMixin:
    """Writes go through the app's services (``perform_service_create`` / ``_update``), which
    check who acts and which fields they may set; the serializer only parses the input.
    An update needs the ``version`` the caller read (optimistic concurrency: a stale one is 409).
    """

    write_serializer_class: ClassVar[type] = None

    def _input(self, request, *, partial: bool):
        serializer = self.write_serializer_class(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return data

    def _output(self, obj, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.annotate(
            self.model.objects.for_user(self.request.user)
            .select_related(*self.related)
            .prefetch_related(*self.prefetch)
        ).get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def create(self, request, *args, **kwargs):
        obj = self.perform_service_create(self._input(request, partial=False))
        return self._output(obj, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self._input(request, partial=True)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": [str(_("Trường này là bắt buộc."))]})
        obj = self.perform_service_update(instance, data, version)
        return self._output(obj)
