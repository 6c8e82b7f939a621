"""Adoptions with certificates, products with GTINs (officers, and enterprises for their own),
recorded declarations and course participants: round trips, keys and scoping."""

import datetime

import pytest

from programs.models import Enrollment
from standards.models import Adoption, Certificate, Declaration, Product
from tests.programs.training_factories import CourseFactory
from tests.standards.factories import CertificationBodyFactory, StandardFactory, ToolFactory
from tests.standards.factories_products import BarcodeRegistrationFactory, corrupt, gtin13

from .files import plain_xlsx, template_with_rows, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def iso(db):
    return StandardFactory()


@pytest.fixture
def body(db):
    return CertificationBodyFactory(name="Trung tâm Chứng nhận Phù hợp QUACERT", acronym="QUACERT")


def adoption_rows(enterprise) -> list[dict]:
    # ISO 9001 certified in 2021, re-certified in 2024 under a new number; 5S applied.
    base = {
        "tax_code": enterprise.tax_code,
        "standard": "TCVN ISO 9001:2015",
        "status": "Đã được chứng nhận",
        "started_on": datetime.date(2021, 1, 4),
        "programme_supported": "Có",
    }
    return [
        {
            **base,
            "cert_number": "HT 1001/2021",
            "cert_body": "QUACERT",
            "scope": "Sản xuất chè",
            "issued_on": datetime.date(2021, 3, 1),
            "expires_on": datetime.date(2024, 2, 28),
        },
        {
            **base,
            "cert_number": "HT 2001/2024",
            "cert_body": "quacert",
            "scope": "Sản xuất chè",
            "issued_on": datetime.date(2024, 3, 1),
            "expires_on": datetime.date(2027, 2, 28),
        },
        {
            "tax_code": enterprise.tax_code,
            "standard": "5S",
            "status": "Đã áp dụng",
            "started_on": datetime.date(2022, 5, 1),
        },
    ]


def test_adoptions_with_certificates_round_trip_and_reimport(
    officer, enterprise_a, iso, body, run_import
):
    ToolFactory()
    content = template_with_rows("adoptions", adoption_rows(enterprise_a))
    job = run_import(officer, "adoptions", upload(content), confirm=True)
    assert job.committed, job.messages
    adoption = Adoption.objects.get(enterprise=enterprise_a, standard=iso)
    assert adoption.programme_supported
    assert adoption.review_state == "verified"
    certificates = Certificate.objects.filter(enterprise=enterprise_a).order_by("issued_on")
    assert [c.number for c in certificates] == ["HT 1001/2021", "HT 2001/2024"]
    assert all(c.adoption == adoption and c.body == body for c in certificates)
    assert certificates[1].periods.count() == 1  # the service's derivation ran
    assert "Nhập dữ liệu" in certificates[0].history.first().history_change_reason
    again = run_import(officer, "adoptions", upload(content))
    assert (again.created_count, again.unchanged_count, again.error_count) == (0, 3, 0)


def test_certificate_rules_are_the_services(officer, enterprise_a, iso, body, run_import):
    rows = adoption_rows(enterprise_a)[:1]
    rows[0]["expires_on"] = datetime.date(2025, 3, 1)  # longer than 36 months
    job = run_import(officer, "adoptions", upload(template_with_rows("adoptions", rows)))
    assert job.error_count == 1
    assert job.messages[0]["column"] == "Ngày hết hạn"
    assert "36 tháng" in job.messages[0]["message"]


def test_same_certificate_number_twice_in_the_file_is_refused(
    officer, enterprise_a, iso, body, run_import
):
    rows = adoption_rows(enterprise_a)[:2]
    rows[1]["cert_number"] = "HT-1001/2021"  # the same number as the services compare them
    job = run_import(officer, "adoptions", upload(template_with_rows("adoptions", rows)))
    assert job.error_count == 1
    assert "Trùng với dòng 2" in job.messages[0]["message"]


def product_rows(enterprise, prefix) -> list[dict]:
    return [
        {
            "tax_code": enterprise.tax_code,
            "name": "Chè xanh Tam Đường",
            "category": "Chè và sản phẩm từ chè",
            "gtin": gtin13(prefix, 1),
            "unit": "gói 200 g",
        },
        {
            "tax_code": enterprise.tax_code,
            "name": "Chè Shan tuyết",
            "category": "tea",
            "gtin": gtin13(prefix, 2),
        },
        {
            "tax_code": enterprise.tax_code,
            "name": "Mật ong bạc hà",
            "category": "Thực phẩm chế biến",
        },
    ]


def test_products_with_gtins_round_trip_and_reimport(officer, enterprise_a, run_import):
    registration = BarcodeRegistrationFactory(enterprise=enterprise_a)
    content = template_with_rows("products", product_rows(enterprise_a, registration.prefix))
    job = run_import(officer, "products", upload(content), confirm=True)
    assert job.committed, job.messages
    assert Product.objects.filter(enterprise=enterprise_a).count() == 3
    assert (
        Product.objects.get(gtin=gtin13(registration.prefix, 1)).barcode_registration
        == registration
    )
    again = run_import(officer, "products", upload(content))
    assert (again.created_count, again.unchanged_count) == (0, 3)


def test_wrong_check_digit_and_foreign_prefix_are_refused(
    officer, enterprise_a, enterprise_b, run_import
):
    own = BarcodeRegistrationFactory(enterprise=enterprise_a)
    other = BarcodeRegistrationFactory(enterprise=enterprise_b)
    rows = product_rows(enterprise_a, own.prefix)[:2]
    rows[0]["gtin"] = corrupt(rows[0]["gtin"])
    rows[1]["gtin"] = gtin13(other.prefix, 5)
    job = run_import(officer, "products", upload(template_with_rows("products", rows)))
    assert job.error_count == 2
    assert "sai số kiểm tra" in job.messages[0]["message"]
    assert "doanh nghiệp khác" in job.messages[1]["message"]
    assert not Product.objects.exists()


def test_gtin_typed_as_a_number_is_kept(officer, enterprise_a, run_import):
    registration = BarcodeRegistrationFactory(enterprise=enterprise_a)
    gtin = gtin13(registration.prefix, 7)
    header = ["Mã số thuế (*)", "Tên sản phẩm (*)", "Nhóm sản phẩm (*)", "Mã GTIN"]
    content = plain_xlsx(
        header, [[enterprise_a.tax_code, "Chè", "Chè và sản phẩm từ chè", int(gtin)]]
    )
    job = run_import(officer, "products", upload(content), confirm=True)
    assert job.committed, job.messages
    assert Product.objects.get().gtin == gtin


def test_enterprise_user_imports_only_its_own_products(
    ent_a, enterprise_a, enterprise_b, run_import
):
    own = BarcodeRegistrationFactory(enterprise=enterprise_a)
    rows = [
        *product_rows(enterprise_a, own.prefix)[:1],
        {"tax_code": enterprise_b.tax_code, "name": "Sản phẩm của B", "category": "Khác"},
    ]
    job = run_import(ent_a, "products", upload(template_with_rows("products", rows)))
    assert job.error_count == 1
    assert job.messages[0]["row"] == 3
    assert "không phải của doanh nghiệp" in job.messages[0]["message"]
    assert not Product.objects.exists()
    ok = run_import(
        ent_a, "products", upload(template_with_rows("products", rows[:1])), confirm=True
    )
    assert ok.committed
    assert Product.objects.get().enterprise == enterprise_a


def test_enterprise_user_cannot_set_ocop(ent_a, enterprise_a, run_import):
    rows = [
        {
            "tax_code": enterprise_a.tax_code,
            "name": "Chè",
            "category": "Khác",
            "ocop_stars": 3,
            "ocop_score": "55",
            "ocop_year": 2022,
        }
    ]
    job = run_import(ent_a, "products", upload(template_with_rows("products", rows)))
    assert job.error_count == 1
    assert "cán bộ" in job.messages[0]["message"]


@pytest.mark.parametrize("kind", ["enterprises", "adoptions", "declarations", "participants"])
def test_enterprise_users_and_leaders_cannot_import_other_kinds(ent_a, leader, kind):
    from django.core.exceptions import PermissionDenied

    from imports import services

    for user in (ent_a, leader):
        with pytest.raises(PermissionDenied):
            services.import_upload(user=user, kind=kind, upload=upload(b"x,y\n1,2\n", "a.csv"))


def test_recorded_declarations_round_trip(officer, enterprise_a, run_import):
    registration = BarcodeRegistrationFactory(enterprise=enterprise_a)
    run_import(
        officer,
        "products",
        upload(template_with_rows("products", product_rows(enterprise_a, registration.prefix))),
        confirm=True,
    )
    StandardFactory(
        code="TCCS 01:2022/HTX",
        title="Chè xanh",
        kind="company_standard",
        third_party_certified=False,
        validity_months=None,
    )
    rows = [
        {
            "tax_code": enterprise_a.tax_code,
            "kind": "Công bố tiêu chuẩn cơ sở (TCCS)",
            "standard": "TCCS 01:2022/HTX",
            "products": f"{gtin13(registration.prefix, 1)}; Mật ong bạc hà",
            "document_number": "01/2022/CB",
            "declared_on": datetime.date(2022, 5, 10),
        }
    ]
    content = template_with_rows("declarations", rows)
    job = run_import(officer, "declarations", upload(content), confirm=True)
    assert job.committed, job.messages
    declaration = Declaration.objects.get()
    assert (declaration.state, declaration.must_be_filed) == ("recorded", False)
    assert declaration.effective_on == datetime.date(2022, 5, 10)
    assert declaration.products.count() == 2
    again = run_import(officer, "declarations", upload(content))
    assert (again.created_count, again.unchanged_count) == (0, 1)


def test_declaration_of_unknown_product_is_refused(officer, enterprise_a, run_import):
    StandardFactory(
        code="TCCS 02:2022/HTX",
        title="Mật ong",
        kind="company_standard",
        third_party_certified=False,
        validity_months=None,
    )
    rows = [
        {
            "tax_code": enterprise_a.tax_code,
            "kind": "company_standard",
            "standard": "TCCS 02:2022/HTX",
            "products": "Không có sản phẩm này",
            "declared_on": "10/05/2022",
        }
    ]
    job = run_import(officer, "declarations", upload(template_with_rows("declarations", rows)))
    assert job.error_count == 1
    assert "Không có sản phẩm này" in job.messages[0]["message"]


def test_course_participants_round_trip(officer, enterprise_a, run_import):
    course = CourseFactory(days_from_today=-400)  # a course of last year's history
    rows = [
        {"full_name": "Nguyễn Thị Hoa", "phone": "0912 345 678", "tax_code": enterprise_a.tax_code},
        {"full_name": "Lò Văn Bình", "position": "Tổ trưởng"},
    ]
    content = template_with_rows("participants", rows)
    job = run_import(
        officer, "participants", upload(content), confirm=True, params={"course": course.pk}
    )
    assert job.committed, job.messages
    assert Enrollment.objects.filter(course=course).count() == 2
    duplicate = template_with_rows(
        "participants", [*rows, {"full_name": "nguyen thi hoa", "phone": "0912345678"}]
    )
    again = run_import(officer, "participants", upload(duplicate), params={"course": course.pk})
    assert again.unchanged_count == 2
    assert again.error_count == 1
    assert "Trùng với dòng 2" in again.messages[0]["message"]
