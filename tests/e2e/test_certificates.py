"""An officer records a certificate in the browser; the enterprise's own user then sees it."""

import pytest
from playwright.sync_api import Page, expect

from standards.models import Certificate
from tests.e2e.test_browser import log_in
from tests.enterprises.factories import MembershipFactory
from tests.factories import UserFactory
from tests.standards.factories import CertificationBodyFactory, StandardFactory


@pytest.fixture
def people(db):
    UserFactory(username="canbo", roles=["officer"])
    member = MembershipFactory(
        user=UserFactory(username="doanhnghiep", roles=["enterprise"]),
        enterprise__name="Công ty cổ phần Chè Tam Đường",
    )
    StandardFactory(code="TCVN ISO 22000:2018", title="Hệ thống quản lý an toàn thực phẩm")
    CertificationBodyFactory(name="Trung tâm Chứng nhận Phù hợp", acronym="QUACERT")
    return member.enterprise


# The browser needs committed rows; serialized_rollback restores the migrations' rows after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_records_a_certificate_and_the_enterprise_sees_it(
    page: Page, live_server, people, browser, screenshot_dir
):
    enterprise = people
    log_in(page, live_server, "canbo")
    page.goto(f"{live_server.url}/doanh-nghiep/{enterprise.pk}/")
    page.get_by_role("link", name="Thêm chứng chỉ").click()
    page.get_by_label("Tiêu chuẩn").select_option(label="TCVN ISO 22000:2018")
    page.get_by_label("Tổ chức chứng nhận").select_option(
        label="Trung tâm Chứng nhận Phù hợp (QUACERT)"
    )
    page.get_by_label("Số chứng chỉ").fill("ATTP 0456/2024")
    page.get_by_label("Phạm vi chứng nhận").fill("Sản xuất, chế biến chè xanh và chè đen")
    page.get_by_label("Ngày cấp hiện hành").fill("15/03/2024")
    page.get_by_label("Ngày hết hạn").fill("14/03/2027")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận chứng chỉ “ATTP 0456/2024”")
    expect(page.locator("main")).to_contain_text("15/03/2024 – 14/03/2027")
    certificate = Certificate.objects.get()
    assert certificate.review_state == "verified"
    page.screenshot(path=screenshot_dir / "certificate-detail.png", full_page=True)

    # The enterprise's own user, on a phone.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    log_in(phone, live_server, "doanhnghiep")
    phone.get_by_role("link", name="Xem hồ sơ").click()
    certificates = phone.get_by_role("region", name="Chứng chỉ")
    expect(certificates).to_contain_text("ATTP 0456/2024")
    expect(certificates).to_contain_text("Còn hiệu lực")
    phone.get_by_role("link", name="ATTP 0456/2024").click()
    expect(phone.locator("main")).to_contain_text("Sản xuất, chế biến chè xanh và chè đen")
    expect(phone.get_by_role("link", name="Ghi nhận sự kiện")).to_have_count(0)
    phone.screenshot(path=screenshot_dir / "certificate-enterprise-phone.png", full_page=True)
    context.close()
