"""One export mechanism for every list, page or API: CSV streamed while it is read, XLSX built
by the job runner (``ListExportJob``).

A list registers an ``ExportSpec``: its model, its page's FilterSet, its columns and how a row
is drawn. The rows always come from ``Model.objects.for_user(user)`` narrowed by the same
FilterSet as the page, so an export shows exactly the rows the user's list shows. Cells go
through ``laichau_nsc.exports``: formulas neutralised, codes kept as text.

- ``stream_csv(spec, user, params)``: a ``StreamingHttpResponse``; memory stays flat whatever
  the number of rows (the rows are read in chunks and written line by line).
- ``export_job_create(...)``: an XLSX (or CSV) file built in the background; the user downloads
  it from its job page (``/xuat/<id>/``) or the API's ``/api/v1/exports/<id>/``.
"""

import csv
import hashlib
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models import QuerySet
from django.http import QueryDict, StreamingHttpResponse
from django.utils import timezone

from . import jobs
from .exports import Column, _csv_value, _kind, as_columns, write_csv, write_xlsx
from .models import ListExportJob

CHUNK = 2000


@dataclass
class ExportSpec:
    """How one list is exported."""

    key: str
    title: str
    model: type
    filterset_class: type | None
    columns: Sequence[Column]
    row: Callable[[Any], Sequence[Any]]
    #: Applied to the scoped queryset before filtering (select_related, annotations).
    prepare: Callable[[QuerySet], QuerySet] = field(default=lambda qs: qs)
    #: Extra keyword arguments the FilterSet takes (e.g. ``staff=``), from the user.
    filterset_kwargs: Callable[[Any], dict] = field(default=lambda user: {})
    ordering: Sequence[str] = ("pk",)
    #: Who may export the list from its page: the page's roles (role names).
    roles: Sequence[str] = ("officer", "leader", "enterprise")


REGISTRY: dict[str, ExportSpec] = {}


#: Modules that register the lists' specs (imported on first use, also in a worker).
SPEC_MODULES = ("enterprises.api", "standards.api", "programs.api")


def register(spec: ExportSpec) -> ExportSpec:
    REGISTRY[spec.key] = spec
    return spec


def get_spec(key: str) -> ExportSpec | None:
    for module in SPEC_MODULES:
        import_module(module)
    return REGISTRY.get(key)


class _Request:
    """What a FilterSet reads of a request, for an export built outside one (a job)."""

    def __init__(self, user, params: QueryDict):
        self.user, self.GET, self.query_params = user, params, params


def as_querydict(params: dict[str, Any] | QueryDict) -> QueryDict:
    if isinstance(params, QueryDict):
        return params
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def filter_params(params: QueryDict) -> dict[str, list[str]]:
    """The list's filters of a query, without paging, sorting and format parameters."""
    skip = {"page", "page_size", "per_page", "cursor", "format", "sort"}
    return {k: params.getlist(k) for k in sorted(params) if k not in skip}


def export_queryset(spec: ExportSpec, *, user, params: dict[str, Any] | QueryDict) -> QuerySet:
    """The user's rows (``for_user``) narrowed by the page's filters; bad filters, no rows."""
    data = as_querydict(params)
    queryset = spec.prepare(spec.model.objects.for_user(user))
    if spec.filterset_class is not None:
        filterset = spec.filterset_class(
            data, queryset=queryset, request=_Request(user, data), **spec.filterset_kwargs(user)
        )
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    return queryset.order_by(*spec.ordering)


def export_rows(spec: ExportSpec, queryset: QuerySet, limit: int | None = None) -> Iterator:
    limit = limit or settings.PORTAL_EXPORT_MAX_ROWS
    for obj in queryset[:limit].iterator(chunk_size=CHUNK):
        yield spec.row(obj)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[Column | str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV of ``write_csv``, one line at a time (BOM first, so Excel reads UTF-8)."""
    spec = as_columns(columns)
    kinds = [c.kind for c in spec]
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.title for c in spec])
    for row in rows:
        yield writer.writerow([_csv_value(v, _kind(kinds, i)) for i, v in enumerate(row)])


def filename(spec: ExportSpec, extension: str) -> str:
    return f"{spec.key}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def stream_csv(
    spec: ExportSpec, *, user, params: dict[str, Any] | QueryDict, queryset: QuerySet | None = None
) -> StreamingHttpResponse:
    """The list as CSV, streamed: rows are read in chunks while the answer is being sent."""
    if queryset is None:
        queryset = export_queryset(spec, user=user, params=params)
    response = StreamingHttpResponse(
        (line.encode() for line in csv_lines(spec.columns, export_rows(spec, queryset))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(spec, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The XLSX job ---------------------------------------------------------------------------


def export_job_create(*, user, key: str, fmt: str, params: dict[str, Any]) -> ListExportJob:
    """Queue an export of list ``key`` as filtered by ``params``; asking again while it is being
    built (a double click) finds the same job."""
    if get_spec(key) is None:
        raise KeyError(key)
    material = json.dumps([user.pk, key, fmt, params], sort_keys=True, default=str)
    dedupe = hashlib.sha256(material.encode()).hexdigest()[:40]
    return jobs.submit(
        ListExportJob, dedupe_key=dedupe, user=user, list_key=key, format=fmt, params=params
    )


def export_job_build(*, job: ListExportJob, ctx: jobs.RunContext) -> dict[str, Any]:
    """The job runner's handler: the file, built in the asking user's scope."""
    job = ListExportJob.objects.select_related("user").get(pk=job.pk)
    spec = get_spec(job.list_key)
    queryset = export_queryset(spec, user=job.user, params=job.params)
    total = min(queryset.count(), settings.PORTAL_EXPORT_MAX_ROWS)
    rows = _reporting(export_rows(spec, queryset), ctx, total)
    # Spilled to disk past 8 MB: memory stays bounded however many rows.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    if job.format == "csv":
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        count = write_csv(text, spec.columns, rows)
        text.flush()
        text.detach()
    else:
        count = write_xlsx(spool, spec.title, spec.columns, rows)
    spool.seek(0)
    name = job.file.field.generate_filename(job, filename(spec, job.format))
    saved = job.file.storage.save(name, File(spool))
    return {"file": saved, "row_count": count}


def _reporting(rows: Iterator, ctx: jobs.RunContext, total: int) -> Iterator:
    for index, row in enumerate(rows, start=1):
        if index % 500 == 0:
            ctx.progress(index, total)
        yield row


def attribute_row(paths: Sequence[str]) -> Callable[[Any], list[Any]]:
    """A row of the values at ``paths`` ("enterprise.tax_code", "get_status_display"): each
    part an attribute, a method called without arguments; None past a missing relation."""
    split = [p.split(".") for p in paths]

    def row(obj) -> list[Any]:
        values = []
        for parts in split:
            value = obj
            for part in parts:
                if value is None:
                    break
                value = getattr(value, part)
                if callable(value):
                    value = value()
            values.append(value)
        return values

    return row


def spec_from_pairs(
    key: str, title: str, model: type, filterset_class, pairs: Sequence[tuple[str, Column]], **kw
) -> ExportSpec:
    """An ``ExportSpec`` from (path, column) pairs (see ``attribute_row``)."""
    return register(
        ExportSpec(
            key=key,
            title=title,
            model=model,
            filterset_class=filterset_class,
            columns=[c for _p, c in pairs],
            row=attribute_row([p for p, _c in pairs]),
            **kw,
        )
    )
