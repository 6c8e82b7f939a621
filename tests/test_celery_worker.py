"""The job runner against a real Celery worker, a real broker and PostgreSQL.

A worker killed mid-export (its pool process, or the whole worker) loses the job's lease; the job
is taken over and finishes exactly once: one file, every row once.
"""

import os
import re
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from enterprises.models import Enterprise, ExportJob
from enterprises.services import export_job_create
from enterprises.synthetic.loader import generate_enterprises
from laichau_nsc.celery import app as celery_app
from laichau_nsc.jobs import JobState
from laichau_nsc.tasks import sweep_jobs
from tests.celery_worker import kill_worker
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory

JOB_TIMEOUT = 180.0
# Short leases so a dead worker's job is taken over within seconds in the test.
FAST_LEASE = {"JOB_LEASE_SECONDS": "3", "JOB_REDISPATCH_SECONDS": "5"}
# Enough rows that the XLSX export runs for several seconds: long enough to be killed mid-way.
ROWS = 12_000

pytestmark = [
    pytest.mark.celery_worker,
    # Serialized rollback puts back the rows of data migrations (the role groups) after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(condition, what: str, timeout: float = JOB_TIMEOUT, every: float = 0.2, tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if tick is not None:
            tick()
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def finished(job: ExportJob) -> ExportJob | None:
    job.refresh_from_db()
    return job if job.state in (JobState.DONE, JobState.FAILED) else None


def export_files() -> list[Path]:
    return sorted(p for p in (Path(settings.MEDIA_ROOT) / "exports").rglob("*") if p.is_file())


def xlsx_tax_codes(path: Path) -> list[str]:
    sheet = load_workbook(path, read_only=True).active
    rows = sheet.iter_rows(min_row=2, values_only=True)
    return [row[2] for row in rows]


def large_export(officer) -> ExportJob:
    generate_enterprises(count=ROWS, seed=7, batch=20_000, log=lambda message: None)
    return export_job_create(user=officer, fmt="xlsx", params={})


def running_mid_way(job: ExportJob) -> ExportJob | None:
    job.refresh_from_db()
    return job if job.state == JobState.RUNNING and job.progress >= 5 else None


def owner_pid(job: ExportJob) -> int:
    return int(job.lease_owner.split(":")[1])


def assert_exported_once(job: ExportJob) -> None:
    expected = Enterprise.objects.filter(is_archived=False).count()  # the list's default
    assert expected > ROWS * 0.9
    assert job.state == JobState.DONE, job.error
    assert job.row_count == expected
    assert export_files() == [Path(job.file.path)]
    codes = xlsx_tax_codes(Path(job.file.path))
    assert len(codes) == expected
    assert len(set(codes)) == expected  # no row written twice


def test_real_worker_builds_the_export_queued_on_commit(celery_worker_process):
    assert celery_app.conf.task_always_eager is False
    officer = UserFactory(username="canbo-worker", roles=["officer"])
    EnterpriseFactory(name="Công ty cổ phần Chè Tam Đường")
    EnterpriseFactory(name="Hợp tác xã Nông nghiệp Tân Uyên", legal_form="cooperative")

    # transactional_db: the commit is real, so on_commit sends the task to the broker at once.
    job = export_job_create(user=officer, fmt="csv", params={})
    job = wait_for(lambda: finished(job), "the export")

    assert job.state == JobState.DONE, job.error
    assert job.row_count == 2
    assert job.attempts == 1
    assert job.dispatched_at is not None
    # It was the worker process, not this one, that ran the task.
    log = celery_worker_process.log()
    assert re.search(r"Task nsc\.run_job\[[0-9a-f-]+\] succeeded", log), log


def test_killed_pool_process_job_is_taken_over_and_finishes_once(
    celery_worker_factory, record_property
):
    worker = celery_worker_factory(pool="prefork", concurrency=1, env=FAST_LEASE)
    officer = UserFactory(username="canbo-kill-child", roles=["officer"])
    job = large_export(officer)
    job = wait_for(lambda: running_mid_way(job), "the export to be half-way")
    child = owner_pid(job)
    assert child != worker.process.pid  # the pool process, not the main worker process

    killed_at = time.monotonic()
    os.kill(child, signal.SIGKILL)
    # Celery redelivers the message (acks_late, reject_on_worker_lost); the new pool process
    # sees the lease holder is dead and takes over at once, without waiting for beat.
    job = wait_for(lambda: finished(job), "the export after the kill")
    took = time.monotonic() - killed_at

    assert_exported_once(job)
    assert job.attempts == 2
    # In the JUnit report (CI prints it): how long the takeover took.
    record_property("seconds_from_kill_to_done", round(took, 1))


def test_killed_worker_job_is_taken_over_by_a_new_worker(celery_worker_factory, record_property):
    first = celery_worker_factory(pool="prefork", concurrency=1, env=FAST_LEASE)
    officer = UserFactory(username="canbo-kill-worker", roles=["officer"])
    job = large_export(officer)
    job = wait_for(lambda: running_mid_way(job), "the export to be half-way")

    killed_at = time.monotonic()
    kill_worker(first)  # the whole worker, pool included: its message stays unacknowledged
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # the row alone cannot know the worker died

    celery_worker_factory(pool="prefork", concurrency=1, env=FAST_LEASE)
    # What celery beat does every minute, sent through the broker to the new worker: once the
    # lease has lapsed the sweep queues the job again.
    job = wait_for(
        lambda: finished(job), "the export after the takeover", every=1.0, tick=sweep_jobs.delay
    )
    took = time.monotonic() - killed_at

    assert_exported_once(job)
    assert job.attempts == 2
    record_property("seconds_from_kill_to_done", round(took, 1))


def test_slow_job_that_is_alive_is_never_run_twice(celery_worker_factory):
    celery_worker_factory(pool="prefork", concurrency=2, env=FAST_LEASE)
    officer = UserFactory(username="canbo-slow", roles=["officer"])
    job = large_export(officer)
    job = wait_for(lambda: running_mid_way(job), "the export to be half-way")
    owner = job.lease_owner

    # A duplicate message (Redis redelivering after the visibility timeout) and sweeps while the
    # job runs past several lease periods: the heartbeat keeps the lease, nobody takes over.
    from laichau_nsc.tasks import run_job

    run_job.delay(ExportJob._meta.label, str(job.pk))
    job = wait_for(lambda: finished(job), "the export", every=1.0, tick=sweep_jobs.delay)

    assert_exported_once(job)
    assert job.attempts == 1
    assert owner  # it was running under one lease from start to end
