"""Factories of declarations: a draft of a hợp quy declaration with one product and one file."""

import datetime

import factory
from django.core.files.base import ContentFile

from standards.choices import DeclarationKind, DeclarationState, StandardKind
from standards.models import Declaration, DeclarationDocument
from tests.enterprises.factories import EnterpriseFactory
from tests.standards.factories import StandardFactory
from tests.standards.factories_products import ProductFactory
from tests.test_files import pdf_bytes


class RegulationFactory(StandardFactory):
    """A technical regulation (QCVN), what a declaration of conformity is made to."""

    code = "QCVN 8-2:2011/BYT"
    title = "Quy chuẩn kỹ thuật quốc gia đối với giới hạn ô nhiễm kim loại nặng trong thực phẩm"
    kind = StandardKind.TECHNICAL_REGULATION
    third_party_certified = False
    validity_months = None


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A draft (pass ``state=…`` and the fields that go with it for other states), with one
    product of its enterprise and one dossier file unless ``products=[]`` / ``documents=0``."""

    class Meta:
        model = Declaration
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = DeclarationKind.CONFORMITY_REGULATION
    standard = factory.SubFactory(RegulationFactory)
    state = DeclarationState.DRAFT
    document_number = factory.Sequence(lambda n: f"{n:02d}/2026/CBHQ")
    declared_on = datetime.date(2026, 11, 2)

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [ProductFactory(enterprise=self.enterprise)]
        self.products.set(extracted)

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        if not create:
            return
        for n in range(1 if extracted is None else extracted):
            document = DeclarationDocument(declaration=self, title=f"Bản công bố {n + 1}")
            document.file.save(f"ho-so-{n}.pdf", ContentFile(pdf_bytes()), save=False)
            document.save()
