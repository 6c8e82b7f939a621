"""Celery integration: a real worker runs the enterprise export; a redelivered task does no harm."""

import csv
import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from enterprises.choices import JobState
from enterprises.models import ExportJob
from enterprises.services import export_job_create, export_job_run
from laichau_nsc.celery import app as celery_app
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory

JOB_TIMEOUT = 60.0


def wait_for_job(job: ExportJob, timeout: float = JOB_TIMEOUT) -> ExportJob:
    """Poll the job's row until the worker has finished it (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (JobState.DONE, JobState.FAILED):
            return job
        time.sleep(0.2)
    pytest.fail(f"export job still {job.state} after {timeout:.0f} s")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:  # the file starts with a BOM
        return list(csv.reader(f))


def export_files() -> list[Path]:
    return sorted(p for p in (Path(settings.MEDIA_ROOT) / "exports").rglob("*") if p.is_file())


@pytest.mark.celery_worker
# Serialized rollback puts back the rows of data migrations (the role groups) after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_builds_the_export_queued_on_commit(celery_worker_process):
    assert celery_app.conf.task_always_eager is False
    officer = UserFactory(username="canbo-worker", roles=["officer"])
    EnterpriseFactory(name="Công ty cổ phần Chè Tam Đường")
    EnterpriseFactory(name="Hợp tác xã Nông nghiệp Tân Uyên", legal_form="cooperative")

    # transactional_db: the commit is real, so on_commit sends the task to the broker at once.
    job = export_job_create(user=officer, fmt="csv", params={})
    job = wait_for_job(job)

    assert job.state == JobState.DONE, job.error
    assert job.row_count == 2
    rows = read_csv(Path(job.file.path))
    assert rows[0][0] == "Tên doanh nghiệp"
    assert sorted(r[0] for r in rows[1:]) == [
        "Công ty cổ phần Chè Tam Đường",
        "Hợp tác xã Nông nghiệp Tân Uyên",
    ]
    # It was the worker process, not this one, that ran the task.
    log = celery_worker_process.log()
    assert re.search(r"Task enterprises\.export_enterprises\[[0-9a-f-]+\] succeeded", log), log


@pytest.mark.django_db
def test_redelivered_export_task_leaves_one_file_and_one_done_state(
    django_capture_on_commit_callbacks,
):
    officer = UserFactory(username="canbo-redelivery", roles=["officer"])
    EnterpriseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(user=officer, fmt="csv", params={})  # runs inline (eager)
    job.refresh_from_db()
    first = (job.state, job.file.name, job.row_count, job.finished_at)

    export_job_run(job_id=str(job.pk))  # the broker delivers the same task again

    job.refresh_from_db()
    assert first[0] == JobState.DONE
    assert (job.state, job.file.name, job.row_count, job.finished_at) == first
    assert export_files() == [Path(job.file.path)]


@pytest.mark.django_db
def test_export_interrupted_by_a_lost_worker_finishes_on_redelivery():
    officer = UserFactory(username="canbo-lost-worker", roles=["officer"])
    EnterpriseFactory()
    # The worker died mid-task: the row says running, the message comes back (acks_late).
    job = ExportJob.objects.create(user=officer, format="csv", state=JobState.RUNNING)

    export_job_run(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.row_count == 1
    assert export_files() == [Path(job.file.path)]
