"""The public traceability page: what Circular 02/2024/TT-BKHCN asks, only what the enterprise
published, fast (cached, one query when checked, none when fresh), rate-limited."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from standards import services_traceability as services
from standards.choices import CertificateEventKind, DeclarationState, ReviewState
from standards.models import Declaration
from standards.views import public_products
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import count_queries
from tests.standards.factories import CertificateFactory, CertificationBodyFactory, StandardFactory
from tests.standards.factories_traceability import (
    InForceDeclarationFactory,
    LocationFactory,
    LotFactory,
    StageFactory,
    TracedProductFactory,
)
from tests.test_permission_matrix import assert_csp_clean

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def tea():
    """A published tea with a lot of three stages, a declaration in force and a valid
    certificate to the declared standard — and every private field filled."""
    enterprise = EnterpriseFactory(
        name="Công ty cổ phần Chè Tam Đường",
        address="Bản Nà Ngò, xã Bình Lư, tỉnh Lai Châu",
        phone="0213 3876 111",
        email="chetamduong@example.vn",
        website="https://chetamduong.example.vn",
        representative="Lò Văn Thắng",
        representative_title="Giám đốc",
        employees=57,
    )
    product = TracedProductFactory(
        enterprise=enterprise,
        name="Chè Shan Tuyết Tả Lèng",
        gtin="8934673577038",
        unit="gói 200 g",
        description="Mô tả nội bộ: giá nhập 120.000 đồng",
        ocop_stars=4,
        ocop_score="78.50",
        ocop_year=2024,
    )
    standard = StandardFactory(code="TCVN 11892-1:2017", title="Thực hành nông nghiệp tốt")
    InForceDeclarationFactory(
        enterprise=enterprise,
        standard=standard,
        products=[product],
        document_number="07/2025/CBTC",
        reason="Lý do nội bộ không công khai",
    )
    certificate = CertificateFactory(
        enterprise=enterprise,
        standard=standard,
        number="VG 2468/2025",
        scope="Trồng và chế biến chè",
        sites="Nhà máy riêng, kho số 3 bí mật",
        issued_on=datetime.date(2025, 1, 10),
        body=CertificationBodyFactory(name="Trung tâm Chứng nhận Phù hợp", acronym="QUACERT"),
    )
    location = LocationFactory(
        registration__enterprise=enterprise, name="Xưởng chè Bình Lư", address="Bản Nà Ngò"
    )
    lot = LotFactory(
        product=product,
        trace_code="K7M4Q-9P2XH",
        lot="2026-03A",
        produced_on=datetime.date(2026, 3, 15),
        best_before=datetime.date(2027, 3, 14),
        shelf_life="12 tháng",
        note="Ghi chú nội bộ: lô bị trả về một phần",
    )
    StageFactory(
        record=lot,
        position=1,
        what="Thu hái",
        where="Đồi chè Tả Lèng",
        started_on=datetime.date(2026, 3, 1),
        ended_on=datetime.date(2026, 3, 5),
    )
    StageFactory(record=lot, position=2, what="Sao, vò", location=location,
                 started_on=datetime.date(2026, 3, 6))  # fmt: skip
    StageFactory(record=lot, position=3, what="Đóng gói", started_on=datetime.date(2026, 3, 15))
    return {"product": product, "lot": lot, "certificate": certificate, "enterprise": enterprise}


def product_url(product) -> str:
    return reverse("public:product_page", args=[product.public_code])


def lot_url(lot) -> str:
    return reverse("public:lot_page", args=[lot.product.public_code, lot.trace_code])


# --- What it shows ------------------------------------------------------------------------------


def test_a_lots_page_shows_what_circular_02_asks(tea):
    response = Client().get(lot_url(tea["lot"]))

    assert response.status_code == 200
    html = response.text
    for shown in (
        "Chè Shan Tuyết Tả Lèng",  # product name
        "Công ty cổ phần Chè Tam Đường",  # producer
        "Bản Nà Ngò, xã Bình Lư, tỉnh Lai Châu",  # and address
        "8934673577038",  # GTIN
        "K7M4Q-9P2XH",  # trace code
        "2026-03A",  # lot
        "15/03/2026",  # production date
        "14/03/2027",  # best before
        "12 tháng",  # shelf life
        "Thu hái",  # stages: what
        "Đồi chè Tả Lèng",  # where (typed)
        "Xưởng chè Bình Lư, Bản Nà Ngò",  # where (a GLN of the enterprise)
        "01/03/2026 – 05/03/2026",  # when
        "TCVN 11892-1:2017",  # standard applied
        "07/2025/CBTC",  # declaration in force
        "VG 2468/2025",  # certificate valid today
        "Trung tâm Chứng nhận Phù hợp (QUACERT)",
        "Chứng chỉ còn hiệu lực hôm nay (01/12/2026)",
        "★★★★",  # OCOP stars
    ):
        assert shown in html, shown
    stages = html.split('id="lot-stages"')[1].split("</ol>")[0]
    assert stages.index("Thu hái") < stages.index("Sao, vò") < stages.index("Đóng gói")
    assert_csp_clean(html)


def test_the_product_page_lists_its_newest_published_lots(tea):
    product = tea["product"]
    LotFactory(product=product, lot="AN-1", is_published=False)
    newer = LotFactory(product=product, lot="2026-11B", produced_on=datetime.date(2026, 11, 2))

    html = Client().get(product_url(product)).text

    assert html.index("2026-11B") < html.index("2026-03A")
    assert reverse("public:lot_page", args=[product.public_code, newer.trace_code]) in html
    assert "AN-1" not in html
    assert "Ghi chú nội bộ" not in html


def test_nothing_private_is_shown(tea, personas):
    enterprise, product, lot = tea["enterprise"], tea["product"], tea["lot"]
    Declaration.objects.filter(pk__in=[
        InForceDeclarationFactory(enterprise=enterprise, products=[product], state=state,
                                  standard=StandardFactory(code=code), document_number=code).pk
        for state, code in ((DeclarationState.DRAFT, "NHAP-1"),
                            (DeclarationState.SUBMITTED, "CHO-XU-LY-2"),
                            (DeclarationState.REJECTED, "TU-CHOI-3"))
    ])  # fmt: skip
    InForceDeclarationFactory(  # expired
        enterprise=enterprise, products=[product], document_number="HET-HAN-4",
        standard=StandardFactory(code="HET-HAN-4"), valid_until=datetime.date(2026, 1, 1),
    )  # fmt: skip
    CertificateFactory(  # proposed by the enterprise, not verified
        enterprise=enterprise, standard=tea["certificate"].standard, number="DE-XUAT 9",
        review_state=ReviewState.PROPOSED, issued_on=datetime.date(2025, 1, 10),
    )  # fmt: skip
    CertificateFactory(  # suspended today
        enterprise=enterprise, standard=tea["certificate"].standard, number="DINH-CHI 8",
        issued_on=datetime.date(2025, 1, 10),
        events=[(CertificateEventKind.SUSPENDED, datetime.date(2026, 11, 1))],
    )  # fmt: skip
    CertificateFactory(  # another standard, no declaration of the product to it
        enterprise=enterprise, standard=StandardFactory(code="ISO 45001:2018"),
        number="KHAC 7", issued_on=datetime.date(2025, 1, 10),
    )  # fmt: skip
    for persona in ("anonymous", "officer", "ent_a"):
        client = personas[persona].client
        for url in (product_url(product), lot_url(lot)):
            html = client.get(url).text
            for private in (
                enterprise.tax_code,
                "0213 3876 111",
                "chetamduong@example.vn",
                "chetamduong.example.vn",
                "Lò Văn Thắng",
                "Giám đốc",
                "Mô tả nội bộ",
                "78,50",
                "78.50",
                "Ghi chú nội bộ",
                "kho số 3 bí mật",  # certificate sites
                "Lý do nội bộ",
                "NHAP-1",
                "CHO-XU-LY-2",
                "TU-CHOI-3",
                "HET-HAN-4",
                "DE-XUAT 9",
                "DINH-CHI 8",
                "KHAC 7",
                "/media/",
                "csrfmiddlewaretoken",
                "canbo",
                "doanhnghiep",
                "/chung-nhan/",  # no link into the portal's records
                "/doanh-nghiep/",
            ):
                assert private not in html, (persona, url, private)


def test_a_product_without_declarations_says_so(tea):
    product = TracedProductFactory(enterprise=tea["enterprise"], name="Mật ong bạc hà")
    html = Client().get(product_url(product)).text
    assert "Chưa có bản công bố tiêu chuẩn đang có hiệu lực" in html
    assert "VG 2468/2025" not in html  # the certificate concerns another product's standard


def test_the_page_is_in_english_when_asked(tea):
    response = Client().get(lot_url(tea["lot"]), {"lang": "en"})
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.text
    assert "Production stages" in response.text
    assert "Các công đoạn sản xuất" not in response.text
    # The Vietnamese page is not replaced by the English one in the cache.
    assert "Các công đoạn sản xuất" in Client().get(lot_url(tea["lot"])).text


# --- What it hides ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "value"),
    [("is_published", False), ("is_archived", True), ("enterprise_archived", True)],
)
def test_an_unpublished_or_archived_product_is_not_found(tea, change, value):
    product = tea["product"]
    if change == "enterprise_archived":
        EnterpriseFactory._meta.model.objects.filter(pk=product.enterprise_id).update(
            is_archived=True
        )
    else:
        type(product).objects.filter(pk=product.pk).update(**{change: value})

    for url in (product_url(product), lot_url(tea["lot"])):
        response = Client().get(url)
        assert response.status_code == 404
        assert "Chè Shan Tuyết" not in response.text
        assert "chưa công khai" in response.text


def test_an_unpublished_lot_is_not_found_but_links_to_its_product(tea):
    lot = tea["lot"]
    type(lot).objects.filter(pk=lot.pk).update(is_published=False)

    response = Client().get(lot_url(lot))

    assert response.status_code == 404
    assert "K7M4Q-9P2XH" in response.text  # what was asked for
    assert product_url(lot.product) in response.text


def test_another_products_lot_is_not_found(tea):
    other = TracedProductFactory()
    url = reverse("public:lot_page", args=[other.public_code, tea["lot"].trace_code])
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/truy-xuat/KHONG-CO/", "/truy-xuat/abc%00def/", "/truy-xuat/aaaa/<script>/",
     "/truy-xuat/" + "a" * 300 + "/"],
)  # fmt: skip
def test_odd_addresses_are_not_found_without_a_query(path):
    status, queries, _ = count_queries(Client(), path)
    assert status == 404
    assert queries == 0


# --- Headers, caching, limits -------------------------------------------------------------------


def test_the_page_is_the_same_for_everyone_and_sets_no_cookie(tea, personas):
    pages = {name: p.client.get(lot_url(tea["lot"])) for name, p in personas.items()}
    bodies = {r.content for r in pages.values()}
    assert len(bodies) == 1
    for response in pages.values():
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert "public" in response["Cache-Control"]
        assert "max-age=300" in response["Cache-Control"]


def test_a_fresh_cached_page_costs_no_query_and_a_checked_one_one(tea, monkeypatch):
    url = lot_url(tea["lot"])
    status, built, _ = count_queries(Client(), url)
    assert status == 200
    _, fresh, _ = count_queries(Client(), url)
    monkeypatch.setattr(public_products, "FRESH_SECONDS", 0)
    _, checked, sql = count_queries(Client(), url)

    # Built: the stamp, the product with its enterprise, the lot, its stages, the declarations
    # in force, the certificates valid today. Checked: the stamp only.
    assert (built, fresh, checked) == (6, 0, 1), sql


def test_the_queries_of_a_page_do_not_grow_with_its_lots_stages_and_declarations(tea):
    product, enterprise = tea["product"], tea["enterprise"]

    def grow(n: int) -> None:
        cache.clear()
        for _i in range(n):
            lot = LotFactory(product=product)
            StageFactory(record=lot, position=1)
            standard = StandardFactory(code=f"TCVN {lot.pk}:2020")
            InForceDeclarationFactory(enterprise=enterprise, products=[product], standard=standard)
            CertificateFactory(enterprise=enterprise, standard=standard,
                               issued_on=datetime.date(2025, 1, 10))  # fmt: skip

    counts = []
    for n in (1, 15):
        grow(n)
        counts.append([count_queries(Client(), url)[1] for url in
                       (lot_url(tea["lot"]), product_url(product))])  # fmt: skip
    # A lot's page as above; the product's: the newest lots instead of the lot and its stages.
    assert counts[0] == counts[1] == [6, 5]


@pytest.fixture
def checked_every_time(monkeypatch):
    monkeypatch.setattr(public_products, "FRESH_SECONDS", 0)


def test_a_changed_lot_shows_at_once(tea, officer, checked_every_time):
    lot = tea["lot"]
    assert "12 tháng" in Client().get(lot_url(lot)).text
    services.lot_update(
        lot_id=lot.pk,
        data={"shelf_life": "18 tháng"},
        stages=[{"what": "Thu hái"}],
        version=lot.version,
        user=officer,
    )
    html = Client().get(lot_url(lot)).text
    assert "18 tháng" in html
    assert "Sao, vò" not in html


def test_a_product_unpublished_disappears_at_once(tea, checked_every_time):
    product = tea["product"]
    assert Client().get(product_url(product)).status_code == 200
    product.is_published = False
    product.save()
    assert Client().get(product_url(product)).status_code == 404


def test_a_changed_certificate_or_declaration_shows_at_once(tea, officer, checked_every_time):
    from standards import services as standards_services

    url = product_url(tea["product"])
    assert "VG 2468/2025" in Client().get(url).text
    standards_services.certificate_set_archived(
        certificate_id=tea["certificate"].pk, archived=True, user=officer
    )
    assert "VG 2468/2025" not in Client().get(url).text

    declaration = Declaration.objects.get(document_number="07/2025/CBTC")
    declaration.is_archived = True
    declaration.save()
    assert "07/2025/CBTC" not in Client().get(url).text


def test_a_declaration_unlinked_from_the_product_leaves_its_page(tea, checked_every_time):
    url = product_url(tea["product"])
    assert "07/2025/CBTC" in Client().get(url).text
    declaration = Declaration.objects.get(document_number="07/2025/CBTC")
    declaration.products.remove(tea["product"])  # no save of the declaration
    assert "07/2025/CBTC" not in Client().get(url).text


def test_a_certificate_expiring_tonight_leaves_the_page_tomorrow(tea, monkeypatch):
    url = product_url(tea["product"])
    expiry = tea["certificate"].expires_on
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: expiry)
    assert "VG 2468/2025" in Client().get(url).text
    following = expiry + datetime.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: following)
    assert "VG 2468/2025" not in Client().get(url).text


def test_too_many_pages_from_one_address_get_a_429_in_vietnamese(tea, settings):
    settings.PORTAL_PUBLIC_PAGES_PER_HOUR = 3
    url = product_url(tea["product"])
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert "đã mở quá 3 trang truy xuất trong một giờ" in response.text
    assert "no-store" in response["Cache-Control"]
    # Another address is not held back; nor are unknown addresses spared.
    assert Client(REMOTE_ADDR="203.0.113.8").get(url).status_code == 200
    assert client.get("/01/8934673577045").status_code == 429


def test_signed_in_users_see_the_same_public_page(tea, ent_b):
    assert client_for(ent_b).get(lot_url(tea["lot"])).status_code == 200


def test_a_head_request_is_answered_and_a_post_refused(tea):
    url = product_url(tea["product"])
    assert Client().head(url).status_code == 200
    assert Client().post(url).status_code == 405
