"""The clear stretch (``clear_from`` / ``clear_until``): the days of a certificate's current
period that no suspension touches, kept by ``derivation.rebuild``, which lets the officers' list
of certificates expiring soon decide validity from the row. ``expiring_within`` must answer
exactly what ``valid_on`` answers, with the stretch and without it, on a table of dates and
events; every event the services record keeps the stretch true."""

import datetime
import importlib

import pytest
from django.db import connection

from standards import services
from standards.choices import CertificateEventKind as Event
from standards.models import Certificate
from tests.standards.factories import CertificateFactory
from tests.standards.test_derivation import CASES, EXPIRES, ISSUED

D = datetime.date
DAY = datetime.timedelta(days=1)

# (events after the issue, expected stretch)
STRETCHES = [
    ([], (ISSUED, EXPIRES)),
    ([(Event.SUSPENDED, D(2022, 5, 10))], None),  # suspended to the end: no stretch
    (
        [(Event.SUSPENDED, D(2022, 5, 10)), (Event.REINSTATED, D(2022, 7, 1))],
        (D(2022, 7, 1), EXPIRES),
    ),
    # Two suspensions, both lifted: the stretch starts when the last one was lifted.
    (
        [
            (Event.SUSPENDED, D(2021, 5, 10)),
            (Event.REINSTATED, D(2021, 6, 1)),
            (Event.SUSPENDED, D(2022, 5, 10)),
            (Event.REINSTATED, D(2022, 7, 1)),
        ],
        (D(2022, 7, 1), EXPIRES),
    ),
    # A suspension lifted after the expiry leaves no stretch.
    ([(Event.SUSPENDED, D(2024, 2, 1)), (Event.REINSTATED, D(2024, 4, 1))], None),
    # Lifted on the expiry day: that day alone is clear.
    ([(Event.SUSPENDED, D(2024, 2, 1)), (Event.REINSTATED, EXPIRES)], (EXPIRES, EXPIRES)),
    # A withdrawal is the row's own column, not the stretch's business.
    ([(Event.WITHDRAWN, D(2022, 9, 1))], (ISSUED, EXPIRES)),
    # A renewal opens a new period and lifts a suspension: the stretch is the new period's.
    ([(Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31))], (D(2024, 2, 1), D(2027, 1, 31))),
    (
        [(Event.SUSPENDED, D(2023, 5, 1)), (Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31))],
        (D(2024, 2, 1), D(2027, 1, 31)),
    ),
    # A suspension of an earlier period does not touch the current one.
    (
        [
            (Event.SUSPENDED, D(2023, 5, 1)),
            (Event.REINSTATED, D(2023, 6, 1)),
            (Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31)),
        ],
        (D(2024, 2, 1), D(2027, 1, 31)),
    ),
]

# More (events, day) cases for the comparison with valid_on, beyond test_derivation's table.
MORE_CASES = [
    # A suspension recorded ahead of its day: valid before it, outside the stretch.
    ([(Event.SUSPENDED, D(2023, 5, 1)), (Event.REINSTATED, D(2023, 6, 1))], D(2022, 1, 1)),
    ([(Event.SUSPENDED, D(2023, 5, 1)), (Event.REINSTATED, D(2023, 6, 1))], D(2023, 5, 1)),
    ([(Event.SUSPENDED, D(2023, 5, 1)), (Event.REINSTATED, D(2023, 6, 1))], D(2023, 5, 31)),
    ([(Event.SUSPENDED, D(2023, 5, 1)), (Event.REINSTATED, D(2023, 6, 1))], D(2023, 6, 1)),
    ([(Event.SUSPENDED, D(2023, 5, 1))], D(2023, 4, 30)),
    ([(Event.WITHDRAWN, D(2022, 9, 1))], D(2022, 9, 2)),
    ([(Event.SUSPENDED, D(2024, 2, 1)), (Event.REINSTATED, EXPIRES)], EXPIRES),
    ([(Event.SUSPENDED, D(2024, 2, 1)), (Event.REINSTATED, EXPIRES)], EXPIRES - DAY),
    # Renewed while suspended: the new period is clear, the old one's last days were not.
    (
        [(Event.SUSPENDED, D(2023, 5, 1)), (Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31))],
        D(2024, 1, 31),
    ),
    (
        [(Event.SUSPENDED, D(2023, 5, 1)), (Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31))],
        D(2024, 2, 1),
    ),
    # Renewed before expiry: the earlier period (not the stretch) covers the days before.
    ([(Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31))], D(2022, 6, 1)),
]


def stretch(certificate: Certificate):
    certificate.refresh_from_db()
    if certificate.clear_from is None:
        assert certificate.clear_until is None
        return None
    return certificate.clear_from, certificate.clear_until


def expiring_matches_valid_on(certificate: Certificate, day: datetime.date) -> bool:
    """Whether ``expiring_within`` (by the stretch or the periods) agrees with ``valid_on``."""
    window = 10 * 365
    by_definition = (
        Certificate.objects.valid_on(day)
        .filter(pk=certificate.pk, expires_on__gte=day, expires_on__lte=day + window * DAY)
        .exists()
    )
    answer = Certificate.objects.expiring_within(window, today=day).filter(pk=certificate.pk)
    return answer.exists() == by_definition


@pytest.mark.django_db
@pytest.mark.parametrize(("events", "expected"), STRETCHES)
def test_the_stretch_follows_the_events(events, expected):
    certificate = CertificateFactory(issued_on=ISSUED, events=events)
    assert stretch(certificate) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("events", "day"), [(events, day) for events, day, _ in CASES] + MORE_CASES
)
def test_expiring_within_answers_what_valid_on_answers(events, day):
    certificate = CertificateFactory(issued_on=ISSUED, events=events)
    assert expiring_matches_valid_on(certificate, day)
    # Without a stretch (rows loaded before it existed) the periods and suspensions decide.
    Certificate.objects.filter(pk=certificate.pk).update(clear_from=None, clear_until=None)
    assert expiring_matches_valid_on(certificate, day)


@pytest.mark.django_db
def test_a_stretch_never_makes_an_unverified_archived_or_withdrawn_certificate_valid():
    day = D(2023, 1, 1)
    proposed = CertificateFactory(review_state="proposed")
    archived = CertificateFactory(is_archived=True)
    withdrawn = CertificateFactory(events=[(Event.WITHDRAWN, D(2022, 9, 1))])
    of_archived_enterprise = CertificateFactory(enterprise__is_archived=True)
    ids = [c.pk for c in (proposed, archived, withdrawn, of_archived_enterprise)]
    assert Certificate.objects.filter(pk__in=ids, clear_from__lte=day).count() == 4
    assert not Certificate.objects.expiring_within(3650, today=day).filter(pk__in=ids).exists()


@pytest.mark.django_db
def test_every_event_the_services_record_keeps_the_stretch(officer, monkeypatch):
    today = D(2023, 3, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    certificate = CertificateFactory(issued_on=ISSUED)

    def record(kind, day, **kw):
        services.certificate_record_event(
            certificate_id=certificate.pk, kind=kind, happened_on=day, user=officer, **kw
        )

    def listed() -> bool:
        return (
            Certificate.objects.expiring_within(3650, today=today)
            .filter(pk=certificate.pk)
            .exists()
        )

    assert listed()
    record(Event.SUSPENDED, D(2023, 2, 1))
    assert stretch(certificate) is None
    assert not listed()
    record(Event.REINSTATED, D(2023, 3, 1))
    assert stretch(certificate) == (D(2023, 3, 1), EXPIRES)
    assert listed()
    record(Event.RENEWED, D(2023, 3, 1), expires_on=D(2026, 2, 28))
    assert stretch(certificate) == (D(2023, 3, 1), D(2026, 2, 28))
    assert listed()
    record(Event.WITHDRAWN, D(2023, 3, 1))
    assert not listed()

    other = CertificateFactory(issued_on=ISSUED)
    services.certificate_set_archived(certificate_id=other.pk, archived=True, user=officer)
    assert not Certificate.objects.expiring_within(3650, today=today).filter(pk=other.pk).exists()
    # The officer corrects the current issue's dates: the stretch follows them.
    other = CertificateFactory(issued_on=ISSUED)
    other.refresh_from_db()
    services.certificate_update(
        certificate_id=other.pk,
        data={"issued_on": D(2021, 4, 1), "expires_on": D(2024, 3, 31)},
        version=other.version,
        user=officer,
    )
    assert stretch(other) == (D(2021, 4, 1), D(2024, 3, 31))


@pytest.mark.django_db
def test_the_migration_fills_the_same_stretch_on_postgresql():
    from tests.helpers import require_postgresql

    require_postgresql()
    migration = importlib.import_module("standards.migrations.0011_certificate_clear_stretch")
    certificates = [CertificateFactory(issued_on=ISSUED, events=events) for events, _ in STRETCHES]
    expected = {c.pk: stretch(c) for c in certificates}
    Certificate.objects.update(clear_from=None, clear_until=None)
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    assert {c.pk: stretch(c) for c in certificates} == expected
