"""What the leaders' dashboard and the public statistics page show.

The dashboard reads the summaries (``IndicatorSummary``, kept by ``programs.summaries``) in one
query, never the big tables, plus three small counts of what needs attention today. The public
page reads only approved snapshots (``YearApproval``). Both turn their source into the same
``Board``, so they render with the same templates and export with the same tables.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import IndicatorSummary, SummaryState, YearApproval
from .summaries import Figure, summary_rows, summary_years

#: Breakdowns the dashboard shows, in this order, with their titles; others follow by name.
BREAKDOWN_TITLES = {
    "unit": gettext_lazy("Theo đơn vị hành chính"),
    "sector": gettext_lazy("Theo ngành kinh tế"),
    "standard": gettext_lazy("Theo tiêu chuẩn"),
}
#: Days ahead a certificate counts as expiring on the dashboard.
EXPIRING_DAYS = 90


def breakdown_title(by: str) -> str:
    return str(BREAKDOWN_TITLES.get(by, by))


def indicator_catalogue() -> dict[str, Any]:
    """The indicators' definitions in their order (code → Indicator), from code, no query."""
    try:
        from . import indicators
    except ImportError:  # pragma: no cover - the indicators module arrives with its branch
        return {}
    return {i.code: i for i in indicators.all_indicators()}


@dataclass
class KeyFigure:
    code: str
    name: str
    unit: str
    group: str
    value: Decimal | None
    target: Decimal | None
    source: str
    places: int = 0

    @property
    def progress(self) -> str:
        """ "16 / 20 (80 %)", as every output of the indicators says it."""
        from .indicators import progress_text

        return progress_text(self.value, self.target, self.places, self.unit)

    @property
    def shown_value(self) -> str:
        from .indicators import format_number

        return format_number(self.value, self.places)

    @property
    def percent(self) -> int | None:
        """Progress towards the target, in whole per cent (may pass 100)."""
        if self.value is None or not self.target:
            return None
        return int((self.value * 100 / self.target).to_integral_value())

    @property
    def progress_max(self) -> Decimal | None:
        """The bar's scale: the target, or the value once it is passed."""
        if self.target is None or self.value is None:
            return None
        return max(self.target, self.value)


@dataclass
class Breakdown:
    """One breakdown of the year as a matrix: groups × indicators that have it."""

    by: str
    title: str
    indicators: list[tuple[str, str]]  # (code, name)
    groups: list[tuple[str, str]]  # (key, label)
    values: dict[tuple[str, str], Decimal]  # (key, code) → value

    def rows(self) -> list[tuple[str, str, list[Decimal | None]]]:
        return [
            (key, label, [self.values.get((key, code)) for code, _name in self.indicators])
            for key, label in self.groups
        ]


@dataclass
class Board:
    """Everything a dashboard page shows for one year."""

    year: int
    years: list[int]
    figures: list[KeyFigure]
    #: code → {year: value} for the trend (years in ``trend_years``).
    trend: dict[str, dict[int, Decimal]]
    trend_years: list[int]
    breakdowns: list[Breakdown] = field(default_factory=list)

    def trend_rows(self) -> list[tuple[KeyFigure, list[Decimal | None]]]:
        return [
            (f, [self.trend.get(f.code, {}).get(y) for y in self.trend_years]) for f in self.figures
        ]

    def chart_data(self) -> dict:
        """What the charts draw (``json_script``): plain numbers and names."""

        def num(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {
            "year": self.year,
            "trend": {
                "labels": [str(y) for y in self.trend_years],
                "series": [
                    {"code": f.code, "name": f.name, "unit": f.unit, "values": [num(v) for v in vs]}
                    for f, vs in self.trend_rows()
                ],
            },
            "breakdowns": [
                {
                    "by": b.by,
                    "title": b.title,
                    "labels": [label for _key, label in b.groups],
                    "series": [
                        {
                            "code": code,
                            "name": name,
                            "values": [num(b.values.get((key, code))) for key, _l in b.groups],
                        }
                        for code, name in b.indicators
                    ],
                }
                for b in self.breakdowns
            ],
        }


def _ordered_breakdowns(
    year_rows: list[tuple[str, str, str, str, Decimal]], names: dict[str, str], order: list[str]
) -> list[Breakdown]:
    """Matrices from (indicator, breakdown, key, label, value) rows of one year."""
    by_kind: dict[str, Breakdown] = {}
    for code, by, key, label, value in year_rows:
        board = by_kind.setdefault(by, Breakdown(by, breakdown_title(by), [], [], {}))
        if (code, names.get(code, code)) not in board.indicators:
            board.indicators.append((code, names.get(code, code)))
        if (key, label) not in board.groups:
            board.groups.append((key, label))
        board.values[(key, code)] = value
    position = {code: i for i, code in enumerate(order)}
    known = list(BREAKDOWN_TITLES)
    for board in by_kind.values():
        board.indicators.sort(key=lambda item: position.get(item[0], len(position)))
    return sorted(
        by_kind.values(),
        key=lambda b: (known.index(b.by) if b.by in known else len(known), b.by),
    )


def _figure(code: str, catalogue: dict, label: str, **values) -> KeyFigure:
    definition = catalogue.get(code)
    return KeyFigure(
        code=code,
        name=str(getattr(definition, "name", "") or label or code),
        unit=str(getattr(definition, "unit", "") or ""),
        group=str(getattr(definition, "group", "") or ""),
        places=int(getattr(definition, "places", 0) or 0),
        **values,
    )


def _order(codes: list[str], catalogue: dict) -> list[str]:
    position = {code: i for i, code in enumerate(catalogue)}
    return sorted(codes, key=lambda c: (position.get(c, len(position)), c))


# --- The leaders' dashboard, from the summaries ----------------------------------------------


@dataclass
class Freshness:
    computed_at: datetime.datetime | None
    stale: bool


@dataclass
class States:
    """How fresh each year's summaries are, and where each year's approval stands: read in
    two small queries, then kept in the cache until a rebuild, a change or an approval step."""

    by_year: dict[int, Freshness]
    #: year → what identifies its approval's state (id, version, state, approved_at).
    approvals: dict[int, tuple] = field(default_factory=dict)

    def of(self, year: int) -> Freshness:
        return self.by_year.get(year, Freshness(None, True))

    @property
    def token(self) -> str:
        """Changes whenever any year's summaries are rebuilt (the trend shows every year)."""
        return ",".join(
            f"{year}:{state.computed_at.timestamp() if state.computed_at else '-'}"
            for year, state in sorted(self.by_year.items())
        )

    def version(self, year: int) -> str:
        """What the year's page shows besides the attention counts: every year's summaries
        (the trend), whether this year's are being updated, and its approval."""
        approval = ":".join(str(part) for part in self.approvals.get(year, ()))
        text = f"{self.token}|{int(self.of(year).stale)}|{approval}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


#: The summaries' states are kept this long in the cache; a change, a rebuild or an approval
#: step drops them at once (``summaries.forget_states``), so this only bounds what a cache of
#: one process (the default) could miss from another.
STATES_SECONDS = 60


def dashboard_states(*, user, years: list[int]) -> States:
    """Every year's freshness and approval: from the cache (dropped whenever a state or an
    approval changes), else two queries. Officers and leaders, the only readers, see every
    row."""
    from .summaries import STATES_CACHE_KEY

    found = cache.get(STATES_CACHE_KEY)
    if found is None:
        rows = SummaryState.objects.for_user(user).filter(year__in=years)
        approvals = YearApproval.objects.for_user(user).values_list(
            "year", "pk", "version", "state", "approved_at"
        )
        found = (
            {s.year: Freshness(s.computed_at, s.is_stale) for s in rows},
            {
                year: (pk, version, state, at.timestamp())
                for year, pk, version, state, at in approvals
            },
        )
        cache.set(STATES_CACHE_KEY, found, STATES_SECONDS)
    by_year, approvals = found
    return States({year: state for year, state in by_year.items() if year in years}, approvals)


def dashboard_board(*, user, year: int, today: datetime.date | None = None) -> Board:
    """The year's figures, the trend of every year, and the year's breakdowns: one query."""
    years = summary_years(today)
    rows = list(
        IndicatorSummary.objects.for_user(user)
        .filter(Q(breakdown="", year__in=years) | Q(year=year))
        .values_list("year", "indicator", "breakdown", "key", "label", "value", "target", "source")
        .order_by("year", "indicator", "breakdown", "pk")
    )
    catalogue = indicator_catalogue()
    totals = {r[1]: r for r in rows if r[0] == year and r[2] == ""}
    trend: dict[str, dict[int, Decimal]] = {}
    labels: dict[str, str] = {}
    for y, code, by, _key, label, value, _target, source in rows:
        if by == "":
            labels.setdefault(code, label)
            if source != "missing":
                trend.setdefault(code, {})[y] = value
    codes = _order(list({*catalogue, *labels}) if totals else [], catalogue)
    figures = []
    for code in codes:
        total = totals.get(code)
        missing = total is None or total[7] == "missing"
        figures.append(
            _figure(
                code,
                catalogue,
                labels.get(code, ""),
                value=None if missing else total[5],
                target=total[6] if total else None,
                source=total[7] if total else "missing",
            )
        )
    names = {f.code: f.name for f in figures}
    year_rows = [(r[1], r[2], r[3], r[4], r[5]) for r in rows if r[0] == year and r[2] != ""]
    return Board(
        year=year,
        years=years,
        figures=figures,
        trend=trend,
        trend_years=[y for y in years if any(y in t for t in trend.values())] or years,
        breakdowns=_ordered_breakdowns(year_rows, names, codes),
    )


@dataclass
class ApprovalFlag:
    """The year's approval as the dashboard shows it: approved when, and whether the rebuilt
    summaries differ from the frozen snapshot ("changed since approval")."""

    approval: YearApproval
    changed: bool


#: How long a year's comparison with its approval is kept (its key changes with each rebuild).
APPROVAL_SECONDS = 3600
#: Two decimals: what ``IndicatorSummary.value`` keeps.
CENTS = Decimal("0.01")


def _comparable(rows) -> set[tuple]:
    def cents(value: Decimal | None) -> Decimal | None:
        return None if value is None else Decimal(value).quantize(CENTS)

    return {
        (code, by, key, cents(value), cents(target), source)
        for code, by, key, value, target, source in rows
    }


def dashboard_approval(*, user, year: int, token: str) -> ApprovalFlag | None:
    """The year's frozen approval, if any (one small query), and whether the summaries now
    differ from its snapshot: the year's summary rows (one query, a few hundred rows at most,
    never the big tables), compared once per rebuild and approval version (cached)."""
    approval = YearApproval.objects.for_user(user).filter(year=year).first()
    if approval is None or not approval.is_frozen:
        return None
    key = f"dashboard-approval:{year}:{approval.pk}:{approval.version}:{token}"
    changed = cache.get(key)
    if changed is None:
        now = IndicatorSummary.objects.for_user(user).filter(year=year)
        current = _comparable(
            now.values_list("indicator", "breakdown", "key", "value", "target", "source")
        )
        frozen = _comparable(
            (r.indicator, r.breakdown, r.key, r.value, r.target, r.source)
            for r in summary_rows(year, approval.snapshot, computed_at=timezone.now())
        )
        # No summaries yet: nothing to compare (the board says they are being computed).
        changed = bool(current) and current != frozen
        cache.set(key, changed, APPROVAL_SECONDS)
    return ApprovalFlag(approval, changed)


@dataclass
class Attention:
    certificates_expiring: int
    declarations_overdue: int
    fees_overdue: int
    expiring_days: int = EXPIRING_DAYS


#: How long the attention counts are kept in the cache: they are about today, not this second,
#: and the certificate count reads a large table.
ATTENTION_SECONDS = 300


def dashboard_attention(*, user, today: datetime.date | None = None) -> Attention:
    """What needs attention today: three indexed counts (not summaries: they change daily),
    kept ``ATTENTION_SECONDS`` in the cache. Officers and leaders, the only readers, see every
    record: one cached copy per day serves them all."""
    today = today or timezone.localdate()
    key = f"dashboard-attention:staff:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _attention(user=user, today=today)
        cache.set(key, found, ATTENTION_SECONDS)
    return found


def _attention(*, user, today: datetime.date) -> Attention:
    from standards.models import BarcodeRegistration, Certificate, Declaration

    return Attention(
        certificates_expiring=Certificate.objects.for_user(user)
        .expiring_within(EXPIRING_DAYS, today=today)
        .count(),
        declarations_overdue=Declaration.objects.for_user(user).overdue_on(today).count(),
        fees_overdue=BarcodeRegistration.objects.for_user(user).fee_overdue_on(today).count(),
    )


# --- The public statistics, from approved snapshots -------------------------------------------


def board_from_snapshots(year: int, snapshots: dict[int, list[Figure]]) -> Board:
    """A board of approved figures only: the year's snapshot, the trend of approved years."""
    catalogue = indicator_catalogue()
    figures_of_year = snapshots[year]
    codes = _order([f.code for f in figures_of_year], catalogue)
    by_code = {f.code: f for f in figures_of_year}
    figures = [
        _figure(
            code,
            catalogue,
            by_code[code].name,
            value=by_code[code].value,
            target=by_code[code].target,
            source=by_code[code].source,
        )
        for code in codes
    ]
    for figure in figures:  # a frozen snapshot keeps the words it was approved with
        figure.name = by_code[figure.code].name or figure.name
        figure.unit = by_code[figure.code].unit or figure.unit
    trend: dict[str, dict[int, Decimal]] = {}
    for y, items in snapshots.items():
        for f in items:
            if f.value is not None:
                trend.setdefault(f.code, {})[y] = f.value
    names = {f.code: f.name for f in figures}
    year_rows = [
        (code, by, key, label, value)
        for code in codes
        for by, groups in by_code[code].breakdowns.items()
        for key, label, value in groups
    ]
    years = sorted(snapshots)
    return Board(
        year=year,
        years=years,
        figures=figures,
        trend=trend,
        trend_years=years,
        breakdowns=_ordered_breakdowns(year_rows, names, codes),
    )


# --- Tables (the data tables under the charts, and their CSV / XLSX) ---------------------------


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


SOURCE_LABELS = {
    "computed": gettext_lazy("Tính từ dữ liệu"),
    "entered": gettext_lazy("Nhập tay"),
    "missing": gettext_lazy("Chưa có số liệu"),
}


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))


def board_tables(board: Board) -> dict[str, Table]:
    """The board's tables by slug: key figures, trend, and one per breakdown."""
    tables = {
        "chi-tieu": Table(
            "chi-tieu",
            _("Chỉ tiêu năm %(year)s") % {"year": board.year},
            [
                _("Mã"),
                _("Chỉ tiêu"),
                _("Đơn vị tính"),
                _("Kết quả"),
                _("Kế hoạch"),
                _("Đạt (%)"),
                _("Nguồn"),
            ],
            [
                [f.code, f.name, f.unit, f.value, f.target, f.percent, source_label(f.source)]
                for f in board.figures
            ],
        ),
        "xu-huong": Table(
            "xu-huong",
            _("Kết quả qua các năm"),
            [_("Mã"), _("Chỉ tiêu"), *[str(y) for y in board.trend_years]],
            [[f.code, f.name, *values] for f, values in board.trend_rows()],
        ),
    }
    for b in board.breakdowns:
        tables[b.by] = Table(
            b.by,
            f"{b.title} ({board.year})",
            [_("Mã"), _("Nhóm"), *[name for _code, name in b.indicators]],
            [[key, label, *values] for key, label, values in b.rows()],
        )
    return tables


# --- Approved figures, for the public ----------------------------------------------------------

#: Approval states whose snapshot is the year's published figures (a reopen asked for but not
#: granted keeps them; a reopened year is published again only when approved again).
PUBLISHED_STATES = ("approved", "reopen_requested")


def published_stamp() -> tuple[tuple[int, str], ...]:
    """Which years are published, and since when: (year, approved_at) pairs, one small query.
    The public page's cache key, so a new approval shows at once."""
    from .models import YearApproval

    rows = (
        YearApproval.objects.filter(state__in=PUBLISHED_STATES)
        .order_by("year")
        .values_list("year", "approved_at")
    )
    return tuple((year, approved_at.isoformat()) for year, approved_at in rows)


def published_snapshots() -> dict[int, list[Figure]]:
    """Every published year's approved figures (``YearApproval.snapshot`` only: nothing that
    was not approved), by year."""
    from .models import YearApproval
    from .summaries import snapshot_figures

    rows = (
        YearApproval.objects.filter(state__in=PUBLISHED_STATES)
        .order_by("year")
        .values_list("year", "snapshot")
    )
    return {year: snapshot_figures(snapshot or {}) for year, snapshot in rows}
