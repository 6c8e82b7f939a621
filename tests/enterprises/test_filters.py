"""The enterprise FilterSet's catalogue choices: made once, shared by every form."""

import pytest

from enterprises import catalogues
from enterprises.filters import EnterpriseFilterSet
from tests.enterprises.factories import AdministrativeUnitFactory, SectorFactory

pytestmark = pytest.mark.django_db


def test_forms_share_the_catalogue_choices_instead_of_copying_them():
    AdministrativeUnitFactory()
    SectorFactory()
    form = EnterpriseFilterSet({}).form
    for name in ("admin_unit", "sector"):
        # The form's own field is a deep copy of its class's field, but not of the choices.
        assert form.fields[name] is not form.base_fields[name]
        assert form.fields[name].choices.choices is form.base_fields[name].choices.choices


def test_sector_choices_are_made_once_and_follow_a_new_sector():
    SectorFactory()
    assert catalogues.sectors().choices() is catalogues.sectors().choices()
    added = SectorFactory()
    labels = [label for _group, options in catalogues.sectors().choices() for _v, label in options]
    assert any(added.code in label for label in labels)
    form = EnterpriseFilterSet({"sector": str(added.pk)}).form
    assert form.is_valid(), form.errors
