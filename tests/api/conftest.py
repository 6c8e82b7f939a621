"""Records of enterprise A and B for every API endpoint, and JSON clients per persona."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from programs.models import SupportActivity
from tests.enterprises.factories import AdministrativeUnitFactory, SectorFactory
from tests.programs.training_factories import CourseFactory, EnrollmentFactory
from tests.standards.factories import (
    AdoptionFactory,
    CertificateFactory,
    CertificationBodyFactory,
    StandardFactory,
)
from tests.standards.factories_products import BarcodeRegistrationFactory, ProductFactory
from tests.standards.factories_traceability import InForceDeclarationFactory
from tests.test_cache import redis_url  # noqa: F401  (a fixture for the tests here)


@dataclass
class Records:
    """One record of each kind per enterprise (``own`` is A's, ``other`` B's)."""

    own: dict
    other: dict
    shared: dict


def records_for(enterprise, standard, body, course) -> dict:
    adoption = AdoptionFactory(enterprise=enterprise, standard=standard)
    return {
        "enterprise": enterprise,
        "adoption": adoption,
        "certificate": CertificateFactory(enterprise=enterprise, standard=standard, body=body),
        "product": ProductFactory(enterprise=enterprise),
        "barcode-registration": BarcodeRegistrationFactory(enterprise=enterprise),
        "declaration": InForceDeclarationFactory(enterprise=enterprise, standard=standard),
        "enrollment": EnrollmentFactory(course=course, enterprise=enterprise),
        "support-activity": SupportActivity.objects.create(
            enterprise=enterprise,
            kind="consulting",
            title="Tư vấn áp dụng ISO 9001",
            provided_on=datetime.date(2024, 5, 1),
        ),
    }


@pytest.fixture
def api_records(enterprise_a, enterprise_b, ent_a, ent_b) -> Records:
    standard = StandardFactory()
    body = CertificationBodyFactory()
    course = CourseFactory()
    unit = AdministrativeUnitFactory()
    shared = {
        "standard": standard,
        "certification-body": body,
        "course": course,
        "admin-unit": unit,
        "sector": SectorFactory(),
    }
    return Records(
        own=records_for(enterprise_a, standard, body, course),
        other=records_for(enterprise_b, standard, body, course),
        shared=shared,
    )


class JsonClient(Client):
    """A test client that sends JSON bodies (the API's only input format)."""

    def post(self, path, data=None, **kwargs):
        return super().post(path, data or {}, content_type="application/json", **kwargs)

    def patch(self, path, data=None, **kwargs):
        return super().patch(path, data or {}, content_type="application/json", **kwargs)


@pytest.fixture
def api_clients(officer, leader, ent_a, ent_b) -> dict[str, JsonClient]:
    clients = {"anonymous": JsonClient()}
    for name, user in (("officer", officer), ("leader", leader), ("ent_a", ent_a)):
        client = JsonClient()
        client.force_login(user)
        clients[name] = client
    return clients
