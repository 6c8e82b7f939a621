"""A leader builds the year's report in the browser, watches it finish, downloads it, and
approves the year's figures."""

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from programs.models import YearApproval
from tests.e2e.test_browser import log_in
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory
from tests.standards.factories import CertificateFactory


@pytest.fixture
def people(db):
    UserFactory(username="lanhdao", roles=["leader"])
    CertificateFactory(enterprise=EnterpriseFactory(name="Công ty cổ phần Chè Tam Đường"))


# The browser needs committed rows; serialized_rollback restores the migrations' rows after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_leader_builds_downloads_and_approves_the_report(
    page: Page, live_server, people, screenshot_dir, tmp_path
):
    log_in(page, live_server, "lanhdao")
    page.goto(f"{live_server.url}/chuong-trinh/bao-cao-nam/")
    page.get_by_label("Năm báo cáo").fill("2022")
    page.get_by_role("button", name="Mở").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo năm 2022")

    page.get_by_role("button", name="Tạo báo cáo").click()
    expect(page.locator("#report-status")).to_contain_text("Đã tạo xong báo cáo.", timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (DOCX)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "bao-cao-nsc-2022.docx"
    assert (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in Document(str(path)).tables[0].rows[0].cells[1].text
    )

    page.get_by_role("link", name="← Về báo cáo của năm").click()
    page.get_by_role("button", name="Phê duyệt số liệu của báo cáo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã phê duyệt số liệu năm 2022.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã phê duyệt")
    assert YearApproval.objects.get(year=2022).state == "approved"
    page.screenshot(path=screenshot_dir / "report-year-approved.png", full_page=True)
