"""A leader opens the dashboard, reads a year's figures and changes the year, goes to the
year's report (built by an officer), approves its figures, downloads the approved report, and
sees on the dashboard that the year is approved — then, once a record of the year changes,
that it changed since the approval, with the way to what changed (issue 10). Building the
report in the browser is ``test_reports.py``."""

import datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from programs import indicators, summaries
from programs import reports as services
from programs.models import YearApproval
from tests.e2e.test_browser import log_in
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory
from tests.programs.dashboard_data import make_records
from tests.standards.factories import CertificateFactory

# A year's page may rebuild that year's summaries before it renders: slower than the default
# 5 s on a busy machine, never a sign of a fault by itself.
YEAR_PAGE_MS = 30_000


def rebuild_all() -> None:
    for year in summaries.summary_years():
        summaries.summary_rebuild(year=year)


@pytest.fixture
def leader_user(transactional_db, settings):
    """Records, their summaries, and a finished report of 2022 requested by an officer (the
    job runs when its row commits: no transaction is open here)."""
    settings.SUMMARY_REFRESH_ON_VIEW = False
    make_records()
    rebuild_all()
    officer = UserFactory(username="canbo", roles=["officer"])
    run = services.report_request(year=2022, user=officer)
    run.refresh_from_db()
    assert run.state == "done", run.error
    return UserFactory(username="lanhdao", roles=["leader"])


def choose_year(page: Page, year: str) -> None:
    """The selector opens the year at once, once dashboard.js has run: the heading shows while
    the page's scripts still load, and a change made before them would open nothing."""
    page.wait_for_load_state("load")
    page.get_by_label("Năm", exact=True).select_option(year)


def shown(page: Page, code: str):
    return page.locator(f"#figure-{code} .dash-value")


def test_leader_changes_the_year_approves_downloads_and_sees_later_changes(
    page: Page, live_server, leader_user, screenshot_dir, tmp_path
):
    log_in(page, live_server, "lanhdao")
    page.get_by_role("main").get_by_role("link", name="Bảng điều khiển").click()
    this_year = str(summaries.summary_years()[-1])
    expect(page.get_by_role("heading", name=f"Bảng điều khiển năm {this_year}")).to_be_visible(
        timeout=YEAR_PAGE_MS
    )

    choose_year(page, "2023")
    expect(page.get_by_role("heading", name="Bảng điều khiển năm 2023")).to_be_visible(
        timeout=YEAR_PAGE_MS
    )
    snapshot = indicators.snapshot(2023)["indicators"]
    expect(shown(page, "CERT_VALID")).to_have_text(str(snapshot["CERT_VALID"]["value"]))
    # Each chart has its data table.
    page.get_by_text("Bảng số liệu: Kết quả qua các năm").click()
    expect(page.locator("#table-xu-huong table")).to_be_visible()

    choose_year(page, "2022")
    expect(page.get_by_role("heading", name="Bảng điều khiển năm 2022")).to_be_visible(
        timeout=YEAR_PAGE_MS
    )
    expect(page).to_have_url(f"{live_server.url}/bang-dieu-khien/?nam=2022")
    snapshot = indicators.snapshot(2022)["indicators"]
    expect(shown(page, "CERT_VALID")).to_have_text(str(snapshot["CERT_VALID"]["value"]))
    expect(page.locator("#figure-CERT_VALID")).to_contain_text("3 / 4 (75 %)")
    expect(page.locator("#freshness")).to_contain_text("Số liệu cập nhật lúc")
    # The charts were drawn by Chart.js from the json_script data (no CSP violation).
    assert page.evaluate("() => Object.keys(window.Chart.instances).length") >= 2
    page.screenshot(path=screenshot_dir / "dashboard-2022.png", full_page=True)

    # Not approved yet: the dashboard leads to the year's report, where the leader approves.
    expect(page.locator("#approval-none")).to_contain_text("chưa được phê duyệt")
    page.locator("#report-year-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo năm 2022")
    page.get_by_role("button", name="Phê duyệt số liệu của báo cáo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã phê duyệt số liệu năm 2022.")
    assert YearApproval.objects.get(year=2022).state == "approved"

    # The approved report's figures, downloaded.
    page.get_by_role("link", name="báo cáo được phê duyệt").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Bảng số liệu (XLSX)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "bao-cao-nsc-2022.xlsx"
    sheet = load_workbook(path, read_only=True).worksheets[0]
    values = {row[0]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["CERT_VALID"] == snapshot["CERT_VALID"]["value"]

    # Back on the dashboard: approved, nothing changed since.
    page.goto(f"{live_server.url}/bang-dieu-khien/?nam=2022")
    expect(page.locator("#approval-flag")).to_contain_text("đã được phê duyệt ngày")
    expect(page.locator("#changed-since-approval")).to_have_count(0)

    # A certificate of 2022 is added after the approval; the summaries are rebuilt.
    CertificateFactory(enterprise=EnterpriseFactory(), issued_on=datetime.date(2022, 6, 1))
    rebuild_all()
    page.reload()
    expect(shown(page, "CERT_VALID")).to_have_text(str(snapshot["CERT_VALID"]["value"] + 1))
    expect(page.locator("#changed-since-approval")).to_have_text("Có thay đổi sau khi phê duyệt")
    page.screenshot(path=screenshot_dir / "dashboard-changed-since-approval.png", full_page=True)
    page.get_by_role("link", name="Xem những gì đã thay đổi").click()
    expect(page).to_have_url(f"{live_server.url}/chuong-trinh/bao-cao-nam/2022/thay-doi/")
    expect(page.get_by_role("main")).to_contain_text("Số chứng chỉ còn hiệu lực")
