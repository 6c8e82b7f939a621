"""Transaction tests empty the tables after them. Every one of them must put back what the
migrations wrote (units, sectors, the standards catalogue, the declaration rules), or the next
test in the same process sees a database no deployment has, and a later ``serialized_rollback``
test fails to restore content types that the emptying re-created under new ids."""

import pytest
from django.contrib.contenttypes.models import ContentType

from standards.models import DeclarationRule


@pytest.mark.django_db(transaction=True)
def test_a_transaction_test_without_the_flag_runs_first():
    assert DeclarationRule.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_next_one_still_has_the_migrations_rows():
    # Runs after the test above in the same process (pytest keeps a module's order).
    assert DeclarationRule.objects.exists()
    assert ContentType.objects.filter(app_label="standards", model="declaration").count() == 1
