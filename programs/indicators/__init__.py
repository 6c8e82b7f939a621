"""Indicators: one definition per reported figure (DESIGN §4), computed by the database.

The dashboard, the yearly report, plan progress, the API and ``manage.py indicators`` all call
these functions::

    all_indicators() -> list[Indicator]        # report order
    get(code) -> Indicator
    year_table(2022, by="unit") -> list[IndicatorRow]
    period_table(Period.of_years(2021, 2025)) / period_table(Period.on(date))
    snapshot(2022) -> dict                     # JSON: every value, target, source, breakdown

A row's ``source`` is "computed" (from records), "entered" (an indicator no record backs, typed
for the year: ``ManualIndicatorValue``) or "missing" (entered indicator with no value, or a
growth rate with nothing to compare with). Query count: one per indicator, one per indicator
and breakdown, and a fixed few for the whole table, whatever the number of records (on
PostgreSQL, indicators counting the same rows with the same keys share one query).
"""

from .base import (
    BREAKDOWNS,
    Breakdown,
    Indicator,
    IndicatorRow,
    Period,
    format_number,
    progress_text,
)
from .compute import (
    breakdown_of,
    group_rows,
    json_number,
    period_table,
    snapshot,
    value_of,
    year_table,
)
from .registry import all_indicators, get

__all__ = [
    "BREAKDOWNS",
    "Breakdown",
    "Indicator",
    "IndicatorRow",
    "Period",
    "all_indicators",
    "breakdown_of",
    "format_number",
    "get",
    "group_rows",
    "json_number",
    "period_table",
    "progress_text",
    "snapshot",
    "value_of",
    "year_table",
]
