"""An approved year whose records changed after approval is flagged on the dashboard ("changed
since approval"), with a link to what changed; the flag compares the rebuilt summaries with the
frozen snapshot, never the big tables, and costs the same few queries at any size."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from programs import reports as services
from programs import summaries
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.programs.dashboard_data import make_records
from tests.standards.factories import CertificateFactory, StandardFactory

URL = "/bang-dieu-khien/"
YEAR = 2022


@pytest.fixture
def approved(db, settings, officer, leader, django_capture_on_commit_callbacks):
    settings.SUMMARY_REFRESH_ON_VIEW = False
    make_records()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(year=YEAR, user=officer)
    run.refresh_from_db()
    assert run.state == "done", run.error
    summaries.summary_rebuild(year=YEAR)
    return services.year_approve(year=YEAR, report_id=run.pk, version=None, user=leader)


def flag(response):
    return response.context["approval"]


def test_an_approved_year_unchanged_is_shown_approved_without_the_flag(approved, leader):
    response = client_for(leader).get(URL, {"nam": YEAR})
    assert flag(response).approval == approved
    assert flag(response).changed is False
    text = response.text
    assert 'id="approval-flag"' in text
    assert timezone.localtime(approved.approved_at).strftime("%d/%m/%Y") in text
    assert 'id="changed-since-approval"' not in text
    # Another year, not approved: no approval line.
    other = client_for(leader).get(URL, {"nam": 2023})
    assert flag(other) is None
    assert 'id="approval-flag"' not in other.text


def test_a_change_after_approval_is_flagged_with_a_link_to_what_changed(approved, leader):
    client = client_for(leader)
    client.get(URL, {"nam": YEAR})  # the comparison is cached until the next rebuild
    CertificateFactory(enterprise=EnterpriseFactory(), issued_on=datetime.date(YEAR, 6, 1))
    summaries.summary_rebuild(year=YEAR)
    response = client.get(URL, {"nam": YEAR})
    assert flag(response).changed is True
    link = reverse("programs:approval_changes", args=[YEAR])
    assert f'href="{link}"' in response.text
    assert "Có thay đổi sau khi phê duyệt" in response.text
    changes = client.get(link)
    assert changes.status_code == 200
    assert any(c.code == "CERT_VALID" for c in changes.context["changes"])


def test_a_change_that_alters_no_figure_is_not_flagged(approved, leader):
    # A record is saved (the summaries are rebuilt) but no figure of the year moves.
    StandardFactory()
    summaries.summary_rebuild(year=YEAR)
    assert flag(client_for(leader).get(URL, {"nam": YEAR})).changed is False


def test_the_flag_adds_one_small_query_flat_with_data_size(
    approved, leader, django_assert_max_num_queries
):
    client = client_for(leader)
    client.get(URL, {"nam": YEAR})
    # session, user, roles, notifications bell: the approval's state, the board and the
    # comparison come from the cache.
    with django_assert_max_num_queries(4):
        client.get(URL, {"nam": YEAR})
    make_records(certificates=20)
    summaries.summary_rebuild(year=YEAR)
    cache.delete(summaries.STATES_CACHE_KEY)
    # + the summary states, the approvals' states, the year's approval, the board's summaries,
    # and the year's rows for the comparison
    with django_assert_max_num_queries(9):
        first = client.get(URL, {"nam": YEAR})
    assert flag(first).changed is True


@pytest.fixture
def built_report(db, settings, officer, django_capture_on_commit_callbacks):
    settings.SUMMARY_REFRESH_ON_VIEW = False
    make_records()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(year=YEAR, user=officer)
    summaries.summary_rebuild(year=YEAR)
    return run


def test_each_approval_step_is_seen_at_once_on_a_cached_year_page(
    built_report, officer, leader, django_capture_on_commit_callbacks
):
    # The year's page is kept in the cache per version; the version holds the approval's
    # state, read with the summaries' states and dropped by every approval step.
    client = client_for(leader)
    assert 'id="approval-none"' in client.get(URL, {"nam": YEAR}).text
    assert 'id="approval-none"' in client.get(URL, {"nam": YEAR}).text  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        approval = services.year_approve(
            year=YEAR, report_id=built_report.pk, version=None, user=leader
        )
    assert 'id="approval-flag"' in client.get(URL, {"nam": YEAR}).text
    with django_capture_on_commit_callbacks(execute=True):
        approval = services.year_reopen_request(
            year=YEAR, reason="Sai số liệu", version=approval.version, user=officer
        )
    assert 'id="approval-flag"' in client.get(URL, {"nam": YEAR}).text  # still frozen
    with django_capture_on_commit_callbacks(execute=True):
        services.year_reopen(year=YEAR, version=approval.version, user=leader)
    text = client.get(URL, {"nam": YEAR}).text
    assert 'id="approval-flag"' not in text
    assert 'id="approval-none"' in text


def test_an_approval_deleted_in_the_admin_leaves_the_cached_year_page(
    approved, leader, django_capture_on_commit_callbacks
):
    client = client_for(leader)
    assert 'id="approval-flag"' in client.get(URL, {"nam": YEAR}).text
    with django_capture_on_commit_callbacks(execute=True):
        approved.delete()
    assert 'id="approval-none"' in client.get(URL, {"nam": YEAR}).text


def test_the_cached_year_page_is_kept_per_language(approved, leader, settings):
    client = client_for(leader)
    vietnamese = client.get(URL, {"nam": YEAR}).text
    assert "Kết quả năm 2022 so với kế hoạch" in vietnamese
    assert "Số liệu năm 2022 đã được phê duyệt" in vietnamese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL, {"nam": YEAR}).text
    assert "Results of 2022 against the plan" in english
    assert "Kết quả năm 2022 so với kế hoạch" not in english
    assert "Số liệu năm 2022 đã được phê duyệt" not in english
