"""The enterprise FilterSet's catalogue choices: made once, shared by every form."""

import pytest

from enterprises import catalogues
from enterprises.filters import EnterpriseFilterSet
from tests.enterprises.factories import AdministrativeUnitFactory, SectorFactory

pytestmark = pytest.mark.django_db


def test_forms_share_the_catalogue_choices_instead_of_copying_them():
    AdministrativeUnitFactory()
    SectorFactory()
    form, other = EnterpriseFilterSet({}).form, EnterpriseFilterSet({}).form
    for name in ("admin_unit", "sector"):
        # Each form has its own field (made for its FilterSet), sharing the catalogue's options.
        assert form.fields[name] is not other.fields[name]
        mine = form.fields[name].choices.choices.choices
        theirs = other.fields[name].choices.choices.choices
        assert [options for _group, options in mine] == [options for _group, options in theirs]
        assert all(a is b for (_g, a), (_h, b) in zip(mine, theirs, strict=True))


def test_sector_choices_are_made_once_and_follow_a_new_sector():
    SectorFactory()
    assert catalogues.sectors().choices() is catalogues.sectors().choices()
    added = SectorFactory()
    labels = [label for _group, options in catalogues.sectors().choices() for _v, label in options]
    assert any(added.code in label for label in labels)
    form = EnterpriseFilterSet({"sector": str(added.pk)}).form
    assert form.is_valid(), form.errors
