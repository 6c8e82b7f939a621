"""The pieces every indicator is made of: what it is (``Indicator``), the time it is counted
over (``Period``), how the database counts it (``Measure``) and one line of a table
(``IndicatorRow``)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.db.models import Aggregate, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

Breakdown = Literal["unit", "sector", "standard"]
BREAKDOWNS: tuple[Breakdown, ...] = ("unit", "sector", "standard")
Source = Literal["computed", "entered", "missing"]
Value = int | Decimal | None


@dataclass(frozen=True)
class Period:
    """The days an indicator is counted over, both ends included. A stock (certificates valid,
    enterprises applying) is read on ``end``; a flow (certificates issued, support given) is
    summed from ``start`` to ``end``. A year ends on 31 December; a date is a one-day period."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def of_year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def of_years(cls, first: int, last: int) -> "Period":
        return cls(datetime.date(first, 1, 1), datetime.date(last, 12, 31))

    @classmethod
    def on(cls, day: datetime.date) -> "Period":
        return cls(day, day)

    @property
    def is_year(self) -> bool:
        return self.whole_years and self.start.year == self.end.year

    def year_before(self) -> "Period":
        """The same days one year earlier (29 February becomes 28 February)."""
        return Period(_minus_year(self.start), _minus_year(self.end))

    def __str__(self) -> str:
        if self.start == self.end:
            return f"{self.end:%d/%m/%Y}"
        if self.whole_years:
            if self.start.year == self.end.year:
                return str(self.end.year)
            return f"{self.start.year}–{self.end.year}"
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def whole_years(self) -> bool:
        """From a 1 January to a 31 December."""
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)


def _minus_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Measure:
    """How the database counts an indicator: the rows (``rows(period)``, a queryset), one
    aggregate over them, and the lookups that place a row in a breakdown.

    ``enterprise``: lookup of the enterprise a row belongs to (unit and sector breakdowns);
    ``unit``: lookup of an administrative unit the row itself names (a course's place), used
    when there is no enterprise; ``standard``: lookup of the standard's id; ``where``: a
    condition on the row's own columns that narrows ``rows`` (the funding of one source), so
    that figures of the same rows differing only by it are read in one pass.
    """

    rows: Callable[[Period], QuerySet]
    aggregate: Callable[[], Aggregate]
    enterprise: str | None = None
    unit: str | None = None
    standard: str | None = None
    where: Q | None = None

    def counted(self, period: Period) -> QuerySet:
        """The rows this measure counts over ``period``."""
        rows = self.rows(period)
        return rows.filter(self.where) if self.where is not None else rows

    @property
    def additive(self) -> bool:
        """Rows counted or amounts summed (groups add up whatever the keys), not records
        counted once (``Count(..., distinct=True)``)."""
        return not getattr(self.aggregate(), "distinct", False)

    def breakdowns(self) -> tuple[Breakdown, ...]:
        found: list[Breakdown] = []
        if self.enterprise or self.unit:
            found.append("unit")
        if self.enterprise:
            found.append("sector")
        if self.standard:
            found.append("standard")
        return tuple(found)


@dataclass(frozen=True)
class Growth:
    """A change in per cent of another indicator against the same days a year earlier."""

    of: str


@dataclass(frozen=True)
class Indicator:
    """One reported figure: its code, Vietnamese name and unit, how it is counted (in
    Vietnamese, shown on every page that shows it), its group in reports, the breakdowns it
    has, and whether it is entered by hand (no record backs it)."""

    code: str
    name: str
    unit: str
    how: str
    group: str
    breakdowns: tuple[Breakdown, ...] = ()
    manual: bool = False
    #: Decimal places shown (percentages: 1).
    places: int = 0
    measure: Measure | Growth | None = field(default=None, repr=False, compare=False)


@dataclass
class IndicatorRow:
    """An indicator's figure for a period, with its target and the breakdown asked for."""

    indicator: Indicator
    value: Value
    source: Source
    target: Decimal | None
    progress: str
    #: The breakdown asked for (``by``): (key, name, value) in report order.
    breakdown: list[tuple[str, str, Value]] = field(default_factory=list)
    #: Every breakdown computed (``snapshot`` computes them all).
    breakdowns: dict[str, list[tuple[str, str, Value]]] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.indicator.code


def format_number(value: Value, places: int = 0) -> str:
    """Vietnamese separators: 1.234.567 and 12,5."""
    if value is None:
        return "–"
    if isinstance(value, Decimal) and places:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return number_format(value, decimal_pos=places or None, use_l10n=True, force_grouping=True)


def progress_text(value: Value, target: Decimal | None, places: int = 0, unit: str = "") -> str:
    """ "16 / 20 (80 %)": never a bare percentage; over-achievement and a missing target or
    value said in words. An indicator that is itself a percentage (a growth rate) is compared
    with its target as "12,5 % / 10 %", not as a percentage of a percentage."""
    if target is None:
        return _("chưa có chỉ tiêu")
    percent = unit == "%"
    suffix = " %" if percent else ""
    shown_target = format_number(target, places) + suffix
    if value is None:
        return _("chưa có số liệu / %(target)s") % {"target": shown_target}
    shown = format_number(value, places) + suffix
    if percent:
        reached = _("đạt") if Decimal(value) >= target else _("chưa đạt")
        return f"{shown} / {shown_target} ({reached})"
    if target == 0:
        return f"{shown} / {shown_target}"
    share = (Decimal(value) * 100 / target).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    text = f"{shown} / {shown_target} ({format_number(share)} %)"
    if Decimal(value) > target:
        text += " – " + _("vượt chỉ tiêu")
    return text
