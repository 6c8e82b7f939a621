"""The synthetic data behind ``make bench``: valid, unique, repeatable, and appendable."""

import random

import pytest
from django.core.management import call_command
from stdnum.vn import mst

from enterprises.models import AdministrativeUnit, Enterprise, Sector, UnitAssignment
from enterprises.synthetic.loader import ensure_reference_data
from enterprises.synthetic.rows import EnterpriseRows, UnitChoice
from enterprises.synthetic.taxcodes import FIRST_SEQUENCE, tax_codes


def test_tax_codes_are_valid_unique_and_resume_where_they_stopped():
    state: dict[str, int] = {}
    first = [code for code, _ in zip(tax_codes(state, ("62",)), range(500), strict=False)]
    rest = [code for code, _ in zip(tax_codes(state, ("62",)), range(500), strict=False)]
    codes = first + rest
    assert all(mst.is_valid(code) for code in codes)
    assert len(set(codes)) == 1000
    assert codes == sorted(codes)
    assert int(codes[0][2:9]) >= FIRST_SEQUENCE


def test_tax_codes_skip_sequences_without_a_check_digit():
    codes = [code for code, _ in zip(tax_codes({}, ("62",)), range(100), strict=False)]
    sequences = [int(c[2:9]) for c in codes]
    # About one sequence in eleven has no valid check digit and is left out.
    assert sequences[-1] - sequences[0] + 1 > len(codes)


def _rows(seed: str) -> list[tuple]:
    units = [UnitChoice(id=1, valid_from=None, former_id=None, address_suffix="xã Bình Lư")]
    generator = EnterpriseRows(
        rng=random.Random(seed), units=units, unit_weights=[1], sector_ids={"01": 7}
    )
    return [row for row, _ in generator.rows(1, tax_codes({}, ("62",)), 50)]


def test_same_seed_gives_the_same_rows():
    assert _rows("42:0") == _rows("42:0")
    assert _rows("42:0") != _rows("43:0")


@pytest.mark.django_db
def test_generated_enterprises_pass_model_validation():
    call_command("generate_synthetic", enterprises=120, batch=50, verbosity=0)

    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) == 120
    for enterprise in enterprises:
        enterprise.full_clean()
        assert enterprise.search_text == Enterprise.build_search_text(
            enterprise.name,
            enterprise.short_name,
            enterprise.tax_code,
            enterprise.representative,
            enterprise.address,
        )
        assert enterprise.version == 1
    current = UnitAssignment.objects.filter(valid_to__isnull=True).select_related("enterprise")
    assert len(current) == 120
    assert all(a.unit_id == a.enterprise.admin_unit_id for a in current)
    assert not Enterprise.history.exists()  # synthetic records carry no history


@pytest.mark.django_db
def test_a_second_run_appends_with_new_tax_codes():
    call_command("generate_synthetic", enterprises=60, verbosity=0)
    first = set(Enterprise.objects.values_list("tax_code", flat=True))

    call_command("generate_synthetic", enterprises=40, verbosity=0)

    codes = list(Enterprise.objects.values_list("tax_code", flat=True))
    assert len(codes) == len(set(codes)) == 100
    assert first < set(codes)


@pytest.mark.django_db
def test_units_and_sectors_are_loaded_when_missing():
    ensure_reference_data(log=lambda message: None)

    assert AdministrativeUnit.objects.filter(valid_to__isnull=True).exists()
    assert Sector.objects.filter(level="division").exists()


@pytest.mark.django_db
def test_a_small_reference_set_is_made_without_the_loading_commands(monkeypatch):
    monkeypatch.setattr("enterprises.synthetic.loader.get_commands", dict)

    call_command("generate_synthetic", enterprises=30, verbosity=0)

    assert AdministrativeUnit.objects.filter(level="district", valid_to__isnull=False).exists()
    assert Enterprise.objects.filter(sector__isnull=False).count() == 30
    # Enterprises founded before the 2025 reform also keep their district period.
    assert UnitAssignment.objects.filter(valid_to__isnull=False).exists()


@pytest.mark.django_db
def test_former_districts_follow_the_official_origins_of_each_commune():
    from enterprises.models import UnitOrigin

    call_command("generate_synthetic", enterprises=200, verbosity=0)

    assert UnitOrigin.objects.exists()
    origins = set(UnitOrigin.objects.values_list("successor_id", "predecessor_id"))
    former = UnitAssignment.objects.filter(valid_to__isnull=False)
    assert former.exists()
    for period in former.select_related("enterprise"):
        assert (period.enterprise.admin_unit_id, period.unit_id) in origins


# --- Certificates ------------------------------------------------------------------------------


def _derived_state(certificate) -> tuple:
    from standards.models import Certificate

    certificate = Certificate.objects.get(pk=certificate.pk)
    return (
        certificate.first_issued_on,
        certificate.issued_on,
        certificate.expires_on,
        certificate.last_audit_on,
        certificate.surveillance_due_on,
        certificate.withdrawn_on,
        certificate.clear_from,
        certificate.clear_until,
        list(certificate.periods.order_by("starts_on").values_list("starts_on", "ends_on")),
        list(certificate.suspensions.order_by("starts_on").values_list("starts_on", "ends_on")),
    )


def _generate_and_check_certificates(count: int) -> None:
    """Generate ``count`` certificates and check each one is what its events derive."""
    from standards.derivation import rebuild
    from standards.models import Certificate

    call_command("generate_synthetic", enterprises=50, certificates=count, batch=70, verbosity=0)

    certificates = list(Certificate.objects.select_related("standard"))
    assert len(certificates) == count
    for certificate in certificates:
        certificate.full_clean()  # unique number per body, expiry after issue …
        stored = _derived_state(certificate)
        rebuild(certificate)
        assert _derived_state(certificate) == stored, certificate.number
    years = {c.first_issued_on.year for c in certificates}
    assert min(years) >= 2015
    assert max(years) <= 2026
    assert len(years) >= 10
    assert len({c.standard.code for c in certificates}) >= 6
    assert len({c.body_id for c in certificates}) >= 5
    renewed = Certificate.objects.filter(events__kind="renewed").distinct().count()
    assert count * 0.2 < renewed < count * 0.8
    assert Certificate.objects.filter(withdrawn_on__isnull=False).count() < count * 0.05
    assert Certificate.objects.filter(suspensions__isnull=False).distinct().count() < count * 0.1
    assert not Certificate.history.exists()  # synthetic records carry no history


@pytest.mark.django_db
def test_generated_certificates_are_what_their_events_derive():
    _generate_and_check_certificates(400)


@pytest.mark.django_db
def test_generated_certificates_load_by_copy_on_postgresql():
    from tests.helpers import require_postgresql

    require_postgresql()
    _generate_and_check_certificates(400)


def test_same_seed_gives_the_same_certificates():
    from array import array

    from enterprises.synthetic.certificates import CertificateRows, StandardChoice

    def rows(seed: str) -> list:
        generator = CertificateRows(
            rng=random.Random(seed),
            enterprise_ids=array("q", range(1, 100)),
            standards=[
                (StandardChoice(1, 36, ("Chế biến chè",)), 60),
                (StandardChoice(2, 24, ("Rau",)), 40),
            ],
            bodies=[(1, "HT"), (2, "VICB")],
        )
        return [(g.certificate, g.periods, g.events) for g in generator.rows(1, 200)]

    assert rows("42:certificates:0") == rows("42:certificates:0")
    assert rows("42:certificates:0") != rows("43:certificates:0")


@pytest.mark.django_db
def test_certificates_need_enterprises():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="enterprise"):
        call_command("generate_synthetic", certificates=10, verbosity=0)
