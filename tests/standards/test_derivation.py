"""A certificate's status on any day follows from its issue periods and events: a table of
dates and events, boundaries included, checked against both definitions (the queryset that every
count uses, and the record's own ``status_on``)."""

import datetime

import pytest

from standards.choices import CertificateEventKind as Event
from standards.choices import CertificateStatus as Status
from standards.derivation import add_months
from standards.models import Certificate
from tests.standards.factories import CertificateFactory

D = datetime.date
ISSUED = D(2021, 3, 1)
EXPIRES = D(2024, 2, 29)  # 36 months less a day


def status_and_validity(certificate: Certificate, day: datetime.date) -> tuple[Status, bool]:
    certificate = Certificate.objects.prefetch_related("periods", "suspensions").get(
        pk=certificate.pk
    )
    valid = Certificate.objects.valid_on(day).filter(pk=certificate.pk).exists()
    return certificate.status_on(day), valid


CASES = [
    # (events after the issue, day, expected status)
    ([], D(2021, 2, 28), Status.NOT_YET_VALID),
    ([], ISSUED, Status.VALID),  # the issue day counts
    ([], EXPIRES, Status.VALID),  # so does the expiry day
    ([], EXPIRES + datetime.timedelta(days=1), Status.EXPIRED),
    ([(Event.SUSPENDED, D(2022, 5, 10))], D(2022, 5, 9), Status.VALID),
    ([(Event.SUSPENDED, D(2022, 5, 10))], D(2022, 5, 10), Status.SUSPENDED),
    ([(Event.SUSPENDED, D(2022, 5, 10))], D(2023, 1, 1), Status.SUSPENDED),
    # A suspension lifted on 01/07: suspended until 30/06, valid again from 01/07.
    (
        [(Event.SUSPENDED, D(2022, 5, 10)), (Event.REINSTATED, D(2022, 7, 1))],
        D(2022, 6, 30),
        Status.SUSPENDED,
    ),
    (
        [(Event.SUSPENDED, D(2022, 5, 10)), (Event.REINSTATED, D(2022, 7, 1))],
        D(2022, 7, 1),
        Status.VALID,
    ),
    ([(Event.WITHDRAWN, D(2022, 9, 1))], D(2022, 8, 31), Status.VALID),
    ([(Event.WITHDRAWN, D(2022, 9, 1))], D(2022, 9, 1), Status.WITHDRAWN),
    # Renewed before expiry: one continuous validity into the new period.
    ([(Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31))], D(2024, 2, 15), Status.VALID),
    ([(Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31))], D(2027, 1, 31), Status.VALID),
    # Renewed after a lapse: the gap is not valid.
    ([(Event.RENEWED, D(2024, 6, 1), D(2027, 5, 31))], D(2024, 4, 1), Status.EXPIRED),
    ([(Event.RENEWED, D(2024, 6, 1), D(2027, 5, 31))], D(2024, 6, 1), Status.VALID),
    # A renewal after a withdrawal makes it valid again.
    (
        [(Event.WITHDRAWN, D(2022, 9, 1)), (Event.RENEWED, D(2023, 1, 1), D(2025, 12, 31))],
        D(2023, 6, 1),
        Status.VALID,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("events", "day", "expected"), CASES)
def test_status_on_a_day_follows_from_periods_and_events(events, day, expected):
    certificate = CertificateFactory(issued_on=ISSUED, events=events)
    status, valid = status_and_validity(certificate, day)
    assert status == expected
    assert valid == (expected == Status.VALID)


@pytest.mark.django_db
def test_current_period_and_surveillance_due_follow_the_events():
    certificate = CertificateFactory(
        issued_on=ISSUED,
        events=[
            (Event.SURVEILLANCE_PASSED, D(2022, 2, 20)),
            (Event.RENEWED, D(2024, 2, 1), D(2027, 1, 31)),
        ],
    )
    certificate.refresh_from_db()
    assert (certificate.first_issued_on, certificate.issued_on) == (ISSUED, D(2024, 2, 1))
    assert certificate.expires_on == D(2027, 1, 31)
    assert certificate.last_audit_on == D(2024, 2, 1)
    assert certificate.surveillance_due_on == D(2025, 2, 1)
    periods = list(certificate.periods.values_list("starts_on", "ends_on"))
    assert periods == [(ISSUED, D(2024, 1, 31)), (D(2024, 2, 1), D(2027, 1, 31))]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2021, 3, 1), 36, D(2024, 3, 1)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2022, 12, 15), 12, D(2023, 12, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.django_db
def test_unverified_or_archived_certificates_are_never_valid():
    proposed = CertificateFactory(review_state="proposed")
    archived = CertificateFactory(is_archived=True)
    assert not Certificate.objects.valid_on(D(2022, 1, 1)).filter(pk__in=[proposed.pk, archived.pk])
