"""Factories of the traceability tests: products, lots, GLNs, declarations in force.

Kept apart from ``factories.py`` while the products and declarations parts of issue 8 are built
in parallel; they can move there once those parts' own factories exist.
"""

import datetime

import factory

from standards.choices import DeclarationKind, DeclarationState, ProductCategory
from standards.models import (
    BarcodeRegistration,
    Declaration,
    LocationNumber,
    Product,
    TraceabilityRecord,
    TraceabilityStage,
)
from tests.enterprises.factories import EnterpriseFactory
from tests.standards.factories import StandardFactory


class TracedProductFactory(factory.django.DjangoModelFactory):
    """A published product of an enterprise (its GTIN: a valid GTIN-13 under 893)."""

    class Meta:
        model = Product

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"Chè Shan Tuyết Tam Đường {n}")
    category = ProductCategory.TEA
    unit = "gói 200 g"
    gtin = ""
    is_published = True


class BarcodeRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BarcodeRegistration

    enterprise = factory.SubFactory(EnterpriseFactory)
    prefix = factory.Sequence(lambda n: f"893{4600 + n:04d}")
    registered_on = datetime.date(2020, 3, 1)


class LocationFactory(factory.django.DjangoModelFactory):
    """A GLN of the registration's enterprise (the check digit is not checked here)."""

    class Meta:
        model = LocationNumber

    registration = factory.SubFactory(BarcodeRegistrationFactory)
    gln = factory.Sequence(lambda n: f"893460{n:07d}")
    name = "Nhà máy chè Bình Lư"
    address = "Bản Nà Ngò, xã Bình Lư"


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraceabilityRecord

    product = factory.SubFactory(TracedProductFactory)
    trace_code = factory.Sequence(lambda n: f"TEST{n:05d}")
    lot = factory.Sequence(lambda n: f"L{n:04d}")
    produced_on = datetime.date(2026, 3, 15)
    is_published = True


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraceabilityStage

    record = factory.SubFactory(LotFactory)
    position = factory.Sequence(lambda n: n + 1)
    what = "Thu hái"


class InForceDeclarationFactory(factory.django.DjangoModelFactory):
    """A declaration recorded (in force from ``effective_on``) for ``products``."""

    class Meta:
        model = Declaration
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = DeclarationKind.APPLIED_STANDARD
    standard = factory.SubFactory(StandardFactory)
    state = DeclarationState.RECORDED
    must_be_filed = False
    document_number = factory.Sequence(lambda n: f"{n:02d}/2025/CBTC")
    declared_on = datetime.date(2025, 5, 1)
    effective_on = datetime.date(2025, 5, 1)

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)
