"""The summaries the leaders' dashboard reads, kept by the job runner.

The dashboard must not scan the big tables (enterprises, certificates, declarations…) on every
request. So each year's indicators, with their breakdowns, are stored as ``IndicatorSummary``
rows, rebuilt by a background job from ``programs.indicators.snapshot(year)`` — the same figures
the yearly report and the ``indicators`` command use.

- **Stale.** A change to a record the indicators read marks every year's summary stale once
  its transaction commits: one UPDATE of the few ``SummaryState`` rows per transaction
  (``summaries_mark_changed``, called by the signals in ``programs.signals_summaries``).
  Every year, because a record may count in any year: a
  certificate valid 2022–2025 counts in four, and its old dates are not known after the save.
- **Debounced and deduplicated.** Then one rebuild per stale year is
  asked for at the end of the current ``SUMMARY_DEBOUNCE_SECONDS`` window: the job's key is the
  year and the window, so a thousand saves in a window make one job per year, and the job runs
  once the edits of its window are in. The job runner's sweep (beat, every minute) sends it when
  it is due.
- **Beat.** ``summaries_refresh`` (every minute) asks for a rebuild of every year that is stale,
  never computed, or computed more than ``SUMMARY_MAX_AGE`` ago (a safety net for changes made
  by bulk updates, which send no signal), and of a year that has just begun.
- **Fresh.** A rebuild remembers when it *started*: a change made while it ran leaves the year
  stale, and the next window rebuilds it. A rebuild that started before one already stored
  keeps the fresher rows.
- **Embedded mode.** Without a broker there is no worker and no beat: the dashboard asks for
  the stale years' rebuilds itself (``summaries_refresh_now``), which run inline.
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from laichau_nsc import jobs
from laichau_nsc.models import BackgroundJob

from .models import IndicatorSummary, SummaryState

#: The first year of the programme's plan in the province (Decision 1322/QĐ-TTg, 2021–2030).
FIRST_YEAR = 2021
#: A summary older than this is rebuilt by beat even if no signal said it changed.
SUMMARY_MAX_AGE = datetime.timedelta(hours=24)


def summary_years(today: datetime.date | None = None) -> list[int]:
    """The years the dashboard offers: 2021 to this year."""
    today = today or timezone.localdate()
    return list(range(FIRST_YEAR, max(FIRST_YEAR, today.year) + 1))


# --- The snapshot, read ----------------------------------------------------------------------


@dataclass
class Figure:
    """One indicator of a snapshot: its value, target, source and breakdowns."""

    code: str
    name: str = ""
    unit: str = ""
    group: str = ""
    value: Decimal | None = None
    target: Decimal | None = None
    source: str = ""
    #: breakdown name → [(key, label, value)], in the snapshot's order.
    breakdowns: dict[str, list[tuple[str, str, Decimal]]] = field(default_factory=dict)


def to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _group_triple(item: Any) -> tuple[str, str, Decimal] | None:
    if isinstance(item, dict):
        key, label, value = item.get("key"), item.get("label"), item.get("value")
    elif isinstance(item, list | tuple) and len(item) >= 3:
        key, label, value = item[0], item[1], item[2]
    else:
        return None
    number = to_decimal(value)
    if number is None:
        return None
    return str(key if key is not None else ""), str(label if label is not None else key), number


def _breakdowns(raw: Any) -> dict[str, list[tuple[str, str, Decimal]]]:
    if isinstance(raw, list):  # [{"by": "unit", "groups": [...]}, ...]
        raw = {b.get("by") or b.get("name"): b.get("groups") or b.get("rows") for b in raw}
    result: dict[str, list[tuple[str, str, Decimal]]] = {}
    for by, groups in (raw or {}).items():
        rows = [t for t in (_group_triple(g) for g in groups or []) if t is not None]
        if by and rows:
            result[str(by)] = rows
    return result


def snapshot_figures(snapshot: dict) -> list[Figure]:
    """The indicators of a snapshot (``programs.indicators.snapshot``, or a frozen copy in a
    ``YearApproval`` or a ``ReportRun``), in its order."""
    items = snapshot.get("indicators", snapshot) if isinstance(snapshot, dict) else snapshot
    if isinstance(items, dict):
        entries = [
            {"code": code, **entry} for code, entry in items.items() if isinstance(entry, dict)
        ]
    else:
        entries = [e for e in items or [] if isinstance(e, dict)]
    return [
        Figure(
            code=str(entry.get("code", "")),
            name=str(entry.get("name", "") or ""),
            unit=str(entry.get("unit", "") or ""),
            group=str(entry.get("group", "") or ""),
            value=to_decimal(entry.get("value")),
            target=to_decimal(entry.get("target")),
            source=str(entry.get("source", "") or ""),
            breakdowns=_breakdowns(entry.get("breakdowns") or entry.get("breakdown")),
        )
        for entry in entries
        if entry.get("code")
    ]


def summary_rows(year: int, snapshot: dict, *, computed_at: datetime.datetime):
    """The ``IndicatorSummary`` rows of a snapshot: a total row per indicator (breakdown
    empty, with its target and source) and a row per group of each breakdown."""
    rows: list[IndicatorSummary] = []
    for figure in snapshot_figures(snapshot):
        rows.append(
            IndicatorSummary(
                year=year,
                indicator=figure.code,
                label=figure.name[:300],
                value=figure.value if figure.value is not None else Decimal(0),
                target=figure.target,
                source=figure.source or ("missing" if figure.value is None else ""),
                computed_at=computed_at,
            )
        )
        for by, groups in figure.breakdowns.items():
            seen: set[str] = set()
            for key, label, value in groups:
                if key in seen:  # the unique constraint: a key once per breakdown
                    continue
                seen.add(key)
                rows.append(
                    IndicatorSummary(
                        year=year,
                        indicator=figure.code,
                        breakdown=by[:20],
                        key=key[:100],
                        label=label[:300],
                        value=value,
                        computed_at=computed_at,
                    )
                )
    return rows


#: Where the dashboard keeps the years' states (``selectors_dashboard.dashboard_states``).
STATES_CACHE_KEY = "dashboard-summary-states"


def forget_states() -> None:
    """The states changed: the dashboard reads them again (after the commit, so that it cannot
    cache what another transaction still sees)."""
    cache.delete(STATES_CACHE_KEY)
    _once_on_commit(_forget_after_commit)


def _forget_after_commit() -> None:
    cache.delete(STATES_CACHE_KEY)


def _once_on_commit(callback) -> None:
    """``transaction.on_commit(callback)`` once per transaction, however many records it
    saves."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is callback for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(callback)


# --- Marking stale -----------------------------------------------------------------------------


def summaries_mark_changed() -> None:
    """A record the indicators read changed: once the transaction commits, every year's
    summary is stale (``summaries_note_change``) — one callback per transaction, however many
    records it saves, and nothing if it rolls back."""
    _once_on_commit(summaries_note_change)


def summaries_note_change() -> None:
    """One UPDATE marks every year stale from now; then a debounced rebuild is asked for."""
    SummaryState.objects.update(changed_at=timezone.now())
    cache.delete(STATES_CACHE_KEY)
    if settings.SUMMARY_REFRESH_ON_VIEW:
        return  # embedded mode: no worker to run a job, the dashboard rebuilds what is stale
    summaries_schedule()


def _window_end(now: datetime.datetime) -> datetime.datetime:
    seconds = settings.SUMMARY_DEBOUNCE_SECONDS
    if seconds <= 0:
        return now
    end = math.ceil(now.timestamp() / seconds) * seconds
    return datetime.datetime.fromtimestamp(end, tz=datetime.UTC)


def summary_rebuild_request(year: int, *, now: datetime.datetime | None = None) -> BackgroundJob:
    """Ask for the rebuild of ``year`` at the end of the current debounce window: one job per
    year and window, whoever asks."""
    now = now or timezone.now()
    due = _window_end(now)
    key = f"summary:{year}:{due.isoformat()}"
    path = f"{summary_rebuild.__module__}.{summary_rebuild.__qualname__}"
    return jobs.submit(
        BackgroundJob, dedupe_key=key, function=path, params={"year": year}, run_after=due
    )


def stale_years(*, now: datetime.datetime | None = None) -> list[int]:
    """Years whose summary is missing, stale, or older than ``SUMMARY_MAX_AGE``."""
    now = now or timezone.now()
    years = summary_years(timezone.localdate(now))
    fresh = set(
        SummaryState.objects.filter(year__in=years, computed_at__gte=now - SUMMARY_MAX_AGE)
        .filter(Q(changed_at__isnull=True) | Q(changed_at__lte=F("computed_at")))
        .values_list("year", flat=True)
    )
    return [y for y in years if y not in fresh]


def summaries_schedule() -> list[int]:
    """Ask for a rebuild of every stale year (after a commit, and by beat every minute)."""
    years = stale_years()
    for year in years:
        summary_rebuild_request(year)
    return years


def summaries_refresh_now(years: Iterable[int]) -> None:
    """Embedded mode (no broker, no beat): rebuild the given years now, in this request, still
    as jobs of the runner (a row each, claimed and finished like any other)."""
    path = f"{summary_rebuild.__module__}.{summary_rebuild.__qualname__}"
    for year in years:
        job = BackgroundJob.objects.create(
            dedupe_key=f"summary:{year}:now:{timezone.now().isoformat()}",
            function=path,
            params={"year": year},
        )
        jobs.execute(BackgroundJob._meta.label, job.pk, heartbeat=False)


# --- Rebuilding --------------------------------------------------------------------------------


@jobs.background
def summary_rebuild(*, year: int) -> dict:
    """Recompute the summaries of ``year`` from ``snapshot(year)``: replaces its rows."""
    from . import indicators

    started = timezone.now()
    rows = summary_rows(year, indicators.snapshot(year), computed_at=started)
    with transaction.atomic():
        # The state row's lock makes two rebuilds of one year take turns.
        state, _created = SummaryState.objects.select_for_update().get_or_create(year=year)
        if state.computed_at is not None and state.computed_at > started:
            return {"year": year, "rows": 0, "kept": "fresher"}
        IndicatorSummary.objects.filter(year=year).delete()
        IndicatorSummary.objects.bulk_create(rows, batch_size=1000)
        state.computed_at = started
        state.save(update_fields=["computed_at"])
    forget_states()
    return {"year": year, "rows": len(rows)}
