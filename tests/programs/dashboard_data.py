"""Records of 2022 and 2023 the dashboard tests count: certificates in two communes, adoptions,
and a 2022 target."""

import datetime

from programs.models import Target
from tests.enterprises.factories import AdministrativeUnitFactory, EnterpriseFactory
from tests.standards.factories import AdoptionFactory, CertificateFactory, StandardFactory


def make_records(*, certificates: int = 3) -> dict:
    """``certificates`` certificates issued in 2022 (split over two communes), one in 2023,
    an adoption, and a 2022 target of 4 valid certificates."""
    units = [
        AdministrativeUnitFactory(name="Xã Bản Bo", valid_from=datetime.date(2020, 1, 1)),
        AdministrativeUnitFactory(name="Xã Mường Tè", valid_from=datetime.date(2020, 1, 1)),
    ]
    iso = StandardFactory()
    for i in range(certificates):
        CertificateFactory(
            enterprise=EnterpriseFactory(admin_unit=units[i % 2]),
            standard=iso,
            issued_on=datetime.date(2022, 3, 1 + i),
        )
    CertificateFactory(
        enterprise=EnterpriseFactory(admin_unit=units[0]),
        standard=iso,
        issued_on=datetime.date(2023, 5, 1),
    )
    AdoptionFactory(enterprise=EnterpriseFactory(admin_unit=units[1]), standard=iso)
    Target.objects.get_or_create(
        indicator="CERT_VALID", first_year=2022, last_year=2022, defaults={"value": 4}
    )
    return {"units": units, "standard": iso}
