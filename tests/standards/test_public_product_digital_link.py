"""GS1 Digital Link: /01/<GTIN> and /01/<GTIN>/10/<lot> resolve to the public pages, whatever
the GTIN's leading zeros; anything else is a helpful 404, never a 500."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from standards.selectors_public_products import gtin_forms
from tests.standards.factories_traceability import LotFactory, TracedProductFactory

pytestmark = pytest.mark.django_db

GTIN13 = "8934673577038"


@pytest.fixture
def tea():
    product = TracedProductFactory(name="Chè Shan Tuyết Tả Lèng", gtin=GTIN13)
    lot = LotFactory(product=product, lot="2026-03A", trace_code="K7M4Q-9P2XH")
    return product, lot


def get(path: str):
    return Client().get(path)


# --- GTINs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/01/{GTIN13}",
        f"/01/0{GTIN13}",  # GTIN-14 as GS1 Digital Link writes it
        f"/01/0{GTIN13}/",
        "/01/０８９３４６７３５７７０３８",  # full-width digits, as an IME types them
        f"/01/0{GTIN13}?linkType=gs1:pip",
        f"/01/0{GTIN13}/21/SERIAL-1",  # a serial number: pages are per product
    ],
)
def test_a_gtin_with_or_without_leading_zeros_opens_its_product(tea, path):
    response = get(path)
    assert response.status_code == 200
    assert "Chè Shan Tuyết Tả Lèng" in response.text
    assert (
        f'<link rel="canonical" href="http://127.0.0.1:8000/truy-xuat/{tea[0].public_code}/">'
        in (response.text)
    )


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        ("89346730", "89346730"),  # GTIN-8
        ("89346730", "00000089346730"),
        ("036000291452", "036000291452"),  # GTIN-12 (UPC-A)
        ("036000291452", "0036000291452"),
        ("036000291452", "00036000291452"),
        ("0036000291452", "036000291452"),  # a UPC stored as GTIN-13
        ("08934673577038", GTIN13),  # stored with 14 digits
    ],
)
def test_every_length_of_one_gtin_finds_the_stored_form(stored, asked):
    TracedProductFactory(name="Sản phẩm thử", gtin=stored)
    response = get(f"/01/{asked}")
    assert response.status_code == 200, asked
    assert "Sản phẩm thử" in response.text


def test_gtin_forms():
    assert gtin_forms("00000089346730") == (
        "00000089346730",
        "0000089346730",
        "000089346730",
        "89346730",
    )
    assert gtin_forms(GTIN13) == (f"0{GTIN13}", GTIN13)
    for bad in ("8934673577039", "893467357703", "123", "", "abc", "8934 6730", "٨٩٣٤٦٧٣٠"):
        assert gtin_forms(bad) is None, bad


# --- Lots ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lot", ["2026-03A", "2026-03a"])
def test_a_lot_opens_its_lots_page(tea, lot):
    response = get(f"/01/0{GTIN13}/10/{lot}")
    assert response.status_code == 200
    assert "K7M4Q-9P2XH" in response.text
    assert "Lô 2026-03A" in response.text


def test_a_lot_with_a_slash_is_found(tea):
    LotFactory(product=tea[0], lot="01/2026", trace_code="SLASH-0001")
    for path in (f"/01/0{GTIN13}/10/01/2026", f"/01/0{GTIN13}/10/01%2F2026/21/X1"):
        response = get(path)
        assert response.status_code == 200, path
        assert "SLASH-0001" in response.text


def test_an_unknown_or_unpublished_lot_is_a_404_with_the_product(tea):
    LotFactory(product=tea[0], lot="AN-1", is_published=False)
    for lot in ("KHONG-CO", "AN-1"):
        response = get(f"/01/0{GTIN13}/10/{lot}")
        assert response.status_code == 404
        assert f"Lô “{lot}” của sản phẩm này chưa được công khai" in response.text
        assert f"/truy-xuat/{tea[0].public_code}/" in response.text


# --- Not found ----------------------------------------------------------------------------------


def test_an_unknown_gtin_explains_what_a_gtin_is_and_where_to_check():
    response = get("/01/08934673577045")
    assert response.status_code == 404
    text = response.text
    assert "Sản phẩm có mã GTIN 08934673577045 chưa được công khai" in text
    assert "mã số thương phẩm toàn cầu" in text
    assert "Cổng thông tin mã số mã vạch quốc gia" in text
    assert "public" in response["Cache-Control"]


def test_an_unpublished_products_gtin_is_unknown_here(tea):
    type(tea[0]).objects.filter(pk=tea[0].pk).update(is_published=False)
    response = get(f"/01/{GTIN13}")
    assert response.status_code == 404
    assert "Chè Shan Tuyết" not in response.text


@pytest.mark.parametrize("gtin", ["8934673577039", "12345", "abc", "89346735770380000"])
def test_a_malformed_gtin_says_so(gtin):
    response = get(f"/01/{gtin}")
    assert response.status_code == 404
    assert f"“{gtin}” không phải là một mã số sản phẩm GTIN hợp lệ" in response.text


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    gtin=st.one_of(st.text(max_size=40), st.from_regex(r"0?[0-9]{7,14}", fullmatch=True)),
    lot=st.one_of(st.none(), st.text(max_size=60)),
    extra=st.sampled_from(["", "/", "/21/x", "/22/y/10/z", "?lang=en", "?lang=xx"]),
)
def test_no_digital_link_address_gives_a_server_error(tea, gtin, lot, extra):
    path = "/01/" + quote(gtin, safe="")
    if lot is not None:
        path += "/10/" + quote(lot, safe="")
    response = Client().get(path + extra)
    assert response.status_code in (200, 404), (path + extra, response.status_code)


def test_an_underscore_in_a_lot_is_a_character_not_a_wildcard(tea):
    LotFactory(product=tea[0], lot="L_1", trace_code="UNDER-0001")
    assert "UNDER-0001" in get(f"/01/{GTIN13}/10/l_1").text
    assert get(f"/01/{GTIN13}/10/LX1").status_code == 404


def test_the_stamp_is_found_by_code_or_by_any_number_of_gtin_forms(tea):
    from standards.selectors_public_products import page_stamp

    product, lot = tea
    by_code = page_stamp(public_code=product.public_code)
    assert by_code.product_id == product.pk
    assert page_stamp(gtins=("x", "y", GTIN13)).token == by_code.token
    assert page_stamp(gtins=(GTIN13,), lot="2026-03a").trace_code == lot.trace_code
    assert page_stamp(gtins=(GTIN13,), lot="NONE").trace_code == ""
    assert page_stamp(public_code="khongco") is None
