"""Minimal factories of the indicator tests for records other parts own (support activities,
experts), kept apart so they do not collide with the support part's own factories."""

import datetime

import factory

from programs.choices import FundingSource, SupportKind
from programs.models import Expert, SupportActivity, SupportFunding
from tests.enterprises.factories import EnterpriseFactory


class IndicatorExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    full_name = factory.Sequence(lambda n: f"Lò Văn Chuyên {n}")
    organisation = "Chi cục Tiêu chuẩn Đo lường Chất lượng Lai Châu"
    certified_year = 2021


class IndicatorSupportFactory(factory.django.DjangoModelFactory):
    """A support activity; ``funding={source: amount}`` adds its funding rows."""

    class Meta:
        model = SupportActivity
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = SupportKind.CONSULTING
    title = factory.Sequence(lambda n: f"Tư vấn áp dụng 5S, đợt {n}")
    provided_on = datetime.date(2022, 6, 15)

    @factory.post_generation
    def funding(self, create, extracted, **kwargs):
        if create and extracted:
            SupportFunding.objects.bulk_create(
                SupportFunding(activity=self, source=source, amount=amount)
                for source, amount in extracted.items()
            )


PROVINCIAL = FundingSource.PROVINCIAL_BUDGET.value
CENTRAL = FundingSource.CENTRAL_BUDGET.value
ENTERPRISE = FundingSource.ENTERPRISE.value
