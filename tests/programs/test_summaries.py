"""The dashboard's summaries: rebuilt from ``snapshot(year)`` by the job runner, marked stale by
record changes (one UPDATE), rebuilt once per year and debounce window, and never overwritten by
an older build."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from laichau_nsc import jobs
from laichau_nsc.models import BackgroundJob
from programs import indicators, summaries
from programs.models import IndicatorSummary, SummaryState
from tests.enterprises.factories import EnterpriseFactory
from tests.programs.dashboard_data import make_records

REBUILD = "programs.summaries.summary_rebuild"


@pytest.fixture(autouse=True)
def _with_a_worker(settings):
    """As in production: a worker and beat run the rebuilds (not the dashboard)."""
    settings.SUMMARY_REFRESH_ON_VIEW = False


def totals(year: int) -> dict[str, Decimal]:
    return dict(
        IndicatorSummary.objects.filter(year=year, breakdown="")
        .exclude(source="missing")
        .values_list("indicator", "value")
    )


def snapshot_totals(snapshot: dict) -> dict[str, Decimal]:
    return {
        code: Decimal(str(entry["value"]))
        for code, entry in snapshot["indicators"].items()
        if entry["value"] is not None
    }


@pytest.mark.django_db
def test_rebuild_stores_every_figure_of_the_snapshot():
    make_records()
    summaries.summary_rebuild(year=2022)
    snapshot = indicators.snapshot(2022)
    assert totals(2022) == snapshot_totals(snapshot)
    assert totals(2022)["CERT_VALID"] == 3
    total = IndicatorSummary.objects.get(year=2022, indicator="CERT_VALID", breakdown="")
    assert total.target == 4
    assert total.source == "computed"
    for code, entry in snapshot["indicators"].items():
        for by, groups in entry["breakdowns"].items():
            stored = dict(
                IndicatorSummary.objects.filter(
                    year=2022, indicator=code, breakdown=by
                ).values_list("key", "value")
            )
            assert stored == {str(k): Decimal(str(v)) for k, _label, v in groups}, (code, by)
    state = SummaryState.objects.get(year=2022)
    assert state.computed_at is not None
    assert not state.is_stale


@pytest.mark.django_db
def test_a_second_rebuild_replaces_the_rows():
    make_records()
    summaries.summary_rebuild(year=2022)
    count = IndicatorSummary.objects.filter(year=2022).count()
    summaries.summary_rebuild(year=2022)
    assert IndicatorSummary.objects.filter(year=2022).count() == count


@pytest.mark.django_db
def test_a_record_change_marks_every_year_stale_with_one_update(
    django_assert_num_queries, django_capture_on_commit_callbacks, settings
):
    settings.SUMMARY_REFRESH_ON_VIEW = True  # no rebuild asked for: only the marking
    for year in (2021, 2022, 2023):
        SummaryState.objects.create(year=year, computed_at=timezone.now())
    assert not SummaryState.objects.get(year=2022).is_stale
    with django_capture_on_commit_callbacks() as callbacks:
        EnterpriseFactory.create_batch(3)
    assert not SummaryState.objects.get(year=2022).is_stale  # not before the commit
    assert callbacks.count(summaries.summaries_note_change) == 1
    with django_assert_num_queries(1):  # UPDATE programs_summarystate
        summaries.summaries_note_change()
    assert all(state.is_stale for state in SummaryState.objects.all())


@pytest.mark.django_db
def test_saving_a_record_marks_the_summaries_stale(django_capture_on_commit_callbacks):
    SummaryState.objects.create(year=2022, computed_at=timezone.now() - datetime.timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        EnterpriseFactory()
    assert SummaryState.objects.get(year=2022).is_stale


@pytest.mark.django_db
def test_many_saves_in_a_window_ask_for_one_rebuild_per_year(
    django_capture_on_commit_callbacks, settings
):
    settings.SUMMARY_DEBOUNCE_SECONDS = 60
    years = summaries.summary_years()
    SummaryState.objects.bulk_create(
        SummaryState(year=y, computed_at=timezone.now()) for y in years
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        EnterpriseFactory.create_batch(5)
    # One callback per transaction, not one per save.
    assert callbacks.count(summaries.summaries_note_change) == 1
    queued = BackgroundJob.objects.filter(function=REBUILD)
    assert sorted(job.params["year"] for job in queued) == years
    # Debounced: due at the end of the window, and left to the sweep until then.
    assert all(job.run_after > timezone.now() for job in queued)
    assert all(job.dispatched_at is None and job.state == "queued" for job in queued)
    with django_capture_on_commit_callbacks(execute=True):
        EnterpriseFactory()
    assert BackgroundJob.objects.filter(function=REBUILD).count() == len(years)


@pytest.mark.django_db
def test_the_sweep_runs_due_rebuilds_and_the_years_become_fresh(
    django_capture_on_commit_callbacks, settings
):
    settings.SUMMARY_DEBOUNCE_SECONDS = 60
    make_records()
    with django_capture_on_commit_callbacks(execute=True):
        summaries.summaries_schedule()
    assert SummaryState.objects.count() == 0  # nothing computed yet
    BackgroundJob.objects.filter(function=REBUILD).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )
    jobs.sweep()  # inline in tests: runs each job now
    assert set(BackgroundJob.objects.filter(function=REBUILD).values_list("state", flat=True)) == {
        "done"
    }
    assert summaries.stale_years() == []
    assert totals(2022) == snapshot_totals(indicators.snapshot(2022))


@pytest.mark.django_db
def test_a_change_during_a_rebuild_leaves_the_year_stale(monkeypatch):
    make_records()
    real = indicators.snapshot

    def snapshot_then_a_change(year):
        result = real(year)
        summaries.summaries_note_change()  # an officer's save commits while the job computes
        return result

    SummaryState.objects.create(year=2022)
    monkeypatch.setattr(indicators, "snapshot", snapshot_then_a_change)
    summaries.summary_rebuild(year=2022)
    assert SummaryState.objects.get(year=2022).is_stale
    assert 2022 in summaries.stale_years()


@pytest.mark.django_db
def test_an_older_build_never_overwrites_a_fresher_one():
    make_records()
    later = timezone.now() + datetime.timedelta(minutes=5)
    SummaryState.objects.create(year=2022, computed_at=later)
    IndicatorSummary.objects.create(year=2022, indicator="CERT_VALID", value=99, computed_at=later)
    result = summaries.summary_rebuild(year=2022)
    assert result["kept"] == "fresher"
    assert totals(2022) == {"CERT_VALID": 99}


@pytest.mark.django_db
def test_beat_asks_for_years_never_computed_or_too_old(settings):
    settings.SUMMARY_DEBOUNCE_SECONDS = 0
    years = summaries.summary_years()
    old = timezone.now() - summaries.SUMMARY_MAX_AGE - datetime.timedelta(minutes=1)
    SummaryState.objects.bulk_create(
        [SummaryState(year=years[0], computed_at=old)]
        + [SummaryState(year=y, computed_at=timezone.now()) for y in years[1:-1]]
    )
    assert summaries.stale_years() == [years[0], years[-1]]


def test_snapshot_figures_reads_lists_and_dicts():
    figures = summaries.snapshot_figures(
        {
            "indicators": {
                "A": {
                    "name": "Một",
                    "value": 2,
                    "target": None,
                    "source": "computed",
                    "breakdowns": {
                        "unit": [["1", "Xã", 2], {"key": "2", "label": "Y", "value": 0}]
                    },
                },
                "B": {"value": None, "source": "missing"},
            }
        }
    )
    assert [f.code for f in figures] == ["A", "B"]
    assert figures[0].breakdowns == {"unit": [("1", "Xã", 2), ("2", "Y", 0)]}
    assert figures[1].value is None
