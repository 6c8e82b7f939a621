"""Products: GTINs checked against the enterprise's own prefixes, every refusal of the services
(forged fields of an enterprise user included), versions and history, images (checked by content,
served publicly only once published), the list and detail pages with their query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laichau_nsc.editing import EditConflictError
from standards import services_products as services
from standards.choices import DeclarationState, StandardKind
from standards.models import Declaration, Product, TraceabilityRecord
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import assert_queries_constant
from tests.standards.factories import StandardFactory
from tests.standards.factories_products import (
    BarcodeRegistrationFactory,
    ProductFactory,
    corrupt,
    gtin13,
)
from tests.test_files import jpeg_bytes, pdf_bytes, png_bytes, upload

D = datetime.date
TODAY = D(2026, 11, 30)
pytestmark = pytest.mark.django_db

#: Vinamilk's Ông Thọ condensed milk (prefix 893467): a real, published GTIN-13.
ONG_THO = "8934673577038"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def prefix_a(enterprise_a):
    return BarcodeRegistrationFactory(enterprise=enterprise_a, prefix="8934673")


@pytest.fixture
def prefix_b(enterprise_b):
    return BarcodeRegistrationFactory(enterprise=enterprise_b, prefix="8936091")


def data(**changes):
    return {"name": "Sữa đặc Ông Thọ 380 g", "category": "processed_food", **changes}


def messages_of(caught: pytest.ExceptionInfo) -> str:
    return " ".join(caught.value.messages)


def refused(enterprise, user, **changes) -> str:
    with pytest.raises(ValidationError) as caught:
        services.product_create(enterprise=enterprise, data=data(**changes), user=user)
    return messages_of(caught)


# --- GTINs against prefixes ------------------------------------------------------------------


def test_a_gtin13_under_the_enterprises_prefix_is_recorded_under_it(ent_a, enterprise_a, prefix_a):
    product = services.product_create(
        enterprise=enterprise_a, data=data(gtin="893 4673 57703 8"), user=ent_a
    )
    assert product.gtin == ONG_THO
    assert product.barcode_registration == prefix_a
    assert product.history.get().history_user == ent_a


def test_the_longest_own_prefix_is_the_one(officer, enterprise_a):
    BarcodeRegistrationFactory(enterprise=enterprise_a, prefix="8936091")
    longer = BarcodeRegistrationFactory(enterprise=enterprise_a, prefix="893609222")
    product = services.product_create(
        enterprise=enterprise_a, data=data(gtin=gtin13("893609222", 7)), user=officer
    )
    assert product.barcode_registration == longer


def test_a_wrong_check_digit_names_the_right_one(ent_a, enterprise_a, prefix_a):
    message = refused(enterprise_a, ent_a, gtin=corrupt(ONG_THO))
    assert "chữ số cuối phải là 8" in message
    assert f"mã đúng là {ONG_THO}" in message
    assert not Product.objects.exists()


def test_a_gtin_outside_the_enterprises_prefixes_lists_them(ent_a, enterprise_a, prefix_a):
    message = refused(enterprise_a, ent_a, gtin="4006381333931")
    assert "không bắt đầu bằng mã doanh nghiệp GS1 nào của doanh nghiệp" in message
    assert "8934673" in message


def test_an_enterprise_without_prefixes_is_told_to_register_one(ent_a, enterprise_a):
    message = refused(enterprise_a, ent_a, gtin=ONG_THO)
    assert "chưa có mã doanh nghiệp GS1 nào" in message


def test_a_gtin_under_another_enterprises_prefix_is_refused(
    officer, ent_a, enterprise_a, prefix_a, prefix_b
):
    gtin = gtin13("8936091", 12)
    message = refused(enterprise_a, ent_a, gtin=gtin)
    assert "thuộc mã doanh nghiệp GS1 8936091, đã cấp cho doanh nghiệp khác" in message
    assert prefix_b.enterprise.name not in message  # an enterprise user is not told whose
    assert prefix_b.enterprise.name in refused(enterprise_a, officer, gtin=gtin)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"revoked_on": D(2025, 1, 1)}, "đã bị thu hồi ngày 01/01/2025"),
        ({"is_archived": True}, "đã lưu trữ"),
    ],
)
def test_a_revoked_or_archived_own_prefix_numbers_nothing_new(
    changes, expected, ent_a, enterprise_a
):
    BarcodeRegistrationFactory(enterprise=enterprise_a, prefix="8934673", **changes)
    assert expected in refused(enterprise_a, ent_a, gtin=ONG_THO)


def test_a_revocation_in_the_future_does_not_stop_numbering(ent_a, enterprise_a):
    BarcodeRegistrationFactory(
        enterprise=enterprise_a, prefix="8934673", revoked_on=D(2026, 12, 31)
    )
    services.product_create(enterprise=enterprise_a, data=data(gtin=ONG_THO), user=ent_a)


@pytest.mark.parametrize(
    "typed", [ONG_THO, "８９３４６７３５７７０３８", "0" + ONG_THO, "893-4673-577038"]
)
def test_a_gtin_is_unique_however_it_is_typed(typed, ent_a, enterprise_a, prefix_a):
    ProductFactory(
        enterprise=enterprise_a, name="Sữa cũ", gtin=ONG_THO, barcode_registration=prefix_a
    )
    message = refused(enterprise_a, ent_a, gtin=typed)
    assert f"Mã GTIN {ONG_THO} đã được dùng cho sản phẩm “Sữa cũ”" in message
    assert Product.objects.count() == 1


def test_an_archived_product_keeps_its_gtin(ent_a, enterprise_a, prefix_a):
    ProductFactory(
        enterprise=enterprise_a, gtin=ONG_THO, barcode_registration=prefix_a, is_archived=True
    )
    assert "đang lưu trữ" in refused(enterprise_a, ent_a, gtin=ONG_THO)


def test_a_duplicate_of_another_enterprise_is_not_named_to_an_enterprise_user(
    ent_a, enterprise_a, enterprise_b, prefix_a
):
    # Only possible through data recorded outside the services (an import): still caught.
    ProductFactory(enterprise=enterprise_b, name="Bí mật", gtin=ONG_THO)
    message = refused(enterprise_a, ent_a, gtin=ONG_THO)
    assert "một sản phẩm của doanh nghiệp khác" in message
    assert "Bí mật" not in message


def test_a_gtin8_is_recorded_under_the_chosen_own_registration(ent_a, enterprise_a, prefix_a):
    gtin8 = "89312346"
    message = refused(enterprise_a, ent_a, gtin=gtin8)
    assert "hãy chọn mã doanh nghiệp GS1" in message
    product = services.product_create(
        enterprise=enterprise_a, data=data(gtin=gtin8, barcode_registration=prefix_a), user=ent_a
    )
    assert (product.gtin, product.barcode_registration) == (gtin8, prefix_a)


def test_a_gtin8_not_from_gs1_viet_nam_is_refused(ent_a, enterprise_a, prefix_a):
    message = refused(enterprise_a, ent_a, gtin="96385074", barcode_registration=prefix_a)
    assert "phải bắt đầu bằng 893" in message


def test_a_chosen_registration_must_match_the_gtin13(officer, enterprise_a, prefix_a):
    other_own = BarcodeRegistrationFactory(enterprise=enterprise_a, prefix="8936099")
    message = refused(enterprise_a, officer, gtin=ONG_THO, barcode_registration=other_own)
    assert "thuộc mã doanh nghiệp 8934673, không phải 8936099" in message


# --- Forged fields, other enterprises, leaders -------------------------------------------------


@pytest.mark.parametrize(
    "forged",
    [
        {"enterprise": "enterprise_b"},
        {"is_archived": True},
        {"ocop_stars": 5, "ocop_score": 95, "ocop_year": 2024},
        {"public_code": "abc"},
        {"version": 7},
    ],
)
def test_an_enterprise_user_cannot_set_forbidden_fields(forged, request, ent_a, enterprise_a):
    forged = {
        k: request.getfixturevalue(v) if v == "enterprise_b" else v for k, v in forged.items()
    }
    with pytest.raises(ValidationError) as caught:
        services.product_create(enterprise=enterprise_a, data=data(**forged), user=ent_a)
    assert "Không được phép đặt các trường" in messages_of(caught)
    assert not Product.objects.exists()


def test_an_enterprise_user_cannot_use_another_enterprises_prefix(
    ent_a, enterprise_a, prefix_a, prefix_b
):
    message = refused(enterprise_a, ent_a, gtin="89312346", barcode_registration=prefix_b)
    assert "không thuộc doanh nghiệp này" in message
    product = ProductFactory(enterprise=enterprise_a)
    with pytest.raises(ValidationError):
        services.product_update(
            product_id=product.pk,
            data={"name": "X", "barcode_registration": prefix_b},
            version=1,
            user=ent_a,
        )


def test_an_enterprise_user_cannot_touch_another_enterprises_products(ent_a, enterprise_b, leader):
    product = ProductFactory(enterprise=enterprise_b)
    with pytest.raises(PermissionDenied):
        services.product_create(enterprise=enterprise_b, data=data(), user=ent_a)
    with pytest.raises(PermissionDenied):
        services.product_update(product_id=product.pk, data={"name": "X"}, version=1, user=ent_a)
    with pytest.raises(PermissionDenied):
        services.product_set_archived(product_id=product.pk, archived=True, user=ent_a)
    with pytest.raises(PermissionDenied):
        services.product_update(product_id=product.pk, data={"name": "X"}, version=1, user=leader)
    product.refresh_from_db()
    assert (product.version, product.is_archived) == (1, False)


def test_the_form_ignores_forged_fields(ent_a, enterprise_a, enterprise_b, prefix_a):
    url = reverse("standards:product_create", args=[enterprise_a.pk])
    forged = {
        "enterprise": enterprise_b.pk,
        "is_archived": "on",
        "ocop_stars": "5",
        "ocop_score": "99",
        "ocop_year": "2024",
        "public_code": "chon-ma",
        "version": "9",
    }
    response = client_for(ent_a).post(url, {**data(gtin=ONG_THO), **forged})
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.enterprise == enterprise_a
    assert (product.is_archived, product.ocop_stars, product.version) == (False, None, 1)
    assert product.public_code != "chon-ma"


def test_the_form_offers_only_own_prefixes(ent_a, enterprise_a, prefix_a, prefix_b):
    url = reverse("standards:product_create", args=[enterprise_a.pk])
    response = client_for(ent_a).get(url)
    offered = list(response.context["form"].fields["barcode_registration"].queryset)
    assert offered == [prefix_a]
    posted = {**data(gtin="89312346"), "barcode_registration": prefix_b.pk}
    response = client_for(ent_a).post(url, posted)
    assert response.status_code == 200
    assert not Product.objects.exists()


# --- OCOP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ocop", "expected"),
    [
        ({"ocop_stars": 4}, "cần đủ ba thông tin"),
        ({"ocop_stars": 4, "ocop_score": 65, "ocop_year": 2023}, "ứng với hạng 3 sao, không phải"),
        ({"ocop_stars": 5, "ocop_score": 89.5, "ocop_year": 2023}, "ứng với hạng 4 sao"),
        ({"ocop_stars": 3, "ocop_score": 60, "ocop_year": 2027}, "từ 2013 đến 2026"),
        ({"ocop_stars": 6, "ocop_score": 95, "ocop_year": 2023}, "từ 1 đến 5 sao"),
        ({"ocop_stars": 5, "ocop_score": 101, "ocop_year": 2023}, "từ 0 đến 100"),
    ],
)
def test_ocop_ratings_are_checked(ocop, expected, officer, enterprise_a):
    assert expected in refused(enterprise_a, officer, **ocop)


def test_an_officer_records_an_ocop_rating(officer, enterprise_a):
    product = services.product_create(
        enterprise=enterprise_a,
        data=data(ocop_stars=4, ocop_score=89.5, ocop_year=2023),
        user=officer,
    )
    assert product.ocop_stars == 4


# --- Edits, archive, history ---------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_the_page_shows_it(ent_a, enterprise_a, officer):
    product = ProductFactory(enterprise=enterprise_a)
    services.product_update(product_id=product.pk, data={"unit": "gói"}, version=1, user=officer)
    with pytest.raises(EditConflictError):
        services.product_update(product_id=product.pk, data={"name": "X"}, version=1, user=ent_a)
    url = reverse("standards:product_update", args=[product.pk])
    response = client_for(ent_a).post(
        url, {"name": "Chè mới", "category": "tea", "unit": "hộp 200 g", "version": 1}
    )
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác sửa" in response.text
    product.refresh_from_db()
    assert (product.name, product.unit, product.version) == (product.name, "gói", 2)
    assert product.name != "Chè mới"


def test_a_revoked_prefix_does_not_stop_other_edits(ent_a, enterprise_a, prefix_a):
    product = services.product_create(enterprise=enterprise_a, data=data(gtin=ONG_THO), user=ent_a)
    prefix_a.revoked_on = D(2026, 1, 1)
    prefix_a.save()
    services.product_update(
        product_id=product.pk, data={"name": "Sữa đặc 1 kg", "gtin": ONG_THO}, version=1, user=ent_a
    )
    with pytest.raises(ValidationError) as caught:
        services.product_update(
            product_id=product.pk, data={"gtin": gtin13("8934673", 99)}, version=2, user=ent_a
        )
    assert "đã bị thu hồi" in messages_of(caught)


def test_removing_the_gtin_removes_the_registration(ent_a, enterprise_a, prefix_a):
    product = services.product_create(enterprise=enterprise_a, data=data(gtin=ONG_THO), user=ent_a)
    product = services.product_update(
        product_id=product.pk, data={"gtin": ""}, version=1, user=ent_a
    )
    assert (product.gtin, product.barcode_registration) == ("", None)


def test_archive_then_restore_with_history(ent_a, enterprise_a):
    product = ProductFactory(enterprise=enterprise_a)
    client = client_for(ent_a)
    assert client.post(reverse("standards:product_archive", args=[product.pk])).status_code == 302
    product.refresh_from_db()
    assert product.is_archived
    assert client.get(reverse("standards:product_update", args=[product.pk])).status_code == 403
    with pytest.raises(ValidationError):
        services.product_update(product_id=product.pk, data={"name": "X"}, version=2, user=ent_a)
    client.post(reverse("standards:product_restore", args=[product.pk]))
    product.refresh_from_db()
    assert not product.is_archived
    page = client.get(product.get_absolute_url()).text
    assert "Đã lưu trữ" in page  # the history names the field that changed


# --- Images --------------------------------------------------------------------------------------


def test_an_image_is_checked_by_its_content(ent_a, enterprise_a):
    url = reverse("standards:product_create", args=[enterprise_a.pk])
    client = client_for(ent_a)
    response = client.post(url, {**data(), "image_upload": upload(pdf_bytes(), "anh.png")})
    assert response.status_code == 200
    assert "chỉ nhận tệp JPEG hoặc PNG" in response.text
    spoof = b"<html><script>alert(1)</script></html>"
    response = client.post(url, {**data(), "image_upload": upload(spoof, "anh.jpg")})
    assert response.status_code == 200
    assert not Product.objects.exists()
    response = client.post(url, {**data(), "image_upload": upload(jpeg_bytes(), "anh.png")})
    assert response.status_code == 302
    assert Product.objects.get().image.name.endswith(".jpg")  # named after its content


def test_the_service_refuses_a_pdf_as_an_image(ent_a, enterprise_a):
    with pytest.raises(ValidationError) as caught:
        services.product_create(
            enterprise=enterprise_a, data=data(), user=ent_a, image=upload(pdf_bytes())
        )
    assert "JPEG hoặc PNG" in messages_of(caught)


def test_a_replaced_image_is_deleted_once_committed(
    ent_a, enterprise_a, django_capture_on_commit_callbacks
):
    product = services.product_create(
        enterprise=enterprise_a, data=data(), user=ent_a, image=upload(png_bytes(), "a.png")
    )
    storage, old = product.image.storage, product.image.name
    with django_capture_on_commit_callbacks(execute=True):
        product = services.product_update(
            product_id=product.pk, data={}, version=1, user=ent_a, image=upload(jpeg_bytes(), "b")
        )
    assert not storage.exists(old)
    assert storage.exists(product.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        product = services.product_update(
            product_id=product.pk, data={}, version=2, user=ent_a, remove_image=True
        )
    assert not product.image


def _product_with_image(officer, enterprise, **fields) -> Product:
    product = ProductFactory(enterprise=enterprise, **fields)
    services.product_update(
        product_id=product.pk, data={}, version=1, user=officer, image=upload(png_bytes(), "a")
    )
    product.refresh_from_db()
    return product


def test_a_published_products_image_is_public_and_cached(client, officer, enterprise_b):
    product = _product_with_image(officer, enterprise_b, is_published=True)
    url = product.get_image_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_an_unpublished_or_archived_products_image_is_private(
    client, officer, ent_a, ent_b, enterprise_b
):
    product = _product_with_image(officer, enterprise_b)
    url = reverse("standards:product_image", args=[product.pk])
    assert client.get(url).status_code == 404  # anonymous: not even a login page
    assert client_for(ent_a).get(url).status_code == 404
    own = client_for(ent_b).get(url)
    assert own.status_code == 200
    assert "private" in own["Cache-Control"]
    # An archived product is no longer public even if it was published.
    Product.objects.filter(pk=product.pk).update(is_published=True, is_archived=True)
    assert client.get(url).status_code == 404
    # The ETag does not open the door either.
    assert client.get(url, HTTP_IF_NONE_MATCH=own["ETag"]).status_code == 404


def test_no_image_is_a_404(officer):
    product = ProductFactory()
    url = reverse("standards:product_image", args=[product.pk])
    assert client_for(officer).get(url).status_code == 404


# --- Lists and detail ----------------------------------------------------------------------------

LIST = reverse("standards:product_list")


def names(response) -> set[str]:
    return {row.record.name for row in response.context["table"].page.object_list}


def test_list_query_count_is_flat(officer):
    makers = EnterpriseFactory.create_batch(3)
    counter = iter(range(1, 10_000))

    def add(n):
        for i in range(n):
            ProductFactory(
                enterprise=makers[i % 3],
                gtin_item=next(counter),
                ocop_stars=None,
                is_published=True,
            )

    client = client_for(officer)
    client.get(LIST)  # warms the cached catalogues (units, sectors) of the filters
    assert_queries_constant(client, f"{LIST}?has_gtin=yes&published=yes&sort=-gtin", add)
    assert_queries_constant(client, LIST, add)


def test_list_filters(officer, enterprise_a, prefix_a):
    shan = ProductFactory(
        enterprise=enterprise_a,
        name="Chè Shan tuyết",
        gtin=ONG_THO,
        barcode_registration=prefix_a,
        ocop_stars=4,
        ocop_score=80,
        ocop_year=2023,
        is_published=True,
    )
    ProductFactory(name="Gạo Séng Cù", category="agriculture")
    standard = StandardFactory(code="TCVN 9740:2013", kind=StandardKind.NATIONAL_STANDARD)
    declaration = Declaration.objects.create(
        enterprise=enterprise_a,
        kind="applied_standard",
        standard=standard,
        state=DeclarationState.RECORDED,
        effective_on=D(2024, 1, 1),
    )
    declaration.products.add(shan)
    client = client_for(officer)
    assert names(client.get(LIST)) == {"Chè Shan tuyết", "Gạo Séng Cù"}
    assert names(client.get(LIST, {"q": "che shan"})) == {"Chè Shan tuyết"}  # no diacritics
    assert names(client.get(LIST, {"q": "893 4673"})) == {"Chè Shan tuyết"}  # GTIN digits
    assert names(client.get(LIST, {"q": "tam duong"})) == {"Chè Shan tuyết"}  # the enterprise
    assert names(client.get(LIST, {"has_gtin": "no"})) == {"Gạo Séng Cù"}
    assert names(client.get(LIST, {"ocop": "4"})) == {"Chè Shan tuyết"}
    assert names(client.get(LIST, {"ocop": "any"})) == {"Chè Shan tuyết"}
    assert names(client.get(LIST, {"published": "no"})) == {"Gạo Séng Cù"}
    assert names(client.get(LIST, {"declared": "yes"})) == {"Chè Shan tuyết"}
    assert names(client.get(LIST, {"category": "agriculture"})) == {"Gạo Séng Cù"}
    assert names(client.get(LIST, {"enterprise": enterprise_a.pk})) == {"Chè Shan tuyết"}
    assert names(client.get(LIST, {"barcode_registration": prefix_a.pk})) == {"Chè Shan tuyết"}
    # The declaration lapses: the product is no longer "declared".
    Declaration.objects.filter(pk=declaration.pk).update(valid_until=D(2026, 11, 29))
    assert names(client.get(LIST, {"declared": "yes"})) == set()


def test_enterprise_user_lists_its_own_products_only(ent_a, enterprise_a, enterprise_b):
    ProductFactory(enterprise=enterprise_a, name="Của A")
    ProductFactory(enterprise=enterprise_b, name="Của B")
    client = client_for(ent_a)
    assert names(client.get(LIST)) == {"Của A"}
    # Naming B in the query shows nothing of B, not even its name.
    response = client.get(LIST, {"enterprise": enterprise_b.pk})
    assert names(response) == set()
    assert enterprise_b.name not in response.text


def test_detail_shows_gtin_prefix_ocop_declarations_and_lots_with_a_flat_count(
    officer, enterprise_a, prefix_a
):
    product = ProductFactory(
        enterprise=enterprise_a,
        gtin=ONG_THO,
        barcode_registration=prefix_a,
        ocop_stars=4,
        ocop_score=78,
        ocop_year=2023,
    )
    standard = StandardFactory(code="TCVN 5539:2002", kind=StandardKind.NATIONAL_STANDARD)
    counter = iter(range(10_000))

    def add(n):
        for _ in range(n):
            i = next(counter)
            TraceabilityRecord.objects.create(
                product=product, trace_code=f"TX{i:05d}", lot=f"L{i}", produced_on=D(2026, 1, 1)
            )
            declaration = Declaration.objects.create(
                enterprise=enterprise_a,
                kind="applied_standard",
                standard=standard,
                state=DeclarationState.RECORDED,
                effective_on=D(2025, 1, 1),
            )
            declaration.products.add(product)

    url = product.get_absolute_url()
    assert_queries_constant(client_for(officer), url, add)
    add(1)
    text = client_for(officer).get(url).text
    assert ONG_THO in text
    assert "8934673" in text
    assert "4 sao, 78 điểm, công nhận năm 2023" in text
    assert "TCVN 5539:2002" in text
    assert "Đang hiện 20 lô sản xuất gần nhất" in text


def test_leader_reads_but_sees_no_change_buttons(leader, enterprise_b):
    product = ProductFactory(enterprise=enterprise_b)
    page = client_for(leader).get(product.get_absolute_url()).text
    assert reverse("standards:product_update", args=[product.pk]) not in page
    assert reverse("standards:product_archive", args=[product.pk]) not in page


def test_changing_a_gtin13_to_another_own_prefix_through_the_form(ent_a, enterprise_a, prefix_a):
    other_own = BarcodeRegistrationFactory(enterprise=enterprise_a, prefix="8936099")
    product = services.product_create(enterprise=enterprise_a, data=data(gtin=ONG_THO), user=ent_a)
    url = reverse("standards:product_update", args=[product.pk])
    form = client_for(ent_a).get(url).context["form"]
    assert form["barcode_registration"].value() is None  # not pinned to the current prefix
    posted = {**data(gtin=gtin13("8936099", 4)), "barcode_registration": "", "version": 1}
    assert client_for(ent_a).post(url, posted).status_code == 302
    product.refresh_from_db()
    assert product.barcode_registration == other_own


def test_the_form_takes_a_gtin_typed_in_groups(ent_a, enterprise_a, prefix_a):
    url = reverse("standards:product_create", args=[enterprise_a.pk])
    response = client_for(ent_a).post(url, data(gtin="８９３ ４６７３ ５７７０３ ８"))
    assert response.status_code == 302
    assert Product.objects.get().gtin == ONG_THO
    response = client_for(ent_a).post(url, data(name="Khác", gtin="893 4673 57703 9"))
    assert response.status_code == 200
    assert "chữ số cuối phải là 8" in response.text


def test_names_sort_in_vietnamese_order(officer):
    for name in ("Đường phèn", "Chè xanh", "Ẩm thực", "Dưa"):
        ProductFactory(name=name)
    rows = client_for(officer).get(LIST).context["table"].page.object_list
    # Byte order would put "Ẩm thực" last and "Đường" after "Dưa" only by accident.
    assert [row.record.name for row in rows] == ["Ẩm thực", "Chè xanh", "Dưa", "Đường phèn"]
    rows = client_for(officer).get(LIST, {"sort": "-name"}).context["table"].page.object_list
    assert [row.record.name for row in rows] == ["Đường phèn", "Dưa", "Chè xanh", "Ẩm thực"]


def test_an_archived_enterprise_gets_no_new_or_restored_products(ent_a, officer, enterprise_a):
    product = ProductFactory(enterprise=enterprise_a, is_archived=True)
    enterprise_a.is_archived = True
    enterprise_a.save()
    with pytest.raises(ValidationError) as caught:
        services.product_create(enterprise=enterprise_a, data=data(), user=officer)
    assert "đã lưu trữ" in messages_of(caught)
    with pytest.raises(ValidationError):
        services.product_set_archived(product_id=product.pk, archived=False, user=officer)
    assert Product.objects.get().is_archived


def test_a_gtin_taken_meanwhile_is_a_refusal_not_a_server_error(
    monkeypatch, ent_a, enterprise_a, prefix_a
):
    ProductFactory(enterprise=enterprise_a, gtin=ONG_THO, barcode_registration=prefix_a)
    # As if another request had saved it between this one's check and its save.
    monkeypatch.setattr(services, "_check_duplicate_gtin", lambda *args, **kwargs: None)
    monkeypatch.setattr(Product, "validate_constraints", lambda *args, **kwargs: None)
    with pytest.raises(ValidationError) as caught:
        services.product_create(enterprise=enterprise_a, data=data(gtin=ONG_THO), user=ent_a)
    assert "vừa được ghi nhận cho hồ sơ khác" in messages_of(caught)
    assert Product.objects.count() == 1
