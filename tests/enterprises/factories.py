import datetime
from collections.abc import Iterator

import factory

from enterprises.choices import LegalForm, MembershipState
from enterprises.models import AdministrativeUnit, Enterprise, Membership, Sector
from enterprises.synthetic.taxcodes import tax_codes
from tests.factories import UserFactory

_VALID_CODES: dict[str, list[str]] = {}
_CODE_STREAMS: dict[str, Iterator[str]] = {}


def valid_tax_code(serial: int, prefix: str = "62") -> str:
    """The ``serial``-th (from 0) valid 10-digit tax code under ``prefix``, from the same
    generator the synthetic data uses (it skips numbers that have no check digit)."""
    codes = _VALID_CODES.setdefault(prefix, [])
    stream = _CODE_STREAMS.setdefault(prefix, tax_codes({}, (prefix,)))
    while len(codes) <= serial:
        codes.append(next(stream))
    return codes[serial]


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = "commune"
    valid_from = datetime.date(2025, 7, 1)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("version", "code")

    version = "VSIC2018"
    code = factory.Sequence(lambda n: f"{10 + n % 80:02d}")
    level = "division"
    name = factory.Sequence(lambda n: f"Ngành thử nghiệm {n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"Công ty cổ phần Chè Đường {n}")
    tax_code = factory.Sequence(lambda n: valid_tax_code(n + 1))
    legal_form = LegalForm.JOINT_STOCK
    representative = "Nguyễn Văn An"
    admin_unit = factory.SubFactory(AdministrativeUnitFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    state = MembershipState.APPROVED
    full_name = "Lò Thị Hoa"
    phone = "0912345678"
    email = factory.LazyAttribute(lambda m: m.user.email)
