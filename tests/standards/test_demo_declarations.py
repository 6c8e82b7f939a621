"""The demo products and declarations: 2022 says what Lai Châu reported (25 production
establishments declared standards for 39 products), counted by the database; around it, every
state of the procedure and one overdue dossier."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.test import Client
from django.utils import timezone

from standards.choices import DeclarationState
from standards.models import Declaration, Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(django_capture_on_commit_callbacks) -> str:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", not_production=True, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_2022_has_25_establishments_declaring_39_products(seeded):
    declared = Declaration.objects.declared_in(2022)
    figures = declared.aggregate(
        establishments=Count("enterprise", distinct=True),
        products=Count("products", distinct=True),
    )
    assert figures == {"establishments": 25, "products": 39}
    # Each of those products has a GTIN under its enterprise's own prefix and a public page.
    products = Product.objects.filter(declarations__in=declared).distinct()
    assert products.filter(is_published=True, barcode_registration__isnull=False).count() == 39
    assert not products.exclude(gtin__regex=r"^893\d{10}$").exists()
    assert not products.exclude(barcode_registration__enterprise=F("enterprise")).exists()
    assert "Không thấy doanh nghiệp" not in seeded


def test_the_public_page_of_a_declared_product_answers(seeded):
    product = Product.objects.filter(declarations__effective_on__year=2022).first()
    response = Client().get(product.get_public_url())
    assert response.status_code == 200
    assert product.name in response.content.decode()


def test_2021_and_after_are_plausible(seeded):
    assert Declaration.objects.declared_in(2021).exists()
    for year in (2023, 2024, 2025):
        assert Declaration.objects.received_in(year).exists(), year
    assert Declaration.objects.expired_on(timezone.localdate()).exists()


def test_a_declaration_in_each_state_and_one_overdue(seeded):
    states = set(Declaration.objects.values_list("state", flat=True))
    assert states == set(DeclarationState.values)
    assert Declaration.objects.overdue_on(timezone.localdate()).count() == 1
    assert Declaration.objects.due_on(timezone.localdate()).exists()
    # Every non-draft has its steps.
    assert not Declaration.objects.exclude(state=DeclarationState.DRAFT).filter(steps=None).exists()


def test_seeding_again_adds_nothing(seeded):
    counts = (Declaration.objects.count(), Product.objects.count())
    out = StringIO()
    call_command("seed_demo", not_production=True, stdout=out, stderr=StringIO())
    assert (Declaration.objects.count(), Product.objects.count()) == counts
    assert "hồ sơ công bố thêm 0" in out.getvalue()
