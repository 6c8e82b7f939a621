"""The admin pages of the standards app: every model registered, history kept, nothing deleted."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from laichau_nsc.admin import PortalModelAdmin
from standards.choices import CertificateEventKind, ReminderKind
from standards.models import Adoption, CertificateDataChange, CertificateReminder, Standard
from tests.standards.factories import CertificateFactory, StandardFactory

pytestmark = pytest.mark.django_db

HISTORY_MODELS = {"Standard", "CertificationBody", "Adoption", "Certificate"}


@pytest.fixture
def records():
    certificate = CertificateFactory(
        events=[(CertificateEventKind.SUSPENDED, datetime.date(2022, 1, 5))]
    )
    adoption = Adoption.objects.create(
        enterprise=certificate.enterprise, standard=certificate.standard
    )
    reminder = CertificateReminder.objects.create(
        certificate=certificate, kind=ReminderKind.EXPIRY_90, about_date=certificate.expires_on
    )
    return {
        "Standard": certificate.standard,
        "CertificationBody": certificate.body,
        "Adoption": adoption,
        "Certificate": certificate,
        "CertificateEvent": certificate.events.first(),
        "CertificatePeriod": certificate.periods.first(),
        "CertificateSuspension": certificate.suspensions.first(),
        "CertificateReminder": reminder,
        "CertificateDataChange": CertificateDataChange.objects.first(),  # counted by triggers
    }


def test_every_standards_model_is_registered():
    models = {m.__name__ for m in apps.get_app_config("standards").get_models()}
    ours = {m for m in models if not m.startswith("Historical")}
    ours_registered = {
        m: model_admin
        for m, model_admin in admin.site._registry.items()
        if m._meta.app_label == "standards"
    }
    assert ours == {m.__name__ for m in ours_registered}
    for model, model_admin in ours_registered.items():
        assert isinstance(model_admin, PortalModelAdmin), model
        has_history = hasattr(model, "history")
        assert isinstance(model_admin, SimpleHistoryAdmin) == has_history, model


def admin_url(obj, view: str, *args) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(
    "name",
    [
        "Standard",
        "CertificationBody",
        "Adoption",
        "Certificate",
        "CertificateEvent",
        "CertificatePeriod",
        "CertificateSuspension",
        "CertificateReminder",
        "CertificateDataChange",
    ],
)
def test_admin_lists_and_shows_each_model_and_never_deletes(admin_client, records, name):
    obj = records[name]
    assert admin_client.get(admin_url(obj, "changelist")).status_code == 200
    assert admin_client.get(admin_url(obj, "changelist"), {"q": "HT"}).status_code == 200
    assert admin_client.get(admin_url(obj, "change", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(obj, "delete", obj.pk)).status_code == 403
    assert admin_client.post(admin_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    if name in HISTORY_MODELS:
        assert admin_client.get(admin_url(obj, "history", obj.pk)).status_code == 200


def test_certificates_and_derived_rows_are_not_added_in_the_admin(admin_client, records):
    derived = (
        "CertificateEvent",
        "CertificatePeriod",
        "CertificateReminder",
        "CertificateDataChange",
    )
    for name in ("Certificate", *derived):
        assert admin_client.get(admin_url(records[name], "add")).status_code == 403, name
    assert admin_client.get(admin_url(records["Standard"], "add")).status_code == 200


def test_an_admin_save_is_recorded_and_bumps_the_version(admin_client):
    standard = StandardFactory()
    data = {
        "code": standard.code,
        "title": "Hệ thống quản lý chất lượng\u200b – Các yêu cầu (sửa)",
        "kind": standard.kind,
        "third_party_certified": "on",
        "validity_months": "36",
        "superseded_by": "",
        "notes": "",
        "is_active": "on",
    }

    response = admin_client.post(admin_url(standard, "change", standard.pk), data)

    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.title == "Hệ thống quản lý chất lượng – Các yêu cầu (sửa)"  # normalised
    assert standard.version == 2  # an officer's form opened before is now stale
    assert standard.history.count() == 2


def test_the_admin_refuses_a_cycle_of_supersession(admin_client):
    new = StandardFactory(code="ISO 22000:2018")
    old = StandardFactory(code="ISO 22000:2005", superseded_by=new)
    data = {
        "code": new.code,
        "title": new.title,
        "kind": new.kind,
        "third_party_certified": "on",
        "validity_months": "36",
        "superseded_by": str(old.pk),
        "notes": "",
        "is_active": "on",
    }

    response = admin_client.post(admin_url(new, "change", new.pk), data)

    assert response.status_code == 200
    assert "vòng thay thế khép kín" in response.text
    assert Standard.objects.get(pk=new.pk).superseded_by is None
