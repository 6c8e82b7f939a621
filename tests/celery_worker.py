"""A real Celery worker process for integration tests (``celery_worker_process``).

Registered in ``tests/conftest.py`` with ``pytest_plugins = ["tests.celery_worker"]``.

The worker is a separate process with production settings (no DEBUG, no pytest), pointed at the
test database pytest-django created, the test's broker and the test's media root. It can only see
committed rows, so tests using it need ``transactional_db``, and the database must be PostgreSQL:
a second process cannot share SQLite's test database (in memory or rolled back).

Without a broker (tasks eager) or without PostgreSQL the fixture skips; with
``REQUIRE_SERVICES=1`` (CI) it fails instead, so a missing service can never pass unnoticed.
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from laichau_nsc.celery import app as celery_app

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0

_worker_log_key = pytest.StashKey[Path]()


@dataclass
class WorkerProcess:
    """The running worker: its process, Celery node name and the file it logs to."""

    process: subprocess.Popen
    hostname: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail in CI (``REQUIRE_SERVICES=1``), where every service must be tested."""
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def current_database_url() -> str:
    """``DATABASE_URL`` of the test database this process is connected to."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def worker_environment() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # Not pytest, not DEBUG: the worker runs with the settings production uses.
        if not k.startswith(("PYTEST_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="laichau_nsc.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=current_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_until_ready(worker: WorkerProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(
                f"Celery worker exited with {worker.process.returncode}:\n{worker.log()}",
                pytrace=False,
            )
        if celery_app.control.ping(destination=[worker.hostname], timeout=0.5):
            return
    pytest.fail(
        f"Celery worker not ready after {START_TIMEOUT:.0f} s:\n{worker.log()}", pytrace=False
    )


def _stop(worker: WorkerProcess) -> None:
    # SIGTERM is Celery's warm shutdown: finish the current task, then exit.
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)
    try:
        worker.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_worker(worker)


def kill_worker(worker: WorkerProcess) -> None:
    """SIGKILL the worker and its pool processes, as a crash or an OOM kill would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=STOP_TIMEOUT)


WorkerStarter = Callable[..., WorkerProcess]


def _require_services() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER or celery_app.conf.task_always_eager:
        skip_or_fail("CELERY_BROKER_URL is not set, so tasks run inline and no worker can start")
    if connection.vendor != "postgresql":
        skip_or_fail(
            f"the database is {connection.vendor}; a worker process needs PostgreSQL "
            "(set DATABASE_URL)"
        )


@pytest.fixture
def celery_worker_factory(
    request: pytest.FixtureRequest, transactional_db, tmp_path: Path
) -> Iterator[WorkerStarter]:
    """Start real ``celery -A laichau_nsc worker`` processes against the test database and
    broker: ``start(pool="prefork", env={"JOB_LEASE_SECONDS": "3"})``. Each runs in a session of
    its own, so a test can kill the whole worker (``os.killpg``) like a crashed machine would.

    Depends on ``transactional_db`` so the workers stop before the database is flushed.
    """
    _require_services()
    # Messages left over from earlier runs would only be noise in this worker's log.
    celery_app.control.purge()
    started: list[WorkerProcess] = []

    def start(*, pool: str = "solo", concurrency: int = 1, env: dict | None = None):
        hostname = f"pytest-{uuid.uuid4().hex[:8]}@localhost"
        log_path = tmp_path / f"celery-worker-{len(started) + 1}.log"
        request.node.stash[_worker_log_key] = tmp_path
        command = [
            *(sys.executable, "-m", "celery", "-A", "laichau_nsc", "worker"),
            *(f"--pool={pool}", f"--concurrency={concurrency}", "-Q", "celery"),
            *("--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"),
            *("-n", hostname),
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env={**worker_environment(), **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = WorkerProcess(process=process, hostname=hostname, log_path=log_path)
        started.append(worker)
        _wait_until_ready(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            _stop(worker)


@pytest.fixture
def celery_worker_process(celery_worker_factory: WorkerStarter) -> WorkerProcess:
    """One real worker (solo pool) against the test database and broker."""
    return celery_worker_factory()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attach the workers' logs to the report of a failed test that used a worker."""
    report = yield
    folder = item.stash.get(_worker_log_key, None)
    if report.failed and call.when == "call" and folder is not None:
        for log_path in sorted(folder.glob("celery-worker-*.log")):
            text = log_path.read_text(encoding="utf-8", errors="replace")
            report.sections.append((f"Celery worker log {log_path.name}", text))
    return report
