"""A phone, 390 px wide: the request queue's buttons in reach, an active search in view."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import log_in
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.factories import UserFactory

PHONE = {"width": 390, "height": 844}
# How far anything scrolls sideways: the page itself or a scrolling box (a wide table).
SIDEWAYS = """() => Math.max(
  document.documentElement.scrollWidth - document.documentElement.clientWidth,
  ...[...document.querySelectorAll('*')].map(e =>
    ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)
      ? e.scrollWidth - e.clientWidth : 0))"""


@pytest.fixture
def officer_on_phone(page: Page, live_server, transactional_db):
    UserFactory(username="canbo", roles=["officer"])
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "canbo")
    return page


def test_request_queue_buttons_are_reachable_without_scrolling_sideways(
    officer_on_phone: Page, live_server, screenshot_dir
):
    page = officer_on_phone
    enterprise = EnterpriseFactory(name="Công ty TNHH Khách sạn Đoàn Kết Tây Bắc Lai Châu")
    MembershipFactory(
        enterprise=enterprise,
        state="requested",
        full_name="Nguyễn Thị Hồng Nhung",
        email="nguyen.thi.hong.nhung.phong.kinh.doanh@khachsan-doanket-example.vn",
        phone="0912 345 678",
    )
    page.goto(f"{live_server.url}/doanh-nghiep/tai-khoan/")
    approve = page.get_by_role("link", name="Duyệt", exact=True)
    refuse = page.get_by_role("link", name="Từ chối", exact=True)
    for button in (approve, refuse):
        expect(button).to_be_in_viewport()
        box = button.bounding_box()
        assert box is not None
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=screenshot_dir / "request-queue-phone.png", full_page=True)
    approve.click()
    expect(page.get_by_role("heading", name="Duyệt tài khoản doanh nghiệp")).to_be_visible()


def test_active_search_and_filters_show_while_the_panel_is_folded(
    officer_on_phone: Page, live_server, screenshot_dir
):
    page = officer_on_phone
    EnterpriseFactory(name="Hợp tác xã Chè Tam Đường", legal_form="cooperative")
    EnterpriseFactory(name="Hợp tác xã Mật ong Phong Thổ", legal_form="cooperative")
    EnterpriseFactory(name="Công ty cổ phần Chè Tam Đường")
    page.goto(f"{live_server.url}/doanh-nghiep/?q=tam+duong&legal_form=cooperative")
    expect(page.locator("#filter-panel")).to_be_hidden()
    summary = page.locator("#active-filters")
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("Đang lọc theo 2 điều kiện")
    expect(summary).to_contain_text("Tìm kiếm: tam duong")
    expect(summary).to_contain_text("Loại hình: Hợp tác xã")
    expect(page.locator("#filter-count")).to_have_text("2")
    expect(page.locator("#result-count")).to_contain_text("1 kết quả")
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=screenshot_dir / "enterprise-list-filtered-phone.png", full_page=True)

    # Dropping the search keeps the other condition.
    summary.get_by_role("link", name="Bỏ điều kiện “Tìm kiếm”").click()
    expect(page.locator("#active-filters")).to_contain_text("Đang lọc theo 1 điều kiện")
    expect(page.locator("#result-count")).to_contain_text("2 kết quả")

    # Searching in the unfolded panel (htmx) updates the summary and the button's count.
    page.get_by_role("button", name="Tìm kiếm và lọc").click()
    page.get_by_role("searchbox", name="Tìm kiếm").fill("mat ong")
    expect(page.locator("#active-filters")).to_contain_text("Tìm kiếm: mat ong")
    expect(page.locator("#filter-count")).to_have_text("2")
    expect(page.locator("#result-count")).to_contain_text("1 kết quả")
