"""A leader opens the dashboard, reads a year's figures and changes the year (issue 10).
The approval and report download steps join this test once the reports part is merged."""

import pytest
from playwright.sync_api import Page, expect

from programs import indicators, summaries
from tests.e2e.test_browser import log_in
from tests.factories import UserFactory
from tests.programs.dashboard_data import make_records


@pytest.fixture
def leader_user(transactional_db, settings):
    settings.SUMMARY_REFRESH_ON_VIEW = False
    make_records()
    for year in summaries.summary_years():
        summaries.summary_rebuild(year=year)
    return UserFactory(username="lanhdao", roles=["leader"])


def shown(page: Page, code: str):
    return page.locator(f"#figure-{code} .dash-value")


def test_leader_opens_the_dashboard_and_changes_the_year(
    page: Page, live_server, leader_user, screenshot_dir
):
    log_in(page, live_server, "lanhdao")
    page.get_by_role("main").get_by_role("link", name="Bảng điều khiển").click()
    this_year = str(summaries.summary_years()[-1])
    expect(page.get_by_role("heading", name=f"Bảng điều khiển năm {this_year}")).to_be_visible()

    page.get_by_label("Năm", exact=True).select_option("2022")  # opens at once (dashboard.js)
    expect(page.get_by_role("heading", name="Bảng điều khiển năm 2022")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/bang-dieu-khien/?nam=2022")
    snapshot = indicators.snapshot(2022)["indicators"]
    expect(shown(page, "CERT_VALID")).to_have_text(str(snapshot["CERT_VALID"]["value"]))
    expect(page.locator("#figure-CERT_VALID")).to_contain_text("3 / 4 (75 %)")
    expect(page.locator("#freshness")).to_contain_text("Số liệu cập nhật lúc")
    # The charts were drawn by Chart.js from the json_script data (no CSP violation).
    assert page.evaluate("() => Object.keys(window.Chart.instances).length") >= 2
    page.screenshot(path=screenshot_dir / "dashboard-2022.png", full_page=True)

    page.get_by_label("Năm", exact=True).select_option("2023")
    expect(page.get_by_role("heading", name="Bảng điều khiển năm 2023")).to_be_visible()
    snapshot = indicators.snapshot(2023)["indicators"]
    expect(shown(page, "CERT_VALID")).to_have_text(str(snapshot["CERT_VALID"]["value"]))
    # Each chart has its data table.
    page.get_by_text("Bảng số liệu: Kết quả qua các năm").click()
    expect(page.locator("#table-xu-huong table")).to_be_visible()
