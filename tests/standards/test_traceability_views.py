"""Portal pages of lots, the QR codes of the public pages and the label sheet."""

import datetime
import io
import re

import pytest
import segno
from django.urls import reverse
from PIL import Image

from standards.models import TraceabilityRecord
from tests.conftest import client_for
from tests.helpers import assert_queries_constant, count_queries
from tests.standards.factories_traceability import (
    LocationFactory,
    LotFactory,
    StageFactory,
    TracedProductFactory,
)
from tests.test_permission_matrix import assert_csp_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(enterprise_a):
    return TracedProductFactory(
        enterprise=enterprise_a, name="Chè Shan Tuyết", gtin="8934673577038"
    )


def form_data(version: int | None = None, stages=(), **fields) -> dict:
    data = {
        "trace_code": "",
        "lot": "2026-03A",
        "produced_on": "15/03/2026",
        "best_before": "14/03/2027",
        "shelf_life": "12 tháng",
        "note": "",
        "is_published": "on",
        "stages-TOTAL_FORMS": str(len(stages) + 1),
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "30",
        **fields,
    }
    if version is not None:
        data["version"] = str(version)
    for i, stage in enumerate(stages):
        for name, value in stage.items():
            data[f"stages-{i}-{name}"] = value
    return data


STAGES = [
    {"what": "Thu hái", "where": "Đồi chè Tả Lèng", "started_on": "01/03/2026"},
    {"what": "Đóng gói", "started_on": "15/03/2026"},
]


# --- Lots ---------------------------------------------------------------------------------------


def test_an_enterprise_user_records_a_lot_with_its_stages(product, ent_a):
    client = client_for(ent_a)
    url = reverse("standards:lot_create", args=[product.pk])
    assert_csp_clean(client.get(url).text)

    response = client.post(url, form_data(stages=STAGES))

    record = TraceabilityRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    assert record.product == product
    assert record.lot == "2026-03A"
    assert record.best_before == datetime.date(2027, 3, 14)
    assert [(s.what, s.where) for s in record.stages.order_by("position")] == [
        ("Thu hái", "Đồi chè Tả Lèng"),
        ("Đóng gói", ""),
    ]


def test_a_forged_product_in_the_form_is_ignored(product, ent_a, enterprise_b):
    other = TracedProductFactory(enterprise=enterprise_b)
    client = client_for(ent_a)
    url = reverse("standards:lot_create", args=[product.pk])
    client.post(url, form_data(product=str(other.pk), version="7", id="3"))
    assert TraceabilityRecord.objects.get().product == product
    assert not other.lots.exists()


def test_refusals_are_shown_on_the_form(product, ent_a):
    client = client_for(ent_a)
    url = reverse("standards:lot_create", args=[product.pk])
    stages = [
        {"what": "Đóng gói", "started_on": "15/03/2026"},
        {"what": "Thu hái", "started_on": "01/03/2026"},
    ]
    response = client.post(url, form_data(stages=stages))
    assert response.status_code == 400
    assert "Hãy xếp các công đoạn theo thứ tự thời gian" in response.text
    response = client.post(url, form_data(best_before="01/01/2026"))
    assert "Hạn sử dụng (01/01/2026) trước ngày sản xuất (15/03/2026)." in response.text
    assert not TraceabilityRecord.objects.exists()


def test_a_stage_gln_of_another_enterprise_cannot_be_chosen(product, ent_a, enterprise_b):
    theirs = LocationFactory(registration__enterprise=enterprise_b)
    own = LocationFactory(registration__enterprise=product.enterprise, name="Xưởng Bình Lư")
    client = client_for(ent_a)
    url = reverse("standards:lot_create", args=[product.pk])
    page = client.get(url).text
    assert "Xưởng Bình Lư" in page
    assert theirs.gln not in page

    response = client.post(url, form_data(stages=[{"what": "Sấy", "location": str(theirs.pk)}]))
    assert response.status_code == 400
    assert not TraceabilityRecord.objects.exists()
    client.post(url, form_data(stages=[{"what": "Sấy", "location": str(own.pk)}]))
    assert TraceabilityRecord.objects.get().stages.get().location == own


def test_editing_keeps_the_trace_code_and_a_stale_form_gets_a_409(product, ent_a, officer):
    record = LotFactory(product=product, trace_code="TD-0001", lot="2026-03A")
    StageFactory(record=record, what="Thu hái")
    url = reverse("standards:lot_update", args=[record.pk])
    page = client_for(ent_a).get(url).text
    assert 'name="trace_code"' not in page
    assert "TD-0001" in page
    assert 'value="Thu hái"' in page

    data = form_data(
        version=1, stages=[{"what": "Thu hái"}, {"what": "Phơi"}], shelf_life="9 tháng"
    )
    data["stages-INITIAL_FORMS"] = "1"
    assert client_for(officer).post(url, data).status_code == 302
    stale = client_for(ent_a).post(url, {**data, "shelf_life": "6 tháng"})

    assert stale.status_code == 409
    assert 'id="edit-conflict"' in stale.text
    record.refresh_from_db()
    assert (record.version, record.shelf_life) == (2, "9 tháng")
    assert record.trace_code == "TD-0001"


def test_another_enterprises_lot_is_not_found(product, ent_b):
    record = LotFactory(product=product)
    client = client_for(ent_b)
    for name in ("lot_detail", "lot_update", "lot_publish", "lot_qr_png"):
        assert client.get(reverse(f"standards:{name}", args=[record.pk])).status_code == 404
    for name in ("lot_list", "lot_create", "product_qr_svg", "label_sheet"):
        assert client.get(reverse(f"standards:{name}", args=[product.pk])).status_code == 404
    assert client.post(reverse("standards:lot_unpublish", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.is_published


def test_a_lot_is_hidden_and_shown_again(product, ent_a):
    record = LotFactory(product=product)
    client = client_for(ent_a)
    client.post(reverse("standards:lot_unpublish", args=[record.pk]))
    record.refresh_from_db()
    assert not record.is_published
    detail = client.get(record.get_absolute_url()).text
    assert "không công khai" in detail
    client.post(reverse("standards:lot_publish", args=[record.pk]))
    record.refresh_from_db()
    assert record.is_published


def test_the_detail_shows_stages_public_address_and_history(product, ent_a):
    record = LotFactory(product=product, note="Ghi chú nội bộ")
    StageFactory(record=record, what="Thu hái", location=LocationFactory(
        registration__enterprise=product.enterprise, gln="8934600000017"))  # fmt: skip
    html = client_for(ent_a).get(record.get_absolute_url()).text
    assert "Thu hái" in html
    assert "GLN 8934600000017" in html
    assert f"http://127.0.0.1:8000/truy-xuat/{product.public_code}/{record.trace_code}/" in html
    assert "Ghi chú nội bộ" in html  # the enterprise sees its own note
    assert "Lịch sử thay đổi" in html
    assert_csp_clean(html)


def test_the_lot_list_queries_do_not_grow_with_its_lots(product, officer):
    client = client_for(officer)
    url = reverse("standards:lot_list", args=[product.pk])

    def add(n: int) -> None:
        for _ in range(n):
            StageFactory(record=LotFactory(product=product))

    assert_queries_constant(client, url, add)
    TracedProductFactory(enterprise=product.enterprise)  # another product's lots are not listed
    html = client.get(url).text
    assert html.count('href="/chung-nhan/lo/') == 20


def test_the_lot_list_finds_a_lot_by_its_number_or_trace_code(product, officer):
    LotFactory(product=product, lot="2026-03A", trace_code="AAAA-1111")
    LotFactory(product=product, lot="2026-04B", trace_code="BBBB-2222")
    client = client_for(officer)
    url = reverse("standards:lot_list", args=[product.pk])
    assert "2026-04B" not in client.get(url, {"q": "03a"}).text
    assert "2026-03A" not in client.get(url, {"q": "bbbb"}).text


# --- QR codes -----------------------------------------------------------------------------------


def png_modules(data: bytes, scale: int = 10, border: int = 4) -> list[list[int]]:
    """The dark (1) and light (0) modules of a QR code PNG, read at each module's centre."""
    image = Image.open(io.BytesIO(data)).convert("L")
    size = image.width // scale - 2 * border
    centre = [(border + i) * scale + scale // 2 for i in range(size)]
    return [[int(image.getpixel((x, y)) < 128) for x in centre] for y in centre]


def svg_modules(svg: str, border: int = 4) -> list[list[int]]:
    """The modules of segno's SVG path: "M4 4.5h7m1 0h2…" draws the dark runs row by row."""
    view = re.search(r'width="(\d+)"', svg)
    scale = int(re.search(r"scale\((\d+)\)", svg).group(1))
    size = int(view.group(1)) // scale - 2 * border
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    modules = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([-\d. ]+)", path):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            for column in range(int(x), int(x + numbers[0])):
                modules[int(y - 0.5) - border][column - border] = 1
            x += numbers[0]
    return modules


def expected_modules(url: str) -> list[list[int]]:
    return [list(row) for row in segno.make(url, error="m", micro=False).matrix]


def test_the_products_qr_codes_hold_its_public_address(product, ent_a, settings):
    settings.SITE_URL = "https://nsc.laichau.gov.vn"
    client = client_for(ent_a)
    expected = f"https://nsc.laichau.gov.vn/truy-xuat/{product.public_code}/"

    png = client.get(reverse("standards:product_qr_png", args=[product.pk]))
    svg = client.get(reverse("standards:product_qr_svg", args=[product.pk]))

    assert png["Content-Type"] == "image/png"
    assert f'filename="ma-qr-{product.public_code}.png"' in png["Content-Disposition"]
    assert png_modules(png.content) == expected_modules(expected)
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg_modules(svg.content.decode()) == expected_modules(expected)
    # And not, say, the address the user opened the portal with.
    assert png_modules(png.content) != expected_modules(
        f"http://testserver/truy-xuat/{product.public_code}/"
    )


def test_a_lots_qr_code_holds_its_lots_address(product, officer):
    record = LotFactory(product=product, trace_code="TD-0001")
    png = client_for(officer).get(reverse("standards:lot_qr_png", args=[record.pk]))
    expected = f"http://127.0.0.1:8000/truy-xuat/{product.public_code}/TD-0001/"
    assert png_modules(png.content) == expected_modules(expected)


# --- Labels -------------------------------------------------------------------------------------


def test_the_label_sheet_prints_the_chosen_number_of_labels(product, ent_a):
    record = LotFactory(product=product, lot="2026-03A", trace_code="TD-0001")
    client = client_for(ent_a)
    url = reverse("standards:label_sheet", args=[product.pk])

    response = client.get(url, {"lo": record.pk, "so-nhan": 30})

    html = response.text
    assert response.status_code == 200
    assert html.count('class="label"') == 30
    assert html.count('class="sheet"') == 2  # 24 on the first A4 sheet, 6 on the second
    assert html.count("Lô 2026-03A") == 30
    assert html.count("GTIN 8934673577038") == 30
    assert html.count('<svg viewBox="0 0 ') == 30
    assert f"/truy-xuat/{product.public_code}/TD-0001/" in html
    assert_csp_clean(html)


@pytest.mark.parametrize(
    ("asked", "shown"), [("", 24), ("0", 1), ("-5", 1), ("9999", 240), ("x", 24)]
)
def test_the_label_count_is_bounded(product, ent_a, asked, shown):
    url = reverse("standards:label_sheet", args=[product.pk])
    html = client_for(ent_a).get(url, {"so-nhan": asked}).text
    assert html.count('class="label"') == shown


def test_a_label_sheet_of_another_products_lot_is_not_found(product, ent_a):
    other = LotFactory(product=TracedProductFactory(enterprise=product.enterprise))
    url = reverse("standards:label_sheet", args=[product.pk])
    assert client_for(ent_a).get(url, {"lo": other.pk}).status_code == 404
    assert client_for(ent_a).get(url, {"lo": "1 OR 1=1"}).status_code == 404


def test_the_label_sheet_costs_the_same_for_any_number_of_labels(product, ent_a):
    url = reverse("standards:label_sheet", args=[product.pk])
    client = client_for(ent_a)
    counts = {n: count_queries(client, f"{url}?so-nhan={n}")[1] for n in (1, 240)}
    assert counts[1] == counts[240]
