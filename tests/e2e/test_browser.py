"""What a person does in the browser: log in, land on the role's home, search, edit."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.factories import UserFactory

PASSWORD = "mat-khau-Thu-nghiem-1"  # UserFactory's


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.fixture
def officer_user(transactional_db):
    return UserFactory(username="canbo", roles=["officer"])


def test_officer_logs_in_and_sees_home(page: Page, live_server, officer_user, screenshot_dir):
    EnterpriseFactory.create_batch(3)
    log_in(page, live_server, "canbo")
    expect(page.get_by_role("heading", name="Trang làm việc của cán bộ")).to_be_visible()
    expect(page.locator("#stat-total")).to_have_text("3")
    page.screenshot(path=screenshot_dir / "officer-home.png", full_page=True)


def test_enterprise_user_lands_on_own_enterprise(
    page: Page, live_server, transactional_db, screenshot_dir
):
    user = UserFactory(username="doanhnghiep", roles=["enterprise"])
    MembershipFactory(user=user, enterprise__name="Công ty cổ phần Chè Tam Đường")
    log_in(page, live_server, "doanhnghiep")
    expect(page.get_by_role("heading", name="Công ty cổ phần Chè Tam Đường")).to_be_visible()
    page.screenshot(path=screenshot_dir / "enterprise-home.png", full_page=True)


def test_search_without_diacritics_then_edit(page: Page, live_server, officer_user, screenshot_dir):
    tea = EnterpriseFactory(name="Công ty TNHH Chè Tam Đường")
    EnterpriseFactory(name="Hợp tác xã Gạo Séng Cù")
    log_in(page, live_server, "canbo")
    page.goto(f"{live_server.url}/doanh-nghiep/")
    page.get_by_role("searchbox", name="Tìm kiếm").fill("tam duong")
    # htmx replaces the results as the officer types; no full page load.
    expect(page.locator("#list-results")).not_to_contain_text("Séng Cù")
    expect(page.locator("#list-results")).to_contain_text("Chè Tam Đường")
    expect(page).to_have_url(re.compile(r"q=tam(\+|%20)duong"))

    page.get_by_role("link", name="Công ty TNHH Chè Tam Đường").click()
    page.get_by_role("link", name="Sửa").click()
    page.get_by_label("Điện thoại").fill("0213 3888 999")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu thay đổi")
    expect(page.locator("main")).to_contain_text("0213 3888 999")
    tea.refresh_from_db()
    assert tea.phone == "0213 3888 999"
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=screenshot_dir / "enterprise-detail-phone.png", full_page=True)
