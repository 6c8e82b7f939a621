"""Factories of the support tests: the expert team, support activities and their funding.

``SupportActivityFactory`` gives an activity one funding row (provincial budget, 50 million đồng)
unless told otherwise::

    SupportActivityFactory(funding={"central_budget": 30_000_000, "enterprise": 20_000_000})
    SupportActivityFactory(funding={})            # no funding rows
    SupportActivityFactory(experts=[expert_a])    # advised by these experts

An activity's total is the sum of its funding rows (there is no separate total column).
"""

import datetime

import factory

from programs.choices import ExpertField, FundingSource, SupportKind
from programs.models import Expert, SupportActivity, SupportFunding
from tests.enterprises.factories import EnterpriseFactory


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    full_name = factory.Sequence(lambda n: f"Lê Văn Thành {n}")
    organisation = "Chi cục Tiêu chuẩn Đo lường Chất lượng Lai Châu"
    fields = factory.LazyFunction(
        lambda: [ExpertField.STANDARDS.value, ExpertField.PRODUCTIVITY_TOOLS.value]
    )
    qualifications = "Chuyên gia năng suất chất lượng (Viện Năng suất Việt Nam cấp)"
    certified_year = 2021
    phone = factory.Sequence(lambda n: f"0913{n:06d}")
    email = factory.Sequence(lambda n: f"chuyengia{n}@laichau.gov.vn")


class SupportActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportActivity
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = SupportKind.CONSULTING
    title = factory.Sequence(lambda n: f"Tư vấn áp dụng công cụ 5S, đợt {n}")
    provided_on = datetime.date(2022, 6, 15)
    decision_number = factory.Sequence(lambda n: f"{100 + n}/QĐ-SKHCN")
    decision_date = datetime.date(2022, 5, 20)

    @factory.post_generation
    def funding(self, create, extracted, **kwargs):
        """``{source: amount}``; ``None`` (not given): 50 million from the provincial budget."""
        if not create:
            return
        if extracted is None:
            extracted = {FundingSource.PROVINCIAL_BUDGET.value: 50_000_000}
        SupportFunding.objects.bulk_create(
            SupportFunding(activity=self, source=source, amount=amount)
            for source, amount in extracted.items()
        )

    @factory.post_generation
    def experts(self, create, extracted, **kwargs):
        if create and extracted:
            self.experts.add(*extracted)


class SupportFundingFactory(factory.django.DjangoModelFactory):
    """One funding row; its activity is made without rows of its own."""

    class Meta:
        model = SupportFunding

    activity = factory.SubFactory(SupportActivityFactory, funding={})
    source = FundingSource.PROVINCIAL_BUDGET
    amount = 50_000_000
