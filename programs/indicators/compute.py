"""Figures for a period: each indicator's value (one aggregate query), its breakdowns (one GROUP
BY query each), the hand-entered values and the targets (one query each for the whole table)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Expression, F, QuerySet
from django.utils import timezone, translation

from programs.models import ManualIndicatorValue, Target

from . import breakdowns as bd
from .base import BREAKDOWNS, Breakdown, Growth, Indicator, IndicatorRow, Measure, Period, Value
from .registry import all_indicators, get


def period_table(
    period: Period, by: Breakdown | None = None, codes: Iterable[str] | None = None
) -> list[IndicatorRow]:
    """The table of ``codes`` (all indicators by default) for ``period``, in report order,
    with the breakdown ``by`` where an indicator has it."""
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    indicators = _chosen(codes)
    year = period.end.year if period.is_year else None
    entered = _entered(year, indicators)
    targets = _targets(period, indicators)
    labels = bd.Labels(by, period.end) if by else None
    memo: dict[str, Value] = {}
    rows = []
    for indicator in indicators:
        value, source = _value(indicator, period, entered, memo)
        breakdown: list[tuple[str, str, Value]] = []
        if labels is not None and by in indicator.breakdowns and source == "computed":
            breakdown = breakdown_of(indicator, period, by, labels.load())
        target = targets.get(indicator.code)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                value=value,
                source=source,
                target=target,
                progress=_progress(value, target, indicator),
                breakdown=breakdown,
            )
        )
    return rows


def year_table(
    year: int, by: Breakdown | None = None, codes: Iterable[str] | None = None
) -> list[IndicatorRow]:
    return period_table(Period.of_year(year), by=by, codes=codes)


def value_of(code: str, period: Period) -> Value:
    """One indicator's value for a period (computed, or entered for that year)."""
    return period_table(period, codes=[code])[0].value


def snapshot(year: int) -> dict[str, Any]:
    """Every indicator of ``year`` with its value, target, source and every breakdown, as JSON
    values (integers, numbers, strings): what the yearly report, an approval, the dashboard's
    summaries and the API store and show."""
    period = Period.of_year(year)
    with translation.override("vi"):
        rows = period_table(period)
        by_code: dict[str, dict[str, Any]] = {
            row.code: {
                "code": row.code,
                "name": str(row.indicator.name),
                "unit": str(row.indicator.unit),
                "group": str(row.indicator.group),
                "how": str(row.indicator.how),
                "manual": row.indicator.manual,
                "source": row.source,
                "value": json_number(row.value),
                "target": json_number(row.target),
                "progress": row.progress,
                "breakdowns": {},
            }
            for row in rows
        }
        for by in BREAKDOWNS:
            labels = bd.Labels(by, period.end)
            for row in rows:
                if by in row.indicator.breakdowns and row.source == "computed":
                    by_code[row.code]["breakdowns"][by] = [
                        [key, label, json_number(value)]
                        for key, label, value in breakdown_of(
                            row.indicator, period, by, labels.load()
                        )
                    ]
    return {
        "year": year,
        "period": [period.start.isoformat(), period.end.isoformat()],
        "unit_level": str(bd.unit_level_on(period.end)),
        "sector_version": str(bd.sector_version_on(period.end)),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "order": [row.code for row in rows],
        "indicators": by_code,
    }


def json_number(value: Value) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def breakdown_of(
    indicator: Indicator, period: Period, by: Breakdown, labels: bd.Labels
) -> list[tuple[str, str, Value]]:
    """One GROUP BY query; groups of the GROUP BY that report under one name (the communes of
    a district, the divisions of a section) are added up — each row is in exactly one of them."""
    measure = indicator.measure
    assert isinstance(measure, Measure)
    key = _key_expression(measure, by, period.end)
    grouped = (
        measure.rows(period)
        .annotate(_group=key)
        .order_by()
        .values("_group")
        .annotate(_value=measure.aggregate())
        .values_list("_group", "_value")
    )
    totals: dict[str, list] = {}
    for raw, value in grouped:
        group = labels.group(raw)
        entry = totals.setdefault(group.key, [group, 0])
        entry[1] += value or 0
    ordered = sorted(totals.values(), key=lambda e: e[0].order)
    return [(g.key, g.label, v) for g, v in ordered if v]


def _key_expression(measure: Measure, by: Breakdown, day: datetime.date) -> Expression:
    if by == "unit":
        if measure.enterprise:
            return bd.enterprise_unit_key(measure.enterprise, day)
        return bd.direct_unit_key(measure.unit, day)
    if by == "sector":
        return bd.sector_key(measure.enterprise, day)
    return F(measure.standard)


def _value(
    indicator: Indicator, period: Period, entered: dict[str, Decimal], memo: dict[str, Value]
) -> tuple[Value, str]:
    if indicator.manual:
        found = entered.get(indicator.code)
        return (found, "entered") if found is not None else (None, "missing")
    if indicator.code not in memo:
        memo[indicator.code] = _computed(indicator, period, memo)
    value = memo[indicator.code]
    return value, "computed" if value is not None else "missing"


def _computed(indicator: Indicator, period: Period, memo: dict[str, Value]) -> Value:
    measure = indicator.measure
    if isinstance(measure, Growth):
        base = get(measure.of)
        now = memo.get(base.code)
        if now is None:
            now = memo[base.code] = _aggregate(base.measure, period)
        before = _aggregate(base.measure, period.year_before())
        if not before:
            return None
        change = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
        return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _aggregate(measure, period)


def _aggregate(measure: Measure, period: Period) -> Value:
    value = measure.rows(period).aggregate(_value=measure.aggregate())["_value"]
    return value if value is not None else 0


def _chosen(codes: Iterable[str] | None) -> list[Indicator]:
    if codes is None:
        return all_indicators()
    return [get(code) for code in codes]


def _entered(year: int | None, indicators: list[Indicator]) -> dict[str, Decimal]:
    manual = [i.code for i in indicators if i.manual]
    if year is None or not manual:
        return {}
    return dict(
        ManualIndicatorValue.objects.filter(year=year, indicator__in=manual).values_list(
            "indicator", "value"
        )
    )


def _targets(period: Period, indicators: list[Indicator]) -> dict[str, Decimal]:
    """Targets of exactly this period: a year's (from its plan) or a whole period's."""
    if not period.whole_years:
        return {}
    found: QuerySet = Target.objects.filter(
        first_year=period.start.year,
        last_year=period.end.year,
        indicator__in=[i.code for i in indicators],
    )
    return dict(found.values_list("indicator", "value"))


def _progress(value: Value, target: Decimal | None, indicator: Indicator) -> str:
    from .base import progress_text

    return progress_text(value, target, indicator.places, str(indicator.unit))


def group_rows(rows: list[IndicatorRow]) -> list[tuple[str, list[IndicatorRow]]]:
    """Rows under their group headings, in report order."""
    groups: dict[str, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        groups[str(row.indicator.group)].append(row)
    return list(groups.items())
