"""Factories of products, GS1 company prefixes, fees and GLNs, with GS1 numbers that carry
correct check digits (``gtin13``)."""

import datetime

import factory
from stdnum import ean

from standards.choices import ProductCategory
from standards.models import BarcodeFee, BarcodeRegistration, LocationNumber, Product
from tests.enterprises.factories import EnterpriseFactory


def with_check_digit(body: str) -> str:
    """``body`` followed by its GS1 check digit."""
    return body + ean.calc_check_digit(body)


def gtin13(prefix: str, item: int = 1) -> str:
    """The GTIN-13 of item ``item`` under a company prefix (the same digits make a GLN)."""
    return with_check_digit(f"{prefix}{item:0{12 - len(prefix)}d}")


def corrupt(number: str) -> str:
    """The same number with a wrong check digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


class BarcodeRegistrationFactory(factory.django.DjangoModelFactory):
    """A 7-digit prefix (capacity 100,000): factories' prefixes never overlap."""

    class Meta:
        model = BarcodeRegistration

    enterprise = factory.SubFactory(EnterpriseFactory)
    prefix = factory.Sequence(lambda n: f"893{5000 + n:04d}")
    registered_on = datetime.date(2020, 3, 2)
    certificate_number = factory.Sequence(lambda n: f"{100 + n}/2020/GS1VN")


class BarcodeFeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BarcodeFee

    registration = factory.SubFactory(BarcodeRegistrationFactory)
    year = 2022
    paid_on = factory.LazyAttribute(lambda f: datetime.date(f.year, 3, 15))
    amount = 1_500_000


class LocationNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocationNumber

    registration = factory.SubFactory(BarcodeRegistrationFactory)
    name = factory.Sequence(lambda n: f"Xưởng chế biến {n}")
    address = "Xã Bình Lư, tỉnh Lai Châu"

    @factory.lazy_attribute_sequence
    def gln(self, n):
        return gtin13(self.registration.prefix, 90000 + n % 10000)


class ProductFactory(factory.django.DjangoModelFactory):
    """A product without a GTIN; ``ProductFactory(gtin_item=5)`` gives it the GTIN-13 of item 5
    under a new prefix of its enterprise (recorded under it, as the services do)."""

    class Meta:
        model = Product
        exclude = ("gtin_item",)

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"Chè Shan tuyết Tam Đường {n}")
    category = ProductCategory.TEA
    unit = "hộp 200 g"
    gtin_item = None
    barcode_registration = factory.LazyAttribute(
        lambda p: (
            BarcodeRegistrationFactory(enterprise=p.enterprise) if p.gtin_item is not None else None
        )
    )
    gtin = factory.LazyAttribute(
        lambda p: (
            gtin13(p.barcode_registration.prefix, p.gtin_item) if p.gtin_item is not None else ""
        )
    )
