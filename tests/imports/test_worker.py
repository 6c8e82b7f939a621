"""Imports on a real Celery worker, broker and PostgreSQL (skipped without them, like
``tests/test_celery_worker.py``): a check and a write queued on commit, and a worker killed in
the middle of the write: the rerun is idempotent, every row written once with one history row."""

import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises.models import Enterprise
from imports import services
from imports.models import ImportJob
from laichau_nsc.jobs import JobState
from tests.enterprises.factories import valid_tax_code
from tests.factories import UserFactory
from tests.test_celery_worker import FAST_LEASE, wait_for

from .files import csv_bytes

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def rows(count: int) -> list[dict]:
    return [
        {
            "tax_code": valid_tax_code(2000 + i),
            "name": f"Công ty Lai Châu số {i}",
            "legal_form": "Công ty cổ phần",
        }
        for i in range(count)
    ]


def finished(job: ImportJob) -> ImportJob | None:
    job.refresh_from_db()
    return job if job.state in (JobState.DONE, JobState.FAILED) else None


def test_real_worker_checks_and_writes(celery_worker_process):
    officer = UserFactory(username="canbo-import", roles=["officer"])
    upload = SimpleUploadedFile("dn.csv", csv_bytes("enterprises", rows(20)))
    queued = services.import_upload(user=officer, kind="enterprises", upload=upload)
    preview = wait_for(lambda: finished(queued), "the check")
    assert preview.state == JobState.DONE, preview.messages
    assert preview.created_count == 20, preview.messages
    confirmed = services.import_confirm(preview=preview, user=officer)
    commit = wait_for(lambda: finished(confirmed), "the write")
    assert commit.committed, commit.error
    assert Enterprise.objects.count() == 20


def test_worker_killed_mid_write_leaves_nothing_and_the_rerun_writes_each_row_once(
    celery_worker_factory,
):
    # Enough rows that the write runs for some seconds on a busy machine.
    count = 600
    # One row a batch: the write is slow enough to be caught half-way.
    worker = celery_worker_factory(
        pool="prefork", concurrency=1, env={**FAST_LEASE, "IMPORT_BATCH_ROWS": "1"}
    )
    officer = UserFactory(username="canbo-import-kill", roles=["officer"])
    upload = SimpleUploadedFile("dn.csv", csv_bytes("enterprises", rows(count)))
    queued = services.import_upload(user=officer, kind="enterprises", upload=upload)
    preview = wait_for(lambda: finished(queued), "the check", timeout=600)
    assert preview.created_count == count, preview.messages
    commit = services.import_confirm(preview=preview, user=officer)

    def half_way():
        commit.refresh_from_db()
        return commit.state == JobState.RUNNING and commit.progress >= 10

    wait_for(half_way, "the write to be half-way", timeout=600, every=0.05)
    child = int(commit.lease_owner.split(":")[1])
    assert child != worker.process.pid
    assert not Enterprise.objects.exists()  # one transaction: nothing visible yet
    os.kill(child, signal.SIGKILL)
    time.sleep(0.5)
    assert not Enterprise.objects.exists()  # rolled back with the process
    done = wait_for(lambda: finished(commit), "the write after the kill", timeout=600)
    assert done.committed, done.error
    assert done.attempts == 2, done.error
    assert Enterprise.objects.count() == count
    assert Enterprise.history.count() == count  # each row once, with one history row
