"""Reads of the expert and support pages and their exports. Every row comes through
``for_user``; counts and sums are aggregates in the database, in a fixed number of queries
however many experts, activities or funding rows there are."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from laichau_nsc.collation import vietnamese
from laichau_nsc.exports import Column, ColumnKind
from laichau_nsc.querysets import member_enterprise_ids
from laichau_nsc.roles import is_staff_reader

from .choices import ExpertField, FundingSource, SupportKind
from .filters_support import ExpertFilterSet, SupportActivityFilterSet
from .models import Expert, SupportActivity, SupportFunding
from .selectors_training import _to_querydict

#: Rows of support shown on an enterprise's page (the rest through the list, filtered by it).
SECTION_ROWS = 5


# --- Experts ------------------------------------------------------------------------------------


def _advised_filter(user, prefix: str = "support_activities__") -> Q:
    """Support activities (reached through ``prefix``) counted for ``user``: live ones, and for
    an enterprise user only those of its own enterprises."""
    condition = Q(**{f"{prefix}is_archived": False})
    if not is_staff_reader(user):
        condition &= Q(**{f"{prefix}enterprise__in": member_enterprise_ids(user)})
    return condition


def experts_for(user) -> QuerySet[Expert]:
    """The experts a user sees (archived ones only by staff), each with ``enterprise_count``:
    the enterprises they advised that the user may see, counted by the database."""
    queryset = Expert.objects.for_user(user)
    if not is_staff_reader(user):
        queryset = queryset.filter(is_archived=False)
    return queryset.annotate(
        enterprise_count=Count(
            "support_activities__enterprise", distinct=True, filter=_advised_filter(user)
        )
    ).order_by(vietnamese("full_name"), "pk")


def filtered_experts(*, user, params: dict[str, Any] | QueryDict) -> QuerySet[Expert]:
    data = params if isinstance(params, QueryDict) else _to_querydict(params)
    filterset = ExpertFilterSet(data, queryset=experts_for(user), staff=is_staff_reader(user))
    return filterset.qs if filterset.is_valid() else Expert.objects.none()


def expert_enterprises(*, expert: Expert, user) -> list[dict[str, Any]]:
    """The enterprises an expert advised (that the user may see), with how many activities,
    the first and the last day: one query."""
    return list(
        SupportActivity.objects.for_user(user)
        .active()
        .filter(experts=expert)
        .values("enterprise_id", "enterprise__name", "enterprise__tax_code")
        .annotate(
            turns=Count("pk", distinct=True), first=Min("provided_on"), last=Max("provided_on")
        )
        .order_by("-last", "enterprise_id")
    )


def expert_activities(*, expert: Expert, user, limit: int = 50) -> list[SupportActivity]:
    """The expert's latest activities the user may see: one query."""
    return list(
        with_totals(
            SupportActivity.objects.for_user(user).active().filter(experts=expert)
        ).select_related("enterprise")[:limit]
    )


EXPERT_EXPORT_COLUMNS = (
    Column(gettext_lazy("Họ và tên"), width=26),
    Column(gettext_lazy("Cơ quan, đơn vị"), width=36),
    Column(gettext_lazy("Lĩnh vực"), width=40),
    Column(gettext_lazy("Trình độ, chứng chỉ"), width=40),
    Column(gettext_lazy("Năm được công nhận"), ColumnKind.NUMBER),
    Column(gettext_lazy("Điện thoại"), ColumnKind.CODE),
    Column(gettext_lazy("Thư điện tử"), width=28),
    Column(gettext_lazy("Tham gia từ"), ColumnKind.DATE),
    Column(gettext_lazy("Thôi tham gia từ"), ColumnKind.DATE),
    Column(gettext_lazy("Đang tham gia"), width=12),
    Column(gettext_lazy("Số doanh nghiệp đã tư vấn"), ColumnKind.NUMBER),
)


def expert_export_rows(*, user, params: dict[str, Any], limit: int) -> Iterator[list[Any]]:
    labels = dict(ExpertField.choices)
    rows = filtered_experts(user=user, params=params)[:limit]
    for e in rows.iterator(chunk_size=2000):
        yield [
            e.full_name,
            e.organisation,
            "; ".join(str(labels.get(f, f)) for f in e.fields),
            e.qualifications,
            e.certified_year,
            e.phone,
            e.email,
            e.joined_on,
            e.left_on,
            e.is_active,
            e.enterprise_count,
        ]


# --- Support activities -------------------------------------------------------------------------


def _funding_sum(**conditions) -> Subquery:
    rows = (
        SupportFunding.objects.filter(activity=OuterRef("pk"), **conditions)
        .order_by()
        .values("activity")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(rows), 0)


def with_totals(queryset: QuerySet[SupportActivity]) -> QuerySet[SupportActivity]:
    """Annotate ``total``: the sum of the activity's funding rows (its amount in đồng)."""
    return queryset.annotate(total=_funding_sum())


def activities_for(user) -> QuerySet[SupportActivity]:
    """The support list's rows: what the user may see (an enterprise user: its own), newest
    first, each with its ``total``."""
    return with_totals(
        SupportActivity.objects.for_user(user).select_related("enterprise", "adoption__standard")
    ).order_by("-provided_on", "-pk")


def filtered_activities(*, user, params: dict[str, Any] | QueryDict) -> QuerySet[SupportActivity]:
    data = params if isinstance(params, QueryDict) else _to_querydict(params)
    filterset = SupportActivityFilterSet(
        data, queryset=activities_for(user), staff=is_staff_reader(user)
    )
    return filterset.qs if filterset.is_valid() else SupportActivity.objects.none()


@dataclass(frozen=True)
class SupportTotals:
    """What a set of activities adds up to: how many, for how many enterprises, how many đồng
    in all and from each source (every source listed, in the choices' order)."""

    activities: int
    enterprises: int
    amount: int
    by_source: list[tuple[str, str, int]]  # (source, label, amount)

    @property
    def state_budget(self) -> int:
        from .choices import STATE_BUDGET_SOURCES

        return sum(a for s, _label, a in self.by_source if s in STATE_BUDGET_SOURCES)


def support_totals(queryset: QuerySet[SupportActivity]) -> SupportTotals:
    """Two queries: the counts, and the sums by source of the same rows' funding."""
    plain = queryset.order_by()
    counts = plain.aggregate(
        activities=Count("pk", distinct=True), enterprises=Count("enterprise", distinct=True)
    )
    sums = dict(
        SupportFunding.objects.filter(activity__in=plain.values("pk"))
        .order_by()
        .values("source")
        .annotate(s=Sum("amount"))
        .values_list("source", "s")
    )
    by_source = [
        (value, str(label), sums.get(value) or 0) for value, label in FundingSource.choices
    ]
    return SupportTotals(
        activities=counts["activities"],
        enterprises=counts["enterprises"],
        amount=sum(a for _s, _l, a in by_source),
        by_source=by_source,
    )


def support_detail_fundings(activity: SupportActivity) -> list[SupportFunding]:
    order = {value: index for index, value in enumerate(FundingSource.values)}
    return sorted(activity.fundings.all(), key=lambda f: order.get(f.source, 99))


def funding_history(activity: SupportActivity, limit: int = 50) -> list:
    """The latest changes to an activity's funding rows (added, changed, removed), newest
    first, with who made them: one query."""
    return list(
        SupportFunding.history.filter(activity_id=activity.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def enterprise_support(*, enterprise: Enterprise, user) -> dict[str, Any]:
    """The support on an enterprise's page: its latest activities (up to ``SECTION_ROWS``),
    and what all of them add up to. Three queries however many there are."""
    queryset = SupportActivity.objects.for_user(user).active().filter(enterprise=enterprise)
    return {
        "support_rows": list(
            with_totals(queryset)
            .select_related("adoption__standard")
            .order_by("-provided_on", "-pk")[:SECTION_ROWS]
        ),
        "support_totals": support_totals(queryset),
        "support_section_rows": SECTION_ROWS,
    }


def support_export_columns() -> list[Column]:
    return [
        Column(gettext_lazy("Ngày hỗ trợ"), ColumnKind.DATE),
        Column(gettext_lazy("Doanh nghiệp"), width=36),
        Column(gettext_lazy("Mã số thuế"), ColumnKind.CODE),
        Column(gettext_lazy("Hình thức hỗ trợ"), width=30),
        Column(gettext_lazy("Nội dung"), width=44),
        Column(gettext_lazy("Tiêu chuẩn, công cụ được hỗ trợ"), width=24),
        Column(gettext_lazy("Chuyên gia"), width=30),
        Column(gettext_lazy("Số quyết định"), ColumnKind.CODE, width=18),
        Column(gettext_lazy("Ngày quyết định"), ColumnKind.DATE),
        *(Column(label, ColumnKind.NUMBER, width=18) for _value, label in FundingSource.choices),
        Column(gettext_lazy("Tổng kinh phí (đồng)"), ColumnKind.NUMBER, width=18),
        Column(gettext_lazy("Đã lưu trữ"), width=10),
    ]


EXPORT_FIELDS = (
    "pk",
    "provided_on",
    "enterprise__name",
    "enterprise__tax_code",
    "kind",
    "title",
    "adoption__standard__code",
    "decision_number",
    "decision_date",
)


def support_export_rows(*, user, params: dict[str, Any], limit: int) -> Iterator[list[Any]]:
    """Rows of the support export in list order: amounts by source as columns (one query for
    the rows), the experts' names fetched per chunk of 2,000 (one query each)."""
    kinds = dict(SupportKind.choices)
    sources = FundingSource.values
    annotations = {f"src_{s}": _funding_sum(source=s) for s in sources}
    rows = (
        filtered_activities(user=user, params=params)
        .annotate(**annotations)
        .values_list(*EXPORT_FIELDS, *annotations, "total", "is_archived")[:limit]
    )
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=2000):
        chunk.append(row)
        if len(chunk) == 2000:
            yield from _export_chunk(chunk, kinds)
            chunk = []
    if chunk:
        yield from _export_chunk(chunk, kinds)


def _export_chunk(chunk: list[tuple], kinds: dict) -> Iterator[list[Any]]:
    through = SupportActivity.experts.through
    names: dict[int, list[str]] = {}
    links = (
        through.objects.filter(supportactivity_id__in=[r[0] for r in chunk])
        .order_by("expert__full_name", "expert_id")
        .values_list("supportactivity_id", "expert__full_name")
    )
    for activity_id, name in links:
        names.setdefault(activity_id, []).append(name)
    for pk, day, name, tax_code, kind, title, code, number, decided, *rest in chunk:
        yield [
            day,
            name,
            tax_code,
            str(kinds.get(kind, kind)),
            title,
            code,
            ", ".join(names.get(pk, [])),
            number,
            decided,
            *rest,
        ]
