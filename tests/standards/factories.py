import datetime

import factory

from standards import derivation
from standards.choices import AdoptionStatus, CertificateEventKind, StandardKind
from standards.models import (
    Adoption,
    Certificate,
    CertificateEvent,
    CertificationBody,
    Standard,
)
from tests.enterprises.factories import EnterpriseFactory


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard
        django_get_or_create = ("code",)

    code = "TCVN ISO 9001:2015"
    title = "Hệ thống quản lý chất lượng – Các yêu cầu"
    kind = StandardKind.MANAGEMENT_SYSTEM
    third_party_certified = True
    validity_months = 36


class CertificationBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationBody
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Trung tâm Chứng nhận Phù hợp {n}")
    acronym = factory.Sequence(lambda n: f"QUACERT{n}")
    accredited = True
    accredited_by = "BoA (VICAS)"


class CertificateFactory(factory.django.DjangoModelFactory):
    """A verified certificate issued on ``issued_on`` for ``months`` months, with its issue
    event and derived periods (pass ``events=[(kind, date), …]`` for more)."""

    class Meta:
        model = Certificate
        skip_postgeneration_save = True

    class Params:
        months = 36

    enterprise = factory.SubFactory(EnterpriseFactory)
    standard = factory.SubFactory(StandardFactory)
    body = factory.SubFactory(CertificationBodyFactory)
    number = factory.Sequence(lambda n: f"HT {1000 + n}/2021")
    scope = "Sản xuất và chế biến chè"
    issued_on = datetime.date(2021, 3, 1)
    first_issued_on = factory.SelfAttribute("issued_on")
    expires_on = factory.LazyAttribute(
        lambda c: derivation.add_months(c.issued_on, c.months) - datetime.timedelta(days=1)
    )

    @factory.post_generation
    def events(self, create, extracted, **kwargs):
        if not create:
            return
        CertificateEvent.objects.create(
            certificate=self,
            kind=CertificateEventKind.ISSUED,
            happened_on=self.issued_on,
            expires_on=self.expires_on,
        )
        for kind, day, *rest in extracted or ():
            CertificateEvent.objects.create(
                certificate=self, kind=kind, happened_on=day, expires_on=rest[0] if rest else None
            )
        derivation.rebuild(self)


class ToolFactory(StandardFactory):
    """A productivity tool: no third party certifies it."""

    code = "5S"
    title = "Công cụ 5S"
    kind = StandardKind.PRODUCTIVITY_TOOL
    third_party_certified = False
    validity_months = None


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    enterprise = factory.SubFactory(EnterpriseFactory)
    standard = factory.SubFactory(StandardFactory)
    status = AdoptionStatus.APPLIED
    started_on = datetime.date(2020, 6, 1)
