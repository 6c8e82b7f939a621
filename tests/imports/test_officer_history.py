"""An officer's 2021–2025 spreadsheets, imported; the database's own counts then show the
figures the rows imply (the dashboard and the yearly report count the same way)."""

import datetime

import pytest

from enterprises.models import Enterprise
from standards.models import Adoption, Certificate, Product
from tests.standards.factories import CertificationBodyFactory, StandardFactory
from tests.standards.factories_products import BarcodeRegistrationFactory

from . import officer_history
from .files import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    for code, _body, months in officer_history.SCHEMES:
        StandardFactory(code=code, title=code, validity_months=months)
    CertificationBodyFactory(name="Trung tâm Chứng nhận Phù hợp", acronym="QUACERT")
    CertificationBodyFactory(
        name="Công ty Cổ phần Chứng nhận và Giám định Vinacert", acronym="Vinacert"
    )


def test_officer_history_2021_2025_shows_in_the_database_counts(officer, catalogue, run_import):
    history = officer_history.build(count=40)
    expected = history.expected

    job = run_import(
        officer, "enterprises", upload(history.enterprises, "DN 2021-2025.xlsx"), confirm=True
    )
    assert job.committed, job.preview.messages[:5]
    job = run_import(
        officer, "adoptions", upload(history.adoptions, "ISO 2021-2025.xlsx"), confirm=True
    )
    assert job.committed, job.preview.messages[:5]
    for tax_code, prefix in history.prefixes.items():
        BarcodeRegistrationFactory(
            enterprise=Enterprise.objects.get(tax_code=tax_code),
            prefix=prefix,
            registered_on=datetime.date(2021, 1, 4),
        )
    job = run_import(
        officer, "products", upload(history.products, "SP 2021-2025.xlsx"), confirm=True
    )
    assert job.committed, job.preview.messages[:5]

    assert Enterprise.objects.count() == expected["enterprises"]
    assert Adoption.objects.verified().count() == expected["adoptions"]
    assert Certificate.objects.verified().count() == expected["certificates"]
    assert Product.objects.count() == expected["products"]
    assert Product.objects.exclude(gtin="").count() == expected["products_with_gtin"]
    for year, by_standard in expected["valid_at_year_end"].items():
        valid = Certificate.objects.valid_on(datetime.date(year, 12, 31))
        for code, n in by_standard.items():
            assert valid.filter(standard__code=code).count() == n, (year, code)
    for year, n in expected["issued_per_year"].items():
        assert Certificate.objects.filter(issued_on__year=year).count() == n, year
    # A figure of the kind the 2022 report states.
    assert sum(expected["valid_at_year_end"][2022].values()) > 0


def test_reimporting_the_history_changes_nothing(officer, catalogue, run_import):
    history = officer_history.build(count=12)
    run_import(officer, "enterprises", upload(history.enterprises), confirm=True)
    run_import(officer, "adoptions", upload(history.adoptions), confirm=True)
    before = (Enterprise.history.count(), Certificate.history.count(), Adoption.history.count())
    again = run_import(officer, "enterprises", upload(history.enterprises))
    assert again.created_count == 0
    assert again.error_count == 0
    again = run_import(officer, "adoptions", upload(history.adoptions))
    assert again.created_count == 0, again.messages[:3]
    assert again.error_count == 0, again.messages[:3]
    assert (
        Enterprise.history.count(),
        Certificate.history.count(),
        Adoption.history.count(),
    ) == before
