"""The nightly certificate reminders: once per certificate and threshold, whatever happens.

Double runs, two runs interleaved (and, on PostgreSQL, two at the same moment), missed days and
months, renewals, which certificates count, who is told, and in which language.
"""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.choices import MembershipState
from laichau_nsc.models import BackgroundJob, JobState, Notification, OutboundEmail, UserProfile
from standards import reminders
from standards.choices import CertificateEventKind as Event
from standards.choices import ReviewState
from standards.derivation import rebuild
from standards.models import CertificateReminder
from standards.reminders import certificate_reminders_send
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.factories import UserFactory
from tests.helpers import require_postgresql
from tests.standards.factories import CertificateFactory

TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)


def expiring(days: int, today: datetime.date = TODAY, **kwargs):
    """A valid certificate expiring ``days`` after ``today``, its surveillance up to date."""
    expires = today + datetime.timedelta(days=days)
    issued = expires - datetime.timedelta(days=3 * 365)
    events = [(Event.SURVEILLANCE_PASSED, today - 30 * DAY), *kwargs.pop("events", [])]
    return CertificateFactory(issued_on=issued, expires_on=expires, events=events, **kwargs)


def run(day: datetime.date = TODAY, **kwargs) -> dict:
    return certificate_reminders_send(day=day.isoformat(), **kwargs)


def sent(certificate) -> list[str]:
    rows = CertificateReminder.objects.filter(certificate=certificate, skipped=False)
    return sorted(rows.values_list("kind", flat=True))


def skipped(certificate) -> list[str]:
    rows = CertificateReminder.objects.filter(certificate=certificate, skipped=True)
    return sorted(rows.values_list("kind", flat=True))


def notified(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("dedupe_key", flat=True))


@pytest.fixture
def company(enterprise_a, ent_a):
    return enterprise_a


# --- Once per threshold ------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_threshold_is_sent_on_its_day(company, ent_a, officer):
    certificate = expiring(90, enterprise=company)

    assert run()["expiry_90"] == 1
    assert run(TODAY + 60 * DAY)["expiry_30"] == 1
    assert run(TODAY + 83 * DAY)["expiry_7"] == 1

    assert sent(certificate) == ["expiry_30", "expiry_7", "expiry_90"]
    assert skipped(certificate) == []
    assert len(notified(ent_a)) == len(notified(officer)) == 3


@pytest.mark.django_db
def test_a_double_run_sends_once(company, ent_a, officer):
    certificate = expiring(30, enterprise=company)

    first = run()
    second = run()

    assert first["expiry_30"] == 1
    assert second == {
        "expiry_90": 0,
        "expiry_30": 0,
        "expiry_7": 0,
        "surveillance_overdue": 0,
        "skipped": 0,
        "notifications": 0,
    }
    assert sent(certificate) == ["expiry_30"]
    assert Notification.objects.count() == 2  # the enterprise's user and the officer, once
    assert OutboundEmail.objects.count() == 2


@pytest.mark.django_db
def test_a_run_interleaved_with_another_sends_nothing_twice(company, ent_a, officer, monkeypatch):
    """Run A selects its certificates, then run B does everything before A claims them: A's
    claim finds B's rows and A notifies nobody."""
    certificate = expiring(7, enterprise=company)
    real_claim = reminders.claim
    other_run: dict = {}

    def claim_after_the_other_run(keys):
        if "started" not in other_run:
            other_run["started"] = True
            other_run.update(run())  # run B, in full, between A's selection and A's claim
        return real_claim(keys)

    monkeypatch.setattr(reminders, "claim", claim_after_the_other_run)
    result = run()

    assert other_run["expiry_7"] == 1
    assert result["expiry_7"] == 0
    assert sent(certificate) == ["expiry_7"]
    assert len(notified(ent_a)) == len(notified(officer)) == 1
    assert OutboundEmail.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_once_on_postgresql(company, ent_a, officer):
    """Two threads, each with its own connection, both select before either claims."""
    require_postgresql()
    certificates = [expiring(days, enterprise=company) for days in (5, 20, 60)]
    # One chunk each: both runs select all three, then both claim them.
    selected = threading.Barrier(2, timeout=30)
    real_claim = reminders.claim
    results, errors = [], []

    def claim_together(keys):
        selected.wait()  # both runs have selected the same certificates
        return real_claim(keys)

    def worker():
        try:
            results.append(run())
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    reminders_claim = reminders.claim
    reminders.claim = claim_together
    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        reminders.claim = reminders_claim

    assert errors == []
    assert sorted(r["notifications"] for r in results) == [0, 6]
    for certificate in certificates:
        assert len(sent(certificate)) == 1
    assert len(notified(ent_a)) == len(notified(officer)) == 3
    assert OutboundEmail.objects.count() == 6


@pytest.mark.django_db
def test_a_failed_run_keeps_no_claim_and_the_next_run_sends(company, ent_a, monkeypatch):
    certificate = expiring(30, enterprise=company)

    def broken(*args, **kwargs):
        raise RuntimeError("mail template missing")

    monkeypatch.setattr(reminders, "notify_many", broken)
    with pytest.raises(RuntimeError):
        run()
    assert sent(certificate) == []

    monkeypatch.undo()
    assert run()["expiry_30"] == 1
    assert len(notified(ent_a)) == 1


# --- Catch-up ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_missed_day_still_sends_the_threshold(company, ent_a):
    certificate = expiring(90, enterprise=company)

    run(TODAY + DAY)  # the job did not run on the 90th day before expiry

    assert sent(certificate) == ["expiry_90"]
    assert skipped(certificate) == []


@pytest.mark.django_db
def test_a_missed_month_sends_the_most_urgent_and_skips_the_passed(company, ent_a, officer):
    close = expiring(35, enterprise=company)  # 5 days left a month later
    run(TODAY - 40 * DAY)  # the 90-day reminder of `close` went out before the outage
    never_reminded = expiring(50, enterprise=company)  # recorded during the outage

    result = run(TODAY + 30 * DAY)

    assert sent(never_reminded) == ["expiry_30"]
    assert skipped(never_reminded) == ["expiry_90"]  # recorded, not sent late
    assert sent(close) == ["expiry_7", "expiry_90"]
    assert skipped(close) == ["expiry_30"]
    assert result["expiry_30"] == result["expiry_7"] == 1
    assert result["skipped"] == 2
    kinds = set(Notification.objects.filter(recipient=ent_a).values_list("kind", flat=True))
    assert "certificate_expiry_90" in kinds  # only `close`'s, from before the outage
    assert Notification.objects.filter(recipient=ent_a, kind="certificate_expiry_90").count() == 1
    # The next day, nothing more: the passed thresholds are not sent late.
    assert run(TODAY + 31 * DAY)["notifications"] == 0


@pytest.mark.django_db
def test_a_renewal_starts_new_reminders(company, ent_a):
    certificate = expiring(30, enterprise=company)
    run()
    old_expiry = certificate.expires_on
    new_expiry = old_expiry + datetime.timedelta(days=3 * 365)
    # Renewed 10 days before expiry: the reminders are now about the new expiry date.
    renewal = old_expiry - 10 * DAY
    certificate.events.create(kind=Event.RENEWED, happened_on=renewal, expires_on=new_expiry)
    rebuild(certificate)
    assert run(renewal)["notifications"] == 0  # three years to go

    result = run(new_expiry - 90 * DAY)

    assert result["expiry_90"] == 1
    about = CertificateReminder.objects.filter(
        certificate=certificate, skipped=False, kind__startswith="expiry"
    )
    assert sorted(about.values_list("kind", "about_date")) == [
        ("expiry_30", old_expiry),
        ("expiry_90", new_expiry),
    ]
    assert Notification.objects.filter(recipient=ent_a, kind__contains="expiry").count() == 2


@pytest.mark.django_db
def test_overdue_surveillance_is_reminded_once_per_due_date(company, ent_a):
    issued = TODAY - 400 * DAY  # no audit since the issue: due 12 months after it
    certificate = CertificateFactory(enterprise=company, issued_on=issued)

    assert run()["surveillance_overdue"] == 1
    assert run(TODAY + DAY)["surveillance_overdue"] == 0

    # The audit passes late; the next due date is a new reminder when it is missed in turn.
    certificate.events.create(kind=Event.SURVEILLANCE_PASSED, happened_on=TODAY + 2 * DAY)
    rebuild(certificate)
    assert run(TODAY + 3 * DAY)["surveillance_overdue"] == 0
    assert run(TODAY + 400 * DAY)["surveillance_overdue"] == 1
    assert sent(certificate) == ["surveillance_overdue", "surveillance_overdue"]


# --- Which certificates, who is told -----------------------------------------------------------


@pytest.mark.django_db
def test_only_valid_verified_current_certificates_are_reminded(company, ent_a):
    reminded = expiring(30, enterprise=company)
    others = [
        expiring(30, enterprise=company, review_state=ReviewState.PROPOSED),
        expiring(30, enterprise=company, review_state=ReviewState.RETURNED),
        expiring(30, enterprise=company, is_archived=True),
        expiring(30, enterprise=EnterpriseFactory(is_archived=True)),
        expiring(30, enterprise=company, events=[(Event.SUSPENDED, TODAY - 5 * DAY)]),
        expiring(30, enterprise=company, events=[(Event.WITHDRAWN, TODAY - 5 * DAY)]),
        expiring(-1, enterprise=company),  # expired yesterday
        expiring(91, enterprise=company),  # not yet due
    ]

    result = run()

    assert result["expiry_30"] == 1
    assert sent(reminded) == ["expiry_30"]
    assert CertificateReminder.objects.filter(certificate__in=others).count() == 0


@pytest.mark.django_db
def test_the_enterprise_users_and_the_officers_are_told_nobody_else(
    company, ent_a, ent_b, officer, leader
):
    second_officer = UserFactory(roles=["officer"])
    UserFactory(roles=["officer"], is_active=False)
    revoked = UserFactory(roles=["enterprise"])
    MembershipFactory(user=revoked, enterprise=company, state=MembershipState.REVOKED)
    requested = UserFactory(roles=["enterprise"])
    MembershipFactory(user=requested, enterprise=company, state=MembershipState.REQUESTED)
    expiring(30, enterprise=company)

    run()

    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {ent_a.username, officer.username, second_officer.username}
    addresses = sorted(address for e in OutboundEmail.objects.all() for address in e.to)
    assert addresses == sorted([ent_a.email, officer.email, second_officer.email])


@pytest.mark.django_db
def test_each_recipient_reads_it_in_their_own_language(company, ent_a, officer):
    UserProfile.objects.create(user=ent_a, language="en")
    certificate = expiring(30, enterprise=company, number="HT 777/2023")

    run()

    english = Notification.objects.get(recipient=ent_a)
    vietnamese = Notification.objects.get(recipient=officer)
    assert english.title.startswith("Certificate HT 777/2023 expires in 30 days")
    assert vietnamese.title.startswith("Chứng chỉ HT 777/2023 còn 30 ngày hết hạn")
    assert certificate.expires_on.strftime("%d/%m/%Y") in english.body
    mail_en = OutboundEmail.objects.get(to=[ent_a.email])
    mail_vi = OutboundEmail.objects.get(to=[officer.email])
    assert mail_en.subject == english.title
    assert "Please contact the certification body" in mail_en.body_text
    assert mail_vi.subject == vietnamese.title
    assert "liên hệ tổ chức chứng nhận" in mail_vi.body_text


@pytest.mark.django_db
def test_the_notification_opens_the_certificate_for_its_recipient(company, ent_a):
    expiring(30, enterprise=company)
    run()
    notification = Notification.objects.get(recipient=ent_a)

    response = client_for(ent_a).get(notification.url)

    assert response.status_code == 200


@pytest.mark.django_db
def test_chunks_cover_every_due_certificate(company, ent_a):
    certificates = [expiring(days, enterprise=company) for days in (10, 11, 12, 13, 14)]

    result = run(chunk_size=2)

    assert result["expiry_30"] == 5
    assert all(sent(c) == ["expiry_30"] for c in certificates)


# --- The nightly job ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_beat_task_runs_the_job_once_a_day(
    company, ent_a, django_capture_on_commit_callbacks, monkeypatch
):
    from standards.tasks import send_certificate_reminders

    expiring(7, today=timezone.localdate(), enterprise=company)
    with django_capture_on_commit_callbacks(execute=True):
        send_certificate_reminders.delay()
    with django_capture_on_commit_callbacks(execute=True):
        send_certificate_reminders.delay()  # beat asked twice

    job = BackgroundJob.objects.get()
    assert job.state == JobState.DONE, job.error
    assert job.result["expiry_7"] == 1
    assert len(notified(ent_a)) == 1


@pytest.mark.django_db
def test_the_reminders_are_scheduled_nightly():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="standards.send_certificate_reminders")
    assert (task.crontab.hour, task.crontab.minute) == ("1", "30")
    assert task.enabled


@pytest.mark.django_db
def test_the_selection_is_one_query(company, ent_a):
    expiring(30, enterprise=company)

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        run(TODAY + 400 * DAY)  # nothing due: only the selection (and the officers) run
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    selections = [s for s in statements if "standards_certificatereminder" in s]
    assert len(selections) == 1
