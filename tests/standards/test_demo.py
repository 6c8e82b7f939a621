"""The demo adoptions and certificates: 2022 says what Lai Châu reported, and the rest is
plausible and stays true on the day the demo is seeded."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from laichau_nsc.models import Notification, OutboundEmail
from standards.choices import AdoptionStatus, CertificateStatus, StandardKind
from standards.models import (
    Adoption,
    Certificate,
    CertificateEvent,
    CertificatePeriod,
    CertificateReminder,
    CertificateSuspension,
)

pytestmark = pytest.mark.django_db
END_2022 = datetime.date(2022, 12, 31)
ISO_9001 = "TCVN ISO 9001:2015"


@pytest.fixture
def seed(django_capture_on_commit_callbacks):
    """seed_demo, with what it hands over on commit (the reminder job) run as in production."""

    def run() -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", not_production=True, stdout=out, stderr=StringIO())
        return out.getvalue()

    return run


@pytest.fixture
def seeded(seed) -> str:
    return seed()


def holders(code: str, day: datetime.date) -> set[str]:
    valid = Certificate.objects.valid_on(day).filter(standard__code=code)
    return set(valid.values_list("enterprise__name", flat=True))


def test_two_enterprises_kept_iso_9001_in_2022(seeded):
    valid = Certificate.objects.valid_on(END_2022).filter(standard__code=ISO_9001)

    assert valid.values("enterprise").distinct().count() == 2
    assert all(c.first_issued_on.year < 2022 for c in valid)
    # Others hold or held one, just not on that day: later, lapsed, withdrawn.
    assert Certificate.objects.filter(standard__code=ISO_9001).values("enterprise").count() > 2


@pytest.mark.parametrize(
    "code", ["ISO 22000:2018", "TCVN 11892-1:2017", "Rainforest Alliance 2020", "HACCP"]
)
def test_the_other_schemes_the_province_reported_had_adopters_in_2022(seeded, code):
    assert holders(code, END_2022)
    applying = Adoption.objects.applying_on(END_2022).filter(standard__code=code)
    assert applying.exists()


def test_productivity_tools_are_adopted(seeded):
    tools = Adoption.objects.applying_on(END_2022).filter(
        standard__kind=StandardKind.PRODUCTIVITY_TOOL
    )
    assert {"5S", "KPI", "Kaizen"} <= set(tools.values_list("standard__code", flat=True))
    assert tools.filter(programme_supported=True).exists()


def test_the_years_around_2022_have_renewals_a_lapse_a_suspension_and_a_withdrawal(seeded):
    assert CertificatePeriod.objects.values("certificate").distinct().count() < (
        CertificatePeriod.objects.count()
    )  # renewals
    assert CertificateSuspension.objects.filter(ends_on__isnull=False).exists()  # lifted
    assert Certificate.objects.filter(withdrawn_on__isnull=False).exists()
    assert Adoption.objects.filter(status=AdoptionStatus.LAPSED).exists()
    for year in (2021, 2023, 2024, 2025, 2026):
        assert Certificate.objects.valid_on(datetime.date(year, 12, 31)).count() >= 8


def test_one_certificate_expires_within_90_days_and_one_is_overdue_for_surveillance(seeded):
    today = timezone.localdate()

    assert Certificate.objects.expiring_within(90, today=today).count() == 1
    assert Certificate.objects.surveillance_overdue(today=today).count() == 1


def test_the_demo_enterprise_users_have_certificates_and_reminders(seeded):
    for username, name in (
        ("doanhnghiep", "Công ty cổ phần Chè Tam Đường"),
        ("doanhnghiep2", "Hợp tác xã Nông nghiệp Tân Uyên"),
    ):
        certificates = Certificate.objects.filter(enterprise__name=name)
        assert certificates.count() >= 2
        assert Notification.objects.filter(recipient__username=username).exists()
    # The certificate reminders (the demo declarations notify the officer too).
    reminders = Notification.objects.filter(kind__startswith="certificate_")
    assert reminders.filter(recipient__username="canbo").count() == 2


def test_every_certificate_state_follows_from_its_events(seeded):
    today = timezone.localdate()
    for certificate in Certificate.objects.prefetch_related("periods", "suspensions"):
        assert certificate.events.filter(kind="issued").count() == 1
        assert certificate.periods.count() >= 1
        status = certificate.status_on(today)
        valid = Certificate.objects.valid_on(today).filter(pk=certificate.pk).exists()
        assert valid == (status == CertificateStatus.VALID)
        assert not certificate.events.filter(happened_on__gt=today).exists()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Adoption,
            Certificate,
            CertificateEvent,
            CertificatePeriod,
            CertificateSuspension,
            CertificateReminder,
            Notification,
            OutboundEmail,
        )
    } | {"history": Certificate.history.count() + Adoption.history.count()}


def test_seeding_twice_changes_nothing(seeded, seed):
    first = counts()
    assert first["Certificate"] >= 15

    second = seed()

    assert counts() == first
    assert "chứng chỉ mẫu: thêm mới 0" in second
