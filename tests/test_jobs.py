"""The job runner (laichau_nsc/jobs.py) without a worker process: claims, leases, retries,
the sweep, the outbox, and what the user sees when the broker or the mail server is away."""

import datetime
import smtplib
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import MembershipState
from enterprises.models import ExportJob
from enterprises.services import export_job_create
from laichau_nsc import jobs
from laichau_nsc.celery import app as celery_app
from laichau_nsc.jobs import JobState
from laichau_nsc.mail import queue_mail
from laichau_nsc.models import BackgroundJob, OutboundEmail
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.factories import UserFactory

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@contextmanager
def broker_down():
    """The broker is unreachable: tasks are sent (not run inline) to a closed port."""
    conf = celery_app.conf
    # Producers connect with broker_write_url (it falls back to broker_url when unset).
    saved = (conf.task_always_eager, conf.broker_write_url)
    conf.task_always_eager, conf.broker_write_url = False, CLOSED_PORT_BROKER
    _reset_connections()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_write_url = saved
        _reset_connections()


def _reset_connections() -> None:
    # Celery caches its connection pools (as after a fork, they must be rebuilt).
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def export_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "exports"
    return sorted(p for p in root.rglob("*") if p.is_file())


def make_export(officer, **fields) -> ExportJob:
    """An export job row as a worker would find it, without queueing it."""
    return ExportJob.objects.create(user=officer, format="csv", **fields)


def expire(job, seconds: int = 1) -> None:
    type(job).objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def run(job) -> None:
    jobs.execute(type(job)._meta.label, job.pk, heartbeat=False)
    job.refresh_from_db()


# --- Claims and leases --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_queued_job_runs_once_and_a_redelivery_does_nothing(officer):
    EnterpriseFactory()
    job = make_export(officer)
    run(job)
    first = (job.state, job.file.name, job.row_count, job.finished_at, job.attempts)
    assert first[0] == JobState.DONE
    assert first[2] == 1
    assert first[4] == 1

    run(job)  # the broker delivers the same message again

    assert (job.state, job.file.name, job.row_count, job.finished_at, job.attempts) == first
    assert export_files() == [Path(job.file.path)]


@pytest.mark.django_db
def test_a_job_running_under_a_live_lease_is_left_alone(officer):
    # A slow job that is alive: a redelivered message must not start it a second time.
    lease = timezone.now() + datetime.timedelta(seconds=60)
    job = make_export(
        officer,
        state=JobState.RUNNING,
        attempts=1,
        lease_owner="other-host:123:abc",
        lease_expires_at=lease,
    )
    run(job)
    assert (job.state, job.attempts, job.lease_owner) == (JobState.RUNNING, 1, "other-host:123:abc")
    assert export_files() == []


@pytest.mark.django_db
def test_a_job_whose_lease_lapsed_is_taken_over_and_finished(officer):
    EnterpriseFactory()
    job = make_export(officer, state=JobState.RUNNING, attempts=1, lease_owner="gone:1:x")
    expire(job)
    run(job)
    assert job.state == JobState.DONE
    assert job.attempts == 2
    assert job.lease_owner == ""
    assert job.lease_expires_at is None


@pytest.mark.django_db
def test_a_job_whose_worker_process_died_here_is_taken_over_before_its_lease_lapses(officer):
    import socket
    import subprocess

    finished = subprocess.run(["true"], check=True)  # a process that has exited: a free pid
    assert finished.returncode == 0
    dead = subprocess.Popen(["true"])
    dead.wait()
    EnterpriseFactory()
    job = make_export(
        officer,
        state=JobState.RUNNING,
        attempts=1,
        lease_owner=f"{socket.gethostname()}:{dead.pid}:x",
        lease_expires_at=timezone.now() + datetime.timedelta(seconds=60),
    )
    run(job)
    assert job.state == JobState.DONE
    assert job.attempts == 2


@pytest.mark.django_db
def test_a_job_abandoned_on_its_last_try_fails_with_a_reason_the_user_reads(officer, personas):
    job = make_export(officer, state=JobState.RUNNING, attempts=3, lease_owner="gone:1:x")
    expire(job)
    run(job)
    assert job.state == JobState.FAILED
    assert "bị dừng đột ngột 3 lần" in job.error

    page = personas["officer"].client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "bị dừng đột ngột 3 lần" in page.content.decode()
    assert "hx-trigger" not in page.content.decode()  # finished: the page stops polling


@pytest.mark.django_db
def test_a_run_that_lost_its_lease_keeps_nothing(officer, monkeypatch):
    from enterprises import services

    EnterpriseFactory()
    job = make_export(officer)
    build = services.export_job_build

    def build_then_lose_the_lease(**kwargs):
        result = build(**kwargs)
        # Meanwhile (a long pause) the sweep gave the job to another worker.
        ExportJob.objects.filter(pk=job.pk).update(lease_owner="thief:1:y")
        return result

    monkeypatch.setattr(services, "export_job_build", build_then_lose_the_lease)
    run(job)

    assert job.state == JobState.RUNNING
    assert job.lease_owner == "thief:1:y"
    assert job.file.name == ""
    assert export_files() == []  # the file this run wrote was thrown away


@pytest.mark.django_db
def test_a_transient_error_puts_the_job_back_with_a_pause(officer, monkeypatch):
    job = make_export(officer)

    def database_away(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("enterprises.services.export_job_build", database_away)
    run(job)
    assert job.state == JobState.QUEUED
    assert job.run_after > timezone.now()
    assert "OperationalError" in job.error

    monkeypatch.undo()
    run(job)  # too early: a duplicate message does not jump the pause
    assert job.state == JobState.QUEUED

    ExportJob.objects.filter(pk=job.pk).update(run_after=timezone.now())
    EnterpriseFactory()
    run(job)
    assert job.state == JobState.DONE
    assert job.attempts == 2


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_with_a_reference_not_a_traceback(officer, monkeypatch):
    job = make_export(officer)

    def broken(**kwargs):
        raise ValueError("internal detail")

    monkeypatch.setattr("enterprises.services.export_job_build", broken)
    run(job)
    assert job.state == JobState.FAILED
    assert f"exportjob-{job.pk}" in job.error
    assert "internal detail" not in job.error


# --- Submitting and the sweep --------------------------------------------------------------


@pytest.mark.django_db
def test_a_double_click_gives_one_export(officer, django_capture_on_commit_callbacks):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        first = export_job_create(user=officer, fmt="xlsx", params={"q": ["che"]})
        second = export_job_create(user=officer, fmt="xlsx", params={"q": ["che"]})
        other = export_job_create(user=officer, fmt="csv", params={"q": ["che"]})
    assert first.pk == second.pk != other.pk
    assert ExportJob.objects.count() == 2


@pytest.mark.django_db
def test_the_same_export_after_the_first_finished_is_a_new_one(
    officer, django_capture_on_commit_callbacks
):
    EnterpriseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = export_job_create(user=officer, fmt="csv", params={})
    first.refresh_from_db()
    assert first.state == JobState.DONE
    second = export_job_create(user=officer, fmt="csv", params={})
    assert second.pk != first.pk


@pytest.mark.django_db
def test_the_sweep_requeues_a_dead_workers_job_and_fails_one_out_of_tries(officer):
    EnterpriseFactory()
    dead = make_export(officer, state=JobState.RUNNING, attempts=1, lease_owner="gone:1:x")
    hopeless = make_export(officer, state=JobState.RUNNING, attempts=3, lease_owner="gone:2:x")
    alive = make_export(
        officer,
        state=JobState.RUNNING,
        attempts=1,
        lease_owner="alive:3:x",
        lease_expires_at=timezone.now() + datetime.timedelta(seconds=60),
    )
    expire(dead)
    expire(hopeless)

    result = jobs.sweep()  # tasks inline: the requeued job runs at once

    for job in (dead, hopeless, alive):
        job.refresh_from_db()
    assert (result.requeued, result.failed) == (1, 1)
    assert dead.state == JobState.DONE
    assert dead.attempts == 2
    assert hopeless.state == JobState.FAILED
    assert alive.state == JobState.RUNNING


@pytest.mark.django_db
def test_a_job_the_broker_refused_stays_pending_and_the_sweep_sends_it_later(
    officer, django_capture_on_commit_callbacks
):
    EnterpriseFactory()
    with broker_down():
        with (
            jobs.collecting_undispatched() as notices,
            django_capture_on_commit_callbacks(execute=True),
        ):
            job = export_job_create(user=officer, fmt="csv", params={})
        job.refresh_from_db()
        assert (job.state, job.dispatched_at) == (JobState.QUEUED, None)
        assert job.waiting_for_queue
        assert notices
        assert "tạm gián đoạn" in notices[0]
        assert jobs.sweep().broker_down  # still down: nothing lost, nothing sent

    result = jobs.sweep()  # the broker is back (inline here)

    job.refresh_from_db()
    assert result.dispatched == 1
    assert job.state == JobState.DONE
    assert job.dispatched_at is not None


@pytest.mark.django_db
def test_export_with_the_broker_down_is_saved_and_the_page_says_so(personas):
    client = personas["officer"].client
    with broker_down():
        response = client.post(reverse("enterprises:export_create"), {"format": "xlsx"})
        assert response.status_code == 302
        job = ExportJob.objects.get()
        page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "tệp sẽ được tạo tự động khi hệ thống hoạt động trở lại" in text
    assert job.state == JobState.QUEUED


# Real commits, so the request's on-commit hand-over happens inside the request, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_approval_with_the_broker_down_is_reported_done_and_the_mail_sent_later(
    personas, enterprise_b
):
    applicant = UserFactory(username="nguoi-dang-ky")
    request = MembershipFactory(
        user=applicant, enterprise=enterprise_b, state=MembershipState.REQUESTED
    )
    client = personas["officer"].client
    with broker_down():
        response = client.post(reverse("enterprises:membership_approve", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == MembershipState.APPROVED  # committed, and reported as done
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Đã duyệt" in m for m in shown), shown
    assert "Đã lưu; thư thông báo sẽ được gửi sau." in shown
    outbox_row = OutboundEmail.objects.get()
    assert outbox_row.waiting_for_queue
    assert mail.outbox == []

    jobs.sweep()  # beat, once the broker is back

    outbox_row.refresh_from_db()
    assert outbox_row.state == JobState.DONE
    assert [m.to for m in mail.outbox] == [[request.email]]


# --- The outbox ------------------------------------------------------------------------------


class MailServerAway:
    """An e-mail backend whose server hangs up, like an SMTP outage."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.mark.django_db
def test_mail_during_a_mail_server_outage_is_retried_not_lost(
    settings, enterprise_b, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(enterprise=enterprise_b)
    settings.EMAIL_BACKEND = "tests.test_jobs.MailServerAway"
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_mail(
            template="enterprises/email/membership_decided",
            to=[membership.email],
            context={"membership": membership, "login_url": "x"},
        )
    row.refresh_from_db()
    assert row.state == JobState.QUEUED
    assert row.attempts == 1
    assert row.run_after > timezone.now()
    assert "SMTPServerDisconnected" in row.error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.filter(pk=row.pk).update(run_after=timezone.now())
    jobs.sweep()

    row.refresh_from_db()
    assert row.state == JobState.DONE
    assert row.attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_mail_with_a_key_is_sent_once(enterprise_b, django_capture_on_commit_callbacks):
    membership = MembershipFactory(enterprise=enterprise_b)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            queue_mail(
                template="enterprises/email/membership_decided",
                to=[membership.email],
                context={"membership": membership, "login_url": "x"},
                dedupe_key="once",
            )
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_mail_is_written_in_the_recipients_language(enterprise_b):
    membership = MembershipFactory(enterprise=enterprise_b, state="refused", reason="Thiếu")
    context = {"membership": membership, "login_url": "x"}
    vietnamese = queue_mail(
        template="enterprises/email/membership_decided", to=["a@x.vn"], context=context
    )
    english = queue_mail(
        template="enterprises/email/membership_decided",
        to=["b@x.vn"],
        context=context,
        language="en",
    )
    assert "không được chấp nhận" in vietnamese.body_text
    assert "was not accepted" in english.body_text


# --- Nightly work ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nightly_job_runs_once_a_day_however_often_beat_asks(
    officer, django_capture_on_commit_callbacks
):
    from enterprises import services
    from enterprises.tasks import purge_old_exports

    old = make_export(officer, state=JobState.DONE, file="exports/old.csv")
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    with django_capture_on_commit_callbacks(execute=True):
        purge_old_exports()
        purge_old_exports()  # beat fires twice (two beat processes, a restart)

    runs = BackgroundJob.objects.all()
    assert len(runs) == 1
    assert runs[0].state == JobState.DONE
    assert runs[0].function == "enterprises.services.export_files_purge"
    assert runs[0].result == {"value": 1}
    old.refresh_from_db()
    assert old.file.name == ""
    assert services.export_files_purge.background_job is True


@pytest.mark.django_db
def test_only_marked_functions_run_as_jobs():
    def plain() -> None:
        pass

    with pytest.raises(ValueError, match="not marked"):
        jobs.submit_function(plain)


# --- The heartbeat ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_renews_the_lease_and_notices_a_takeover(officer, settings):
    settings.JOB_LEASE_SECONDS = 3
    soon = timezone.now() + datetime.timedelta(seconds=1)
    job = make_export(officer, state=JobState.RUNNING, lease_owner="me:1:x", lease_expires_at=soon)
    beat = jobs.Heartbeat(ExportJob, job.pk, "me:1:x")
    assert beat.renew()
    job.refresh_from_db()
    assert job.lease_expires_at > soon

    ExportJob.objects.filter(pk=job.pk).update(lease_owner="other:2:y")
    assert not beat.renew()
