"""Synthetic products for the public page bench: valid, unique, repeatable, appendable."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum import ean

from enterprises.synthetic.products import _PUBLIC_K, _SPACE, PUBLIC_ALPHABET, encode
from standards.models import Declaration, Product, TraceabilityRecord, TraceabilityStage
from tests.enterprises.factories import EnterpriseFactory


def test_codes_are_a_bijection_of_the_serial():
    codes = [encode(n, _PUBLIC_K, PUBLIC_ALPHABET) for n in range(1, 20_001)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 10 and set(c) <= set(PUBLIC_ALPHABET) for c in codes)
    assert encode(_SPACE + 5, _PUBLIC_K, PUBLIC_ALPHABET) == encode(5, _PUBLIC_K, PUBLIC_ALPHABET)


@pytest.mark.django_db
def test_products_are_valid_and_a_second_run_appends():
    EnterpriseFactory.create_batch(3)
    call_command("generate_synthetic", products=300, batch=120, verbosity=0)
    call_command("generate_synthetic", products=200, batch=120, verbosity=0)

    products = list(Product.objects.values_list("gtin", "public_code", "is_published"))
    assert len(products) == 500
    assert len({p[0] for p in products}) == 500
    assert len({p[1] for p in products}) == 500
    assert all(ean.is_valid(p[0]) and p[0].startswith("893") for p in products)
    assert 0.6 < sum(p[2] for p in products) / 500 < 0.95
    # The product search matches the folded name; a loaded row is found like a saved one.
    sample = Product.objects.order_by("pk").first()
    assert sample.search_text == Product.build_search_text(sample.name, sample.gtin)
    assert not Product.objects.filter(search_text="").exists()
    lots = TraceabilityRecord.objects.count()
    assert lots > 0
    assert TraceabilityStage.objects.count() == 3 * lots
    assert Declaration.objects.filter(products__isnull=False).exists()
    for record in TraceabilityRecord.objects.select_related("product")[:20]:
        assert record.best_before > record.produced_on
        record.full_clean()


@pytest.mark.django_db
def test_products_need_enterprises():
    with pytest.raises(CommandError, match="generate enterprises first"):
        call_command("generate_synthetic", products=5, verbosity=0)
