"""The yearly report against a real Celery worker, broker and PostgreSQL: a worker killed while
it writes the report loses the build, which is taken over and finishes once, with one set of
whole files (the helpers of tests/test_celery_worker.py)."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from docx import Document
from openpyxl import load_workbook

from laichau_nsc.jobs import JobState
from laichau_nsc.tasks import sweep_jobs
from programs import reports as services
from programs.models import ReportRun
from tests.celery_worker import kill_worker
from tests.factories import UserFactory
from tests.standards.factories import CertificateFactory
from tests.test_celery_worker import FAST_LEASE, finished, owner_pid, wait_for

YEAR = 2022
# A long narrative (about 60 pages) keeps the DOCX and PDF being written for several seconds:
# long enough to kill the worker in the middle.
PARAGRAPHS = 1200

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def long_report(officer) -> ReportRun:
    CertificateFactory()
    text = "\n".join(
        f"{n}. Sở Khoa học và Công nghệ phối hợp với các sở, ngành, UBND các huyện, thành phố "
        "hướng dẫn doanh nghiệp áp dụng hệ thống quản lý, công cụ cải tiến năng suất chất lượng."
        for n in range(1, PARAGRAPHS + 1)
    )
    services.narrative_save(year=YEAR, data={"results": text}, version=None, user=officer)
    return services.report_request(year=YEAR, user=officer)


def writing_files(run: ReportRun) -> ReportRun | None:
    run.refresh_from_db()
    return run if run.state == JobState.RUNNING and run.progress >= 25 else None


def report_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "reports"
    return sorted(p for p in root.rglob("*") if p.is_file())


def assert_one_whole_report(run: ReportRun) -> None:
    assert run.state == JobState.DONE, run.error
    assert run.attempts == 2
    files = [Path(f.path) for f in (run.docx, run.pdf, run.xlsx)]
    assert report_files() == sorted(files)
    assert all(f"/{run.pk}/2/" in str(p) for p in files)
    Document(str(files[0]))  # opens: not half-written
    assert files[1].read_bytes().rstrip().endswith(b"%%EOF")
    sheet = load_workbook(files[2], read_only=True).worksheets[0]
    values = {row[0]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    frozen = run.snapshot["indicators"]["indicators"]
    assert values == {
        code: None if f["source"] == "missing" else f["value"] for code, f in frozen.items()
    }
    assert ReportRun.objects.count() == 1


def test_killed_pool_process_leaves_exactly_one_report(celery_worker_factory):
    worker = celery_worker_factory(pool="prefork", concurrency=1, env=FAST_LEASE)
    officer = UserFactory(username="canbo-bao-cao", roles=["officer"])
    run = long_report(officer)
    run = wait_for(lambda: writing_files(run), "the report to be written")
    child = owner_pid(run)
    assert child != worker.process.pid

    os.kill(child, signal.SIGKILL)
    # A double click on the page while the build is taken over: the same build.
    assert services.report_request(year=YEAR, user=officer).pk == run.pk
    run = wait_for(lambda: finished(run), "the report after the kill")

    assert_one_whole_report(run)


def test_killed_worker_report_is_taken_over_by_a_new_worker(celery_worker_factory):
    first = celery_worker_factory(pool="prefork", concurrency=1, env=FAST_LEASE)
    officer = UserFactory(username="canbo-bao-cao-2", roles=["officer"])
    run = long_report(officer)
    run = wait_for(lambda: writing_files(run), "the report to be written")

    kill_worker(first)
    time.sleep(0.5)
    celery_worker_factory(pool="prefork", concurrency=1, env=FAST_LEASE)
    run = wait_for(lambda: finished(run), "the take-over", every=1.0, tick=sweep_jobs.delay)

    assert_one_whole_report(run)
