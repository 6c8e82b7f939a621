"""Figures for a period: each indicator's value and breakdowns, the hand-entered values and the
targets.

Queries: the entered values and the targets, one each for the whole table; per indicator, one
GROUP BY over the keys asked for gives the total and every breakdown at once, because each
counted row falls in exactly one group (rows counted or amounts summed: any keys; enterprises
or products counted once: the unit and the sector, which are one per enterprise). Only a
"counted once" indicator broken down by standard (an enterprise may hold several) takes a
second GROUP BY. Without a breakdown, one aggregate. A growth rate adds last year's aggregate.
On PostgreSQL (GROUPING SETS) indicators that count the same rows with the same keys share one
query, one aggregate column each (``_computed``): the certificates valid and the enterprises
holding them, the support turns and the enterprises supported, the funding of each source.
The count never depends on the number of records.

On PostgreSQL the queries run with JIT compilation off (``without_jit``): the correlated
subqueries that find a row's unit and sector make the planner overestimate their cost, and
compiling them took longer than running them (measured on the bench: ~1 s of JIT per query for
0.2–0.6 s of execution, 2.8× the time of the whole table).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Expression, F, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from programs.models import ManualIndicatorValue, Target

from . import breakdowns as bd
from .base import (
    BREAKDOWNS,
    Breakdown,
    Growth,
    Indicator,
    IndicatorRow,
    Measure,
    Period,
    Value,
    progress_text,
)
from .registry import all_indicators, get

Raw = list[tuple[int | None, Value]]


def period_table(
    period: Period, by: Breakdown | None = None, codes: Iterable[str] | None = None
) -> list[IndicatorRow]:
    """The table of ``codes`` (all indicators by default) for ``period``, in report order,
    with the breakdown ``by`` where an indicator has it."""
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    rows = _rows(period, (by,) if by else (), codes)
    for row in rows:
        row.breakdown = row.breakdowns.get(by, []) if by else []
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
        rows = _rows(period, BREAKDOWNS, None)
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
                "breakdowns": {
                    by: [[key, label, json_number(v)] for key, label, v in groups]
                    for by, groups in row.breakdowns.items()
                },
            }
            for row in rows
        }
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


@contextmanager
def without_jit() -> Iterator[None]:
    """Run the enclosed queries with PostgreSQL's JIT off (see the module docstring)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield
        cursor.execute("RESET jit")


def _rows(
    period: Period, bys: Sequence[Breakdown], codes: Iterable[str] | None
) -> list[IndicatorRow]:
    with without_jit():
        return _compute_rows(period, bys, codes)


def _compute_rows(
    period: Period, bys: Sequence[Breakdown], codes: Iterable[str] | None
) -> list[IndicatorRow]:
    indicators = _chosen(codes)
    year = period.end.year if period.is_year else None
    entered = _entered(year, indicators)
    targets = _targets(period, indicators)
    labels = {by: bd.Labels(by, period.end) for by in bys}
    computed = _computed(indicators, period, bys)
    memo: dict[str, Value] = {}
    rows = []
    for indicator in indicators:
        breakdowns: dict[Breakdown, list[tuple[str, str, Value]]] = {}
        if indicator.manual:
            found = entered.get(indicator.code)
            value, source = (found, "entered") if found is not None else (None, "missing")
        elif isinstance(indicator.measure, Growth):
            value = _growth(indicator.measure, period, memo)
            source = "computed" if value is not None else "missing"
        else:
            wanted = [by for by in bys if by in indicator.breakdowns]
            value, raw = computed[indicator.code]
            memo[indicator.code] = value
            source = "computed"
            breakdowns = {by: _labelled(raw[by], labels[by].load()) for by in wanted}
        target = targets.get(indicator.code)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                value=value,
                source=source,
                target=target,
                progress=progress_text(value, target, indicator.places, str(indicator.unit)),
                breakdowns=breakdowns,
            )
        )
    return rows


def _computed(
    indicators: list[Indicator], period: Period, bys: Sequence[Breakdown]
) -> dict[str, tuple[Value, dict[Breakdown, Raw]]]:
    """Each computed indicator's total and the breakdowns of ``bys`` it has. On PostgreSQL,
    indicators that count the same rows with the same group keys (the certificates valid and
    the enterprises holding them; the support turns and the enterprises supported; the
    funding of each source, each sum narrowed by its ``where``) are computed by one query,
    one aggregate each over a single pass of those rows (``_grouping_sets``): the same rows
    and keys give the same groups, so each indicator's figures are those of its own query
    (a group none of its rows is in comes out as 0 and is left out as in its own query)."""
    together = connection.vendor == "postgresql" and bool(bys)
    passes: dict[tuple, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.manual or not isinstance(indicator.measure, Measure):
            continue
        wanted = tuple(by for by in bys if by in indicator.breakdowns)
        m = indicator.measure
        shared = together and wanted
        key = (m.rows, m.enterprise, m.unit, m.standard) if shared else (indicator.code,)
        passes.setdefault((*key, wanted), []).append(indicator)
    found: dict[str, tuple[Value, dict[Breakdown, Raw]]] = {}
    for key, group in passes.items():
        wanted = key[-1]
        if len(group) == 1:
            found[group[0].code] = figures(group[0], period, wanted)
            continue
        results = _grouping_sets([i.measure for i in group], period, wanted)
        found.update((i.code, result) for i, result in zip(group, results, strict=True))
    return found


def figures(
    indicator: Indicator, period: Period, bys: Sequence[Breakdown] = ()
) -> tuple[Value, dict[Breakdown, Raw]]:
    """An indicator's total and its breakdowns ``bys`` as the database groups them (ids), in
    as few queries as the module docstring says."""
    measure = indicator.measure
    assert isinstance(measure, Measure)
    if bys and connection.vendor == "postgresql":
        return _grouping_sets([measure], period, bys)[0]
    together = [by for by in bys if measure.additive or by != "standard"]
    apart = [by for by in bys if by not in together]
    found: dict[Breakdown, Raw] = {}
    if together:
        groups = _grouped(measure, period, together)
        total = sum((value or 0 for *_keys, value in groups), 0)
        for i, by in enumerate(together):
            sums: dict[int | None, Any] = defaultdict(int)
            for row in groups:
                sums[row[i]] += row[-1] or 0
            found[by] = list(sums.items())
    else:
        total = _aggregate(measure, period)
    for by in apart:
        found[by] = [(keys[0], value) for *keys, value in _grouped(measure, period, [by])]
    return total, found


def grouped(indicator: Indicator, period: Period, by: Breakdown) -> Raw:
    """One breakdown alone, as the database groups it (one GROUP BY query)."""
    measure = indicator.measure
    assert isinstance(measure, Measure)
    return [(keys[0], value) for *keys, value in _grouped(measure, period, [by])]


def breakdown_of(
    indicator: Indicator, period: Period, by: Breakdown, labels: bd.Labels
) -> list[tuple[str, str, Value]]:
    return _labelled(grouped(indicator, period, by), labels.load())


def total_of(indicator: Indicator, period: Period) -> Value:
    """One aggregate query (a growth rate: two)."""
    if isinstance(indicator.measure, Growth):
        return _growth(indicator.measure, period, {})
    return _aggregate(indicator.measure, period)


def _grouped(measure: Measure, period: Period, bys: Sequence[Breakdown]) -> list[tuple]:
    names = [f"_by_{by}" for by in bys]
    keys = {
        name: _key_expression(measure, by, period.end) for name, by in zip(names, bys, strict=True)
    }
    return list(
        measure.counted(period)
        .annotate(**keys)
        .order_by()
        .values(*names)
        .annotate(_value=measure.aggregate())
        .values_list(*names, "_value")
    )


def _grouping_sets(
    measures: Sequence[Measure], period: Period, bys: Sequence[Breakdown]
) -> list[tuple[Value, dict[Breakdown, Raw]]]:
    """PostgreSQL: the total and every breakdown in one query, for one measure or several
    that count the same rows with the same keys (the first one's). The rows and their group
    keys are the queryset's own SQL (the one definition); each measure's aggregate runs over
    them with ``GROUP BY GROUPING SETS ((), (unit), (sector), (standard))``."""
    parts = [_aggregate_parts(measure) for measure in measures]
    first = measures[0]
    names = [f"_by_{by}" for by in bys]
    keys = {n: _key_expression(first, by, period.end) for n, by in zip(names, bys, strict=True)}
    if len(measures) == 1:
        rows, counted = first.counted(period), {"_counted_0": parts[0][2]}
    else:
        # The rows they share; a measure's ``where`` leaves the others' rows uncounted (NULL).
        rows = first.rows(period)
        counted = {
            f"_counted_{i}": _only_where(measure, value)
            for i, (measure, (_f, _d, value)) in enumerate(zip(measures, parts, strict=True))
        }
    inner = rows.annotate(**keys, **counted).order_by().values(*names, *counted)
    sql, params = inner.query.sql_with_params()
    grouping = ", ".join(f"GROUPING({n})" for n in names)
    aggregates = ", ".join(
        f"{function}({'DISTINCT ' if distinct else ''}{column})"
        for column, (function, distinct, _v) in zip(counted, parts, strict=True)
    )
    # Only our own column names and aggregate functions go into the text; values are parameters.
    outer = (
        f"SELECT {grouping}, {', '.join(names)}, {aggregates} "  # noqa: S608
        f"FROM ({sql}) AS counted_rows "
        f"GROUP BY GROUPING SETS ((), {', '.join(f'({n})' for n in names)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        result = cursor.fetchall()
    width = len(bys)
    found: list[tuple[Value, dict[Breakdown, Raw]]] = []
    for index in range(len(measures)):
        total: Value = 0
        groups: dict[Breakdown, Raw] = {by: [] for by in bys}
        for row in result:
            flags, keys_, amount = row[:width], row[width : 2 * width], row[2 * width + index]
            amount = amount if amount is not None else 0
            if all(flags):
                total = amount
                continue
            i = flags.index(0)
            groups[bys[i]].append((keys_[i], amount))
        found.append((total, groups))
    return found


def _only_where(measure: Measure, value: Expression) -> Expression:
    if measure.where is None:
        return value
    return Case(When(measure.where, then=value), default=None)


def _aggregate_parts(measure: Measure) -> tuple[str, bool, Expression]:
    """The aggregate's SQL function, whether it counts distinct values, and what it reads."""
    aggregate = measure.aggregate()
    if isinstance(aggregate, Coalesce):  # Coalesce(Sum(...), 0): a sum of nothing is 0
        aggregate = aggregate.source_expressions[0]
    return aggregate.function, bool(aggregate.distinct), aggregate.source_expressions[0]


def _labelled(raw: Raw, labels: bd.Labels) -> list[tuple[str, str, Value]]:
    """Groups of the GROUP BY that report under one name (the communes of a district, the
    divisions of a section) added up — each counted row is in exactly one of them."""
    totals: dict[str, list] = {}
    for raw_id, value in raw:
        group = labels.group(raw_id)
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


def _growth(measure: Growth, period: Period, memo: dict[str, Value]) -> Value:
    base = get(measure.of)
    now = memo.get(base.code)
    if now is None:
        now = memo[base.code] = _aggregate(base.measure, period)
    before = _aggregate(base.measure, period.year_before())
    if not before:
        return None
    change = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
    return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _aggregate(measure: Measure, period: Period) -> Value:
    value = measure.counted(period).aggregate(_value=measure.aggregate())["_value"]
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


def group_rows(rows: list[IndicatorRow]) -> list[tuple[str, list[IndicatorRow]]]:
    """Rows under their group headings, in report order."""
    groups: dict[str, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        groups[str(row.indicator.group)].append(row)
    return list(groups.items())
