"""An enterprise files a declaration in the browser, the officer asks for a supplement, the
enterprise answers, and the officer accepts it."""

import pytest
from playwright.sync_api import Page, expect

from standards.models import Declaration
from tests.e2e.test_browser import log_in
from tests.enterprises.factories import MembershipFactory
from tests.factories import UserFactory
from tests.standards.factories_declarations import RegulationFactory
from tests.standards.factories_products import ProductFactory
from tests.test_files import pdf_bytes


@pytest.fixture
def people(db):
    UserFactory(username="canbo", roles=["officer"])
    member = MembershipFactory(
        user=UserFactory(username="doanhnghiep", roles=["enterprise"]),
        enterprise__name="Công ty cổ phần Chè Tam Đường",
    )
    ProductFactory(enterprise=member.enterprise, name="Chè xanh Tam Đường")
    RegulationFactory()
    return member.enterprise


def upload_file(page: Page, live_server, declaration_pk: int, title: str, path) -> None:
    page.get_by_role("link", name="Tải lên tài liệu").click()
    page.get_by_label("Tên tài liệu").fill(title)
    page.get_by_label("Tệp").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("status").filter(has_text="Đã tải lên tài liệu hồ sơ")).to_be_visible()


# The browser needs committed rows; serialized_rollback restores the migrations' rows after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enterprise_files_officer_asks_more_enterprise_answers_officer_accepts(
    page: Page, live_server, people, browser, tmp_path, screenshot_dir
):
    enterprise = people
    dossier = tmp_path / "ban-cong-bo.pdf"
    dossier.write_bytes(pdf_bytes())

    # The enterprise's user starts a draft from its enterprise page, adds a file and files it.
    log_in(page, live_server, "doanhnghiep")
    page.goto(f"{live_server.url}/doanh-nghiep/{enterprise.pk}/")
    page.get_by_role("link", name="Lập hồ sơ công bố").click()
    page.get_by_label("Loại công bố").select_option(label="Công bố hợp quy (theo QCVN)")
    page.get_by_label("Tiêu chuẩn, quy chuẩn").select_option(label="QCVN 8-2:2011/BYT")
    page.get_by_label("Chè xanh Tam Đường").check()
    page.get_by_label("Số hiệu bản công bố").fill("01/2026/CBHQ")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status").filter(has_text="Đã lưu bản nháp")).to_be_visible()
    declaration = Declaration.objects.get()
    upload_file(page, live_server, declaration.pk, "Bản công bố hợp quy", dossier)
    page.get_by_role("link", name="Nộp hồ sơ").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("status").filter(has_text="Đã nộp hồ sơ công bố")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Đã nộp, chờ xử lý")
    expect(page.get_by_role("link", name="Tiếp nhận", exact=True)).to_have_count(0)

    # The officer finds it in the queue and asks for a supplement.
    context = browser.new_context()
    officer = context.new_page()
    log_in(officer, live_server, "canbo")
    officer.goto(f"{live_server.url}/chung-nhan/cong-bo/?queue=waiting")
    officer.get_by_role("link", name="Công ty cổ phần Chè Tam Đường").click()
    officer.get_by_role("link", name="Yêu cầu bổ sung").click()
    officer.get_by_label("Lý do, nội dung").fill("Bổ sung phiếu thử nghiệm chỉ tiêu chì, cadimi.")
    officer.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(
        officer.get_by_role("status").filter(has_text="Đã yêu cầu doanh nghiệp bổ sung")
    ).to_be_visible()

    # The enterprise reads the reason, adds the report and sends the supplement.
    page.reload()
    expect(page.locator("main")).to_contain_text("Bổ sung phiếu thử nghiệm chỉ tiêu chì, cadimi.")
    upload_file(page, live_server, declaration.pk, "Phiếu kết quả thử nghiệm", dossier)
    page.get_by_role("link", name="Gửi bổ sung").click()
    page.get_by_label("Đã bổ sung những gì").fill("Đã bổ sung phiếu kết quả thử nghiệm.")
    page.get_by_role("button", name="Gửi bổ sung").click()
    expect(page.get_by_role("status").filter(has_text="Đã gửi hồ sơ bổ sung")).to_be_visible()

    # The officer accepts with the receipt notice's number; the notice prints as a PDF.
    officer.reload()
    officer.get_by_role("link", name="Tiếp nhận", exact=True).click()
    officer.get_by_label("Số thông báo tiếp nhận").fill("15/TB-SKHCN")
    officer.get_by_role("button", name="Tiếp nhận").click()
    expect(
        officer.get_by_role("status").filter(has_text="Đã tiếp nhận hồ sơ công bố")
    ).to_be_visible()
    expect(officer.locator("main")).to_contain_text("số 15/TB-SKHCN")
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Thông báo tiếp nhận (PDF)").click()
    assert download.value.suggested_filename == f"thong-bao-tiep-nhan-{declaration.pk}.pdf"
    officer.screenshot(path=screenshot_dir / "declaration-accepted.png", full_page=True)
    context.close()

    declaration.refresh_from_db()
    assert declaration.state == "accepted"
    assert declaration.receipt_number == "15/TB-SKHCN"
    assert list(declaration.steps.values_list("to_state", flat=True)) == [
        "submitted",
        "supplement_requested",
        "submitted",
        "accepted",
    ]
