"""Bulk import: upload → check (a dry run) → confirm → write, all through the job runner.

- ``import_upload`` checks the file (size, type, zip bomb, macros, XML DOCTYPE), stores it
  and queues a **preview** job; the same file uploaded twice while its check runs (a double
  click) finds the first job.
- ``import_job_run`` (the job runner's handler) reads every row and writes it through the
  pages' services (``imports.kinds``) inside a transaction. A preview always rolls it back and
  keeps the errors and counts; a **commit** keeps it only when no row failed, in the same
  transaction as the job's ``done`` state (``RunContext`` guarded update), so it is all rows or
  none, and a worker killed halfway leaves nothing: the rerun starts over on an unchanged
  database. (Were a finished write ever run again, the natural keys would find every row
  "unchanged".)
- ``import_confirm`` queues the commit of a checked preview (once: a second click finds it).

Memory is bounded: rows are streamed and written ``IMPORT_BATCH_ROWS`` at a time when the kind
can (``apply_batch``), at most ``IMPORT_MAX_ROWS`` are read, and only a 64-bit digest of each row's
key with its row number (for duplicates within the file: 12 bytes a row, ``imports.keys``), the
first ``IMPORT_MAX_MESSAGES`` messages and the first ``IMPORT_SAMPLE_ROWS`` rows are kept.
"""

import hashlib
import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laichau_nsc import jobs
from laichau_nsc.models import JobError, JobState, LeaseLost
from laichau_nsc.roles import is_officer

from . import keys, reading
from .choices import ImportKind, ImportMode
from .columns import CellError, Column, header_key, parse
from .history import import_reason
from .kinds import CREATED, SPECS, BatchRow, RowContext, RowError, kinds_for
from .models import ImportJob

logger = logging.getLogger(__name__)


#: Rows a kind with ``apply_batch`` writes at once (``IMPORT_BATCH_ROWS``, 500): big enough
#: that a batch's few queries cost little per row, small enough that its records stay a small,
#: fixed part of the memory.
def _batch_size() -> int:
    return max(1, settings.IMPORT_BATCH_ROWS)


# --- Upload and confirm ----------------------------------------------------------------------


def _digest(upload) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def check_file(upload) -> str:
    """The file's format (``xlsx``/``csv``) if it may be read; ``ValidationError`` otherwise."""
    reading.check_size(upload.size)
    upload.seek(0)
    fmt = reading.detect_format(upload.read(64 * 1024), upload.name or "")
    upload.seek(0)
    if fmt == reading.XLSX:
        reading.check_xlsx(upload)
        upload.seek(0)
    return fmt


def import_upload(
    *, user, kind: str, upload: UploadedFile, params: dict | None = None
) -> ImportJob:
    """Check an uploaded file and queue its dry run."""
    spec = SPECS.get(kind)
    if spec is None or spec not in kinds_for(user):
        raise PermissionDenied
    params = params or {}
    if kind == ImportKind.PARTICIPANTS:
        _check_course(user, params.get("course"))
    check_file(upload)
    digest = _digest(upload)
    key = hashlib.sha256(
        f"preview|{user.pk}|{kind}|{sorted(params.items())}|{digest}".encode()
    ).hexdigest()
    return jobs.submit(
        ImportJob,
        dedupe_key=key,
        user=user,
        kind=kind,
        mode=ImportMode.PREVIEW,
        params=params,
        file=upload,
        original_name=(upload.name or "")[:255],
        sha256=digest,
        size=upload.size,
    )


def _check_course(user, course_id) -> None:
    from programs.models import TrainingCourse

    if (
        not course_id
        or not TrainingCourse.objects.for_user(user, "change")
        .filter(pk=course_id, is_archived=False)
        .exists()
    ):
        raise ValidationError({"course": _("Chọn khóa đào tạo để nhập học viên.")})


def import_confirm(*, preview: ImportJob, user) -> ImportJob:
    """Queue the write of a checked preview; a second confirmation finds the first."""
    if preview.user_id != user.pk or preview.mode != ImportMode.PREVIEW:
        raise PermissionDenied
    if SPECS[preview.kind] not in kinds_for(user):
        raise PermissionDenied
    done = preview.commits.filter(state__in=(JobState.QUEUED, JobState.RUNNING, JobState.DONE))
    earlier = done.order_by("-created_at").first()
    if earlier is not None and (earlier.state != JobState.DONE or not earlier.error_count):
        return earlier
    if not preview.can_confirm:
        raise ValidationError(_("Tệp còn lỗi hoặc không có dòng mới; không thể ghi vào hệ thống."))
    ImportJob.objects.filter(pk=preview.pk).update(confirmed_at=timezone.now())
    return jobs.submit(
        ImportJob,
        dedupe_key=f"commit|{preview.pk}",
        user=user,
        kind=preview.kind,
        mode=ImportMode.COMMIT,
        preview=preview,
        params=preview.params,
        file=preview.file.name,
        original_name=preview.original_name,
        sha256=preview.sha256,
        size=preview.size,
    )


# --- Running ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)

    def message(self, row: int, column: str, text: str, level: str = "error") -> None:
        if level == "error":
            self.errors += 1
        if len(self.messages) < settings.IMPORT_MAX_MESSAGES:
            self.messages.append({"row": row, "column": column, "message": text, "level": level})

    def fields(self) -> dict[str, Any]:
        return {
            "row_count": self.rows,
            "created_count": self.created,
            "unchanged_count": self.unchanged,
            "error_count": self.errors,
            "messages": self.messages,
            "sample": self.sample,
        }


class _Rollback(Exception):
    pass


class _ProgressWriter(threading.Thread):
    """Writes the job's progress from its own connection while the rows' transaction is open
    (PostgreSQL only: SQLite has one writer at a time)."""

    def __init__(self, job: ImportJob, owner: str):
        super().__init__(name=f"import-progress-{job.pk}", daemon=True)
        self.pk, self.owner = job.pk, owner
        self.percent = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        written = -1
        try:
            while not self.stopped.wait(1.0):
                if self.percent != written:
                    written = self.percent
                    ImportJob.objects.filter(
                        pk=self.pk, state=JobState.RUNNING, lease_owner=self.owner
                    ).update(progress=written)
        finally:
            connections.close_all()


@contextmanager
def _progress(job: ImportJob, ctx: jobs.RunContext) -> Iterator[_ProgressWriter | None]:
    if connection.vendor != "postgresql" or ctx.heartbeat is None:
        yield None
        return
    writer = _ProgressWriter(job, ctx.owner)
    writer.start()
    try:
        yield writer
    finally:
        writer.stopped.set()
        writer.join(timeout=5)


def import_job_run(*, job: ImportJob, ctx: jobs.RunContext) -> dict[str, Any]:
    """The job runner's handler for previews and commits."""
    job = ImportJob.objects.select_related("user").get(pk=job.pk)
    with job.file.open("rb") as raw, _spooled(raw) as fileobj:
        try:
            fmt = check_file(_Sized(fileobj))
        except ValidationError as error:
            raise JobError(" ".join(error.messages)) from None
        if job.mode == ImportMode.PREVIEW:
            outcome = _run_rows(job, ctx, fileobj, fmt, keep=False)
            return outcome.fields()
        try:
            with transaction.atomic():
                outcome = _run_rows(job, ctx, fileobj, fmt, keep=True)
                if outcome.errors or not outcome.rows:
                    raise _Rollback
                if not ctx._mine().select_for_update().exists():
                    raise LeaseLost(job.pk)
                ImportJob.objects.filter(pk=job.pk).update(**outcome.fields())
                jobs._mark_done(ctx, {})
            ctx.completed = True
        except _Rollback:
            return outcome.fields()
    return {}


@contextmanager
def _spooled(raw) -> Iterator[io.IOBase]:
    """The stored file as a seekable local file (storage backends may stream)."""
    import shutil
    import tempfile

    # At most 1 MB in memory; a larger file goes to a temporary file on disk.
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        shutil.copyfileobj(raw, spool)
        spool.seek(0)
        yield spool


class _Sized:
    """A file object with ``size`` and ``name``, as ``check_file`` expects an upload."""

    def __init__(self, fileobj):
        self._f = fileobj
        fileobj.seek(0, io.SEEK_END)
        self.size = fileobj.tell()
        fileobj.seek(0)
        self.name = ""

    def __getattr__(self, name):
        return getattr(self._f, name)


def _run_rows(job: ImportJob, ctx: jobs.RunContext, fileobj, fmt: str, *, keep: bool) -> Outcome:
    """Every row through its kind's service, inside a transaction; rolled back unless ``keep``.

    Each row's service runs in its own savepoint (the services are ``atomic``), so a refused row
    leaves nothing and the next row goes on.
    """
    spec = SPECS[job.kind]
    outcome = Outcome()
    try:
        table = reading.open_table(fileobj, fmt)
        positions = _map_headers(spec.columns, table.headers)
    except ValidationError as error:
        raise JobError(" ".join(error.messages)) from None
    row_ctx = RowContext(user=job.user, params=job.params, officer=is_officer(job.user))
    seen = keys.KeyIndex()
    total = _row_estimate(job)
    prefix = _("Nhập dữ liệu “%(name)s”") % {"name": job.original_name[:40]}
    batch: list[BatchRow] = []
    try:
        with transaction.atomic(), _progress(job, ctx) as writer:
            for number, cells in table.rows:
                if all(c.blank for c in cells):
                    continue
                outcome.rows += 1
                if outcome.rows > settings.IMPORT_MAX_ROWS:
                    raise JobError(
                        _("Tệp có hơn %(n)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                        % {"n": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")}
                    )
                reason = f"{prefix}, dòng {number}"[:100]
                values = _parsed_row(spec, number, cells, positions, seen, outcome)
                if values is None:
                    pass
                elif spec.apply_batch is not None:
                    batch.append(BatchRow(number, values, reason))
                    if len(batch) >= _batch_size():
                        _write_batch(spec, row_ctx, batch, outcome)
                        batch = []
                else:
                    with import_reason(reason):
                        _write_row(spec, row_ctx, number, values, outcome)
                if outcome.rows % 50 == 0:
                    ctx.check()
                    if writer is not None:
                        writer.percent = min(99, outcome.rows * 100 // max(total, 1))
            if batch:
                _write_batch(spec, row_ctx, batch, outcome)
            if not keep:
                raise _Rollback
    except _Rollback:
        pass
    except ValidationError as error:  # a CSV that breaks halfway
        raise JobError(" ".join(error.messages)) from None
    return outcome


def _row_estimate(job: ImportJob) -> int:
    # The preview counted them; a first check guesses from the size (about 100 bytes a row).
    if job.preview_id:
        return ImportJob.objects.filter(pk=job.preview_id).values_list("row_count", flat=True)[0]
    return max(1, job.size // 100)


def _map_headers(columns: list[Column], headers: list[str]) -> dict[str, int]:
    """Column name → position in the file; a required column missing refuses the file."""
    by_key = {header_key(h): i for i, h in enumerate(headers) if h}
    positions = {}
    for column in columns:
        # A template downloaded in English has English headers: both are accepted.
        names = [str(column.header)]
        with translation.override("en"):
            names.append(str(column.header))
        for candidate in names:
            index = by_key.get(header_key(candidate))
            if index is not None:
                positions[column.name] = index
                break
    missing = [c.title() for c in columns if c.required and c.name not in positions]
    if missing:
        raise ValidationError(
            _(
                "Tệp thiếu cột bắt buộc: %(columns)s. Hãy dùng tệp mẫu tải từ trang nhập dữ liệu "
                "(dòng đầu là tên cột)."
            )
            % {"columns": ", ".join(missing)}
        )
    return positions


def _parsed_row(
    spec, number, cells, positions, seen: keys.KeyIndex, outcome: Outcome
) -> dict[str, Any] | None:
    """The row's values, or None when a cell cannot be read or its key came earlier in the
    file (the messages say so)."""
    values: dict[str, Any] = {}
    failed = False
    for column in spec.columns:
        index = positions.get(column.name)
        cell = cells[index] if index is not None and index < len(cells) else reading.Cell(None)
        try:
            values[column.name] = parse(column, cell)
        except CellError as error:
            outcome.message(number, str(column.header), str(error))
            failed = True
    if failed:
        return None
    # A 64-bit digest of the key: the one thing kept per row (12 bytes with its row number,
    # ``imports.keys``), to find a key repeated within the file.
    key = keys.digest(repr(spec.key(values)))
    earlier = seen.get(key)
    if earlier is not None:
        outcome.message(
            number,
            "",
            _("Trùng với dòng %(row)s của tệp (%(what)s).")
            % {"row": earlier, "what": spec.describe(values)},
        )
        return None
    seen.add(key, number)
    return values


def _write_row(spec, row_ctx, number, values, outcome: Outcome) -> None:
    row_ctx.notes = []
    try:
        result = spec.apply(values, row_ctx)
    except RowError as error:
        result = error
    _record(spec, spec.headers(), number, values, result, row_ctx.notes, outcome)


def _write_batch(spec, row_ctx, batch: list[BatchRow], outcome: Outcome) -> None:
    headers = spec.headers()  # once a batch: translating every header cost a row's parsing
    for row, written in zip(batch, spec.apply_batch(batch, row_ctx), strict=True):
        _record(spec, headers, row.number, row.values, written.result, written.notes, outcome)


def _record(spec, headers, number, values, result, notes, outcome: Outcome) -> None:
    if isinstance(result, RowError):
        for name, message in result.errors:
            outcome.message(number, headers.get(name, ""), message)
        return
    for name, message in notes:
        outcome.message(number, headers.get(name, ""), message, level="note")
    if result == CREATED:
        outcome.created += 1
    else:
        outcome.unchanged += 1
    if len(outcome.sample) < settings.IMPORT_SAMPLE_ROWS:
        outcome.sample.append({"row": number, "key": spec.describe(values), "outcome": result})
