"""The one job runner: background work whose state lives in a database row.

Every background job of the portal (list exports, e-mail, nightly work, later yearly reports and
imports) is a row of a model that extends ``JobModel``. The row, not the broker, is the truth:

- ``submit()`` creates the row and hands it to Celery only after the transaction commits
  (``transaction.on_commit``). If the broker cannot take it, the row stays ``queued`` with no
  ``dispatched_at``; the user is told the work is saved and will run later, and the sweep sends
  it when the broker is back.
- A worker *claims* the row with a guarded update and holds a *lease* on it: ``lease_owner``
  (host:pid:nonce) and ``lease_expires_at``, renewed by a heartbeat thread every third of
  ``JOB_LEASE_SECONDS`` and by every progress report. A slow job that is alive keeps its lease, so
  a redelivered message for it does nothing.
- A job whose worker died loses its lease within ``JOB_LEASE_SECONDS``. If the redelivered message
  lands on the same host and the owner's process is gone, it is taken over at once; otherwise
  ``sweep()`` (celery beat, every minute) puts it back in the queue. After ``max_attempts``
  tries it ends ``failed`` with a reason the user sees, never ``running`` forever.
- Finishing is a guarded update too: a run that lost its lease cannot mark the job done and
  throws its result away (``discard()``), so a job finishes exactly once.

Handlers are plain service functions ``handler(job=…, ctx=…) -> dict`` named by the model's
``handler`` attribute; the dict holds the fields to save with the ``done`` state. A handler whose
database writes must commit together with ``done`` writes them inside ``ctx.finishing()``.
"""

import contextvars
import datetime
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .models import OPEN_STATES, BackgroundJob, JobError, JobModel, JobState, LeaseLost

__all__ = ["OPEN_STATES", "JobError", "JobModel", "JobState", "LeaseLost"]

logger = logging.getLogger(__name__)


J = TypeVar("J", bound=JobModel)


def job_models() -> list[type[JobModel]]:
    return [m for m in apps.get_models() if issubclass(m, JobModel)]


def lease_seconds() -> int:
    return settings.JOB_LEASE_SECONDS


# --- Submitting ----------------------------------------------------------------------------


def submit(model: type[J], *, dedupe_key: str = "", **fields) -> J:
    """Create a job (or return the open one with the same ``dedupe_key``) and queue it on commit.

    A model's own unique constraint on ``dedupe_key`` says how long a key is taken: while the
    job is open (exports), or for ever (an e-mail, a nightly run of one day).
    """
    if dedupe_key:
        existing = _same_key(model, dedupe_key)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            job = model.objects.create(dedupe_key=dedupe_key, **fields)
    except IntegrityError:
        existing = _same_key(model, dedupe_key) if dedupe_key else None
        if existing is None:
            raise
        return existing
    # A job asked to run later (``run_after``: a debounced rebuild) is left to the sweep, which
    # sends it once it is due; sent now, the worker would only find it not yet due.
    if job.run_after <= timezone.now():
        enqueue(job)
    return job


def _same_key(model: type[JobModel], key: str) -> JobModel | None:
    same = model.objects.filter(dedupe_key=key)
    if model.dedupe_while_open:
        same = same.filter(state__in=OPEN_STATES)
    return same.order_by("-created_at").first()


def enqueue(job: JobModel) -> None:
    """Hand the job to the broker once the surrounding transaction commits."""
    label, pk = job.label(), job.pk
    transaction.on_commit(lambda: dispatch(label, pk))


# Jobs a request saved but could not queue (broker down): the middleware tells the user.
_undispatched: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "nsc_undispatched_jobs", default=None
)


@contextmanager
def collecting_undispatched() -> Iterator[list[str]]:
    """Collect the notices of jobs that could not be queued while the block runs."""
    notices: list[str] = []
    token = _undispatched.set(notices)
    try:
        yield notices
    finally:
        _undispatched.reset(token)


def dispatch(label: str, pk: Any) -> bool:
    """Send the job's message to the broker; on failure leave it pending for the sweep."""
    from kombu.exceptions import KombuError

    from .tasks import run_job

    model = apps.get_model(label)
    # Stamped before sending: inline (no broker) the job runs inside apply_async, and a retry it
    # asks for clears the stamp again.
    stamp = timezone.now()
    model.objects.filter(pk=pk, state=JobState.QUEUED).update(dispatched_at=stamp)
    try:
        run_job.apply_async(
            (label, str(pk)),
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
        )
    except (KombuError, OSError) as exc:
        model.objects.filter(pk=pk, dispatched_at=stamp).update(dispatched_at=None)
        logger.warning("job %s %s not queued (broker unavailable: %s)", label, pk, exc)
        notices = _undispatched.get()
        if notices is not None:
            notices.append(str(model.pending_notice))
        return False
    return True


# --- Running -------------------------------------------------------------------------------


def _new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _owner_is_dead_here(owner: str) -> bool:
    """True when the lease holder is a process of this host that no longer exists.

    A pool process killed mid-job is replaced and its message redelivered at once; this lets
    the new delivery take over without waiting for the lease to run out.
    """
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class RunContext:
    """What a handler gets besides its job: progress reports and the lease."""

    job: JobModel
    owner: str
    lease: int
    heartbeat: "Heartbeat | None" = None
    completed: bool = False
    _last_report: float = 0.0
    _percent: int = -1
    result: dict[str, Any] = field(default_factory=dict)

    def _mine(self) -> models.QuerySet:
        return type(self.job).objects.filter(
            pk=self.job.pk, state=JobState.RUNNING, lease_owner=self.owner
        )

    def check(self) -> None:
        """Raise ``LeaseLost`` if another worker has taken the job over."""
        if self.heartbeat is not None and self.heartbeat.lost.is_set():
            raise LeaseLost(self.job.pk)

    def progress(self, done: int, total: int) -> None:
        """Report progress (at most once a second to the database); renews the lease."""
        self.check()
        percent = min(99, int(done * 100 / total)) if total else 0
        now = timezone.now().timestamp()
        if percent == self._percent or now - self._last_report < 1.0:
            return
        self._percent, self._last_report = percent, now
        expires = timezone.now() + datetime.timedelta(seconds=self.lease)
        if not self._mine().update(progress=percent, lease_expires_at=expires):
            raise LeaseLost(self.job.pk)

    @contextmanager
    def finishing(self, **fields) -> Iterator[None]:
        """Database writes that must commit together with the job's ``done`` state.

        The job row is locked and checked to be still ours first; if it is not, nothing in the
        block is kept (``LeaseLost``).
        """
        with transaction.atomic():
            if not self._mine().select_for_update().exists():
                raise LeaseLost(self.job.pk)
            yield
            _mark_done(self, fields)
        self.completed = True


class Heartbeat(threading.Thread):
    """Renews the lease while the handler works, from a thread with its own connection."""

    def __init__(self, model: type[JobModel], pk: Any, owner: str):
        super().__init__(name=f"job-heartbeat-{pk}", daemon=True)
        self.model, self.pk, self.owner = model, pk, owner
        self.stopped = threading.Event()
        self.lost = threading.Event()

    def run(self) -> None:
        interval = max(0.5, lease_seconds() / 3)
        try:
            while not self.stopped.wait(interval):
                if not self.renew():
                    self.lost.set()
                    return
        finally:
            connections.close_all()

    def renew(self) -> bool:
        expires = timezone.now() + datetime.timedelta(seconds=lease_seconds())
        try:
            return bool(
                self.model.objects.filter(
                    pk=self.pk, state=JobState.RUNNING, lease_owner=self.owner
                ).update(lease_expires_at=expires)
            )
        except DatabaseError:
            # The database is away for a moment: the lease may run out, and the final guarded
            # update decides who finishes. Keep trying.
            logger.warning("job %s: could not renew its lease", self.pk, exc_info=True)
            connections.close_all()
            return True


def execute(label: str, pk: Any, *, heartbeat: bool = True) -> None:
    """Run one job if it is ours to run (the Celery task ``run_job`` calls this)."""
    model = apps.get_model(label)
    # Inline (no broker, no beat) nobody else could take the job over: the lease need not lapse.
    lease = lease_seconds() if heartbeat else settings.CELERY_TASK_TIME_LIMIT
    claimed = _claim(model, pk, lease)
    if claimed is None:
        return
    job, owner = claimed
    ctx = RunContext(job=job, owner=owner, lease=lease)
    if heartbeat:
        ctx.heartbeat = Heartbeat(model, job.pk, owner)
        ctx.heartbeat.start()
    try:
        # Files and stored messages are written in the portal's language, whatever language the
        # process last served (inline, a web request's).
        with translation.override(settings.LANGUAGE_CODE):
            _run_handler(model, job, ctx)
    finally:
        if ctx.heartbeat is not None:
            ctx.heartbeat.stopped.set()
            ctx.heartbeat.join(timeout=5)


def _run_handler(model: type[JobModel], job: JobModel, ctx: RunContext) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    handler: Callable[..., dict | None] = import_string(model.handler)
    try:
        result = handler(job=job, ctx=ctx) or {}
    except LeaseLost:
        logger.warning("job %s %s: lease lost, another worker has it", model.label(), job.pk)
        return
    except JobError as exc:
        _mark_failed(ctx, str(exc))
        return
    except SoftTimeLimitExceeded:
        minutes = settings.CELERY_TASK_SOFT_TIME_LIMIT // 60
        _mark_failed(ctx, _("Quá thời gian xử lý cho phép (%(n)d phút).") % {"n": minutes})
        return
    except Exception as exc:
        if isinstance(exc, model.retry_on) and job.attempts < model.max_attempts:
            logger.warning("job %s %s: will retry after %r", model.label(), job.pk, exc)
            _mark_retry(ctx, exc)
        else:
            logger.exception("job %s %s failed", model.label(), job.pk)
            _mark_failed(ctx, _failure_text(job))
        return
    if not ctx.completed and not _mark_done(ctx, result):
        logger.warning("job %s %s finished after losing its lease", model.label(), job.pk)
        job.discard(result)
        return
    job.on_done(result)


def _failure_text(job: JobModel) -> str:
    return str(
        _(
            "Lỗi hệ thống khi xử lý (mã tham chiếu %(ref)s). Vui lòng thử lại hoặc báo bộ "
            "phận kỹ thuật."
        )
        % {"ref": f"{job._meta.model_name}-{job.pk}"}
    )


def _claim(model: type[JobModel], pk: Any, lease: int) -> tuple[JobModel, str] | None:
    """Take the job if it is queued and due, or running under a dead lease; else ``None``."""
    now = timezone.now()
    row = (
        model.objects.filter(pk=pk)
        .values("state", "lease_owner", "lease_expires_at", "attempts", "run_after")
        .first()
    )
    if row is None:
        logger.warning("job %s %s: no such row", model.label(), pk)
        return None
    if row["state"] == JobState.QUEUED:
        if row["run_after"] > now:
            return None  # a retry not yet due; the sweep sends it when it is
    elif row["state"] == JobState.RUNNING:
        expired = row["lease_expires_at"] is None or row["lease_expires_at"] < now
        if not (expired or _owner_is_dead_here(row["lease_owner"])):
            return None  # alive elsewhere (a redelivered message): leave it alone
        if row["attempts"] >= model.max_attempts:
            _fail_abandoned(model, pk, row["lease_owner"], row["attempts"])
            return None
    else:
        return None  # done or failed: a redelivery has nothing to do
    owner = _new_owner()
    claimed = model.objects.filter(
        pk=pk, state=row["state"], lease_owner=row["lease_owner"]
    ).update(
        state=JobState.RUNNING,
        lease_owner=owner,
        lease_expires_at=now + datetime.timedelta(seconds=lease),
        attempts=F("attempts") + 1,
        started_at=now,
        progress=0,
    )
    if not claimed:
        return None  # another delivery was quicker
    return model.objects.get(pk=pk), owner


def _abandoned_text(attempts: int) -> str:
    return str(
        _(
            "Tiến trình xử lý bị dừng đột ngột %(n)d lần (máy chủ xử lý nền khởi động lại hoặc "
            "thiếu bộ nhớ). Vui lòng thử lại; nếu vẫn lỗi, báo bộ phận kỹ thuật."
        )
        % {"n": attempts}
    )


def _fail_abandoned(model: type[JobModel], pk: Any, owner: str, attempts: int) -> bool:
    return bool(
        model.objects.filter(pk=pk, state=JobState.RUNNING, lease_owner=owner).update(
            state=JobState.FAILED,
            error=_abandoned_text(attempts),
            finished_at=timezone.now(),
            lease_owner="",
            lease_expires_at=None,
        )
    )


def _mark_done(ctx: RunContext, fields: dict[str, Any]) -> bool:
    return bool(
        ctx._mine().update(
            state=JobState.DONE,
            progress=100,
            error="",
            finished_at=timezone.now(),
            lease_owner="",
            lease_expires_at=None,
            **fields,
        )
    )


def _mark_failed(ctx: RunContext, reason: str) -> None:
    ctx._mine().update(
        state=JobState.FAILED,
        error=reason[:2000],
        finished_at=timezone.now(),
        lease_owner="",
        lease_expires_at=None,
    )


def _mark_retry(ctx: RunContext, exc: BaseException) -> None:
    delays = type(ctx.job).retry_delays
    delay = delays[min(ctx.job.attempts, len(delays)) - 1] if delays else 60
    ctx._mine().update(
        state=JobState.QUEUED,
        error=f"{type(exc).__name__}: {exc}"[:2000],
        run_after=timezone.now() + datetime.timedelta(seconds=delay),
        dispatched_at=None,
        lease_owner="",
        lease_expires_at=None,
    )


# --- The sweep (celery beat, every minute) -------------------------------------------------


@dataclass
class SweepResult:
    requeued: int = 0
    failed: int = 0
    dispatched: int = 0
    broker_down: bool = False

    def __add__(self, other: Self) -> Self:
        return SweepResult(
            self.requeued + other.requeued,
            self.failed + other.failed,
            self.dispatched + other.dispatched,
            self.broker_down or other.broker_down,
        )


def sweep(*, batch: int = 500) -> SweepResult:
    """Put jobs of dead workers back in the queue (or fail them), and send what is pending."""
    total = SweepResult()
    for model in job_models():
        total = total + _sweep_model(model, batch)
        if total.broker_down:
            break
    if total.requeued or total.failed or total.dispatched:
        logger.info("job sweep: %s", total)
    return total


def _sweep_model(model: type[JobModel], batch: int) -> SweepResult:
    result = SweepResult()
    now = timezone.now()
    stale = model.objects.filter(state=JobState.RUNNING, lease_expires_at__lt=now).values_list(
        "pk", "lease_owner", "attempts"
    )[:batch]
    for pk, owner, attempts in stale:
        if attempts >= model.max_attempts:
            result.failed += _fail_abandoned(model, pk, owner, attempts)
            continue
        result.requeued += model.objects.filter(
            pk=pk, state=JobState.RUNNING, lease_owner=owner
        ).update(
            state=JobState.QUEUED,
            lease_owner="",
            lease_expires_at=None,
            dispatched_at=None,
            run_after=now,
        )
    resend_before = now - datetime.timedelta(seconds=settings.JOB_REDISPATCH_SECONDS)
    due = (
        model.objects.filter(state=JobState.QUEUED, run_after__lte=now)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=resend_before))
        .order_by("run_after")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in due:
        if not dispatch(model.label(), pk):
            result.broker_down = True
            break
        result.dispatched += 1
    return result


# --- Service functions as jobs -------------------------------------------------------------


def background(function: Callable) -> Callable:
    """Mark a service function as one the job runner may call by its dotted path."""
    function.background_job = True
    return function


def submit_function(function: Callable, *, dedupe_key: str = "", **params) -> BackgroundJob:
    """Run ``function(**params)`` as a job; with a ``dedupe_key`` at most once for that key."""
    if not getattr(function, "background_job", False):
        raise ValueError(f"{function.__qualname__} is not marked with @jobs.background")
    path = f"{function.__module__}.{function.__qualname__}"
    return submit(BackgroundJob, dedupe_key=dedupe_key, function=path, params=params)


def submit_daily(function: Callable, *, day: datetime.date | None = None) -> BackgroundJob:
    """The nightly run of ``function`` for ``day`` (today): once, even if beat asks twice."""
    day = day or timezone.localdate()
    path = f"{function.__module__}.{function.__qualname__}"
    return submit_function(function, dedupe_key=f"{path}:{day.isoformat()}", day=day.isoformat())


def run_background_function(*, job: BackgroundJob, ctx: RunContext) -> dict[str, Any]:
    function = import_string(job.function)
    if not getattr(function, "background_job", False):
        raise JobError(f"{job.function} is not a background function")
    result = function(**job.params)
    return {"result": result if isinstance(result, dict) else {"value": result}}
