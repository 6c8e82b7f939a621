"""Barcode registrations (GS1 company prefixes), their fees and GLNs: the services' refusals,
the status derived from fees and revocation (never typed), the pages with their query counts,
the export."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from laichau_nsc.editing import EditConflictError
from standards import services_products as services
from standards.choices import BarcodeStatus
from standards.models import BarcodeExportJob, BarcodeFee, BarcodeRegistration, LocationNumber
from standards.models.products import fee_year_due_on
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import assert_queries_constant
from tests.standards.factories_products import (
    BarcodeFeeFactory,
    BarcodeRegistrationFactory,
    LocationNumberFactory,
    ProductFactory,
    corrupt,
    gtin13,
)

D = datetime.date
TODAY = D(2026, 11, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def data(**changes):
    return {"prefix": "8936091", "registered_on": D(2019, 5, 10), **changes}


def messages_of(caught: pytest.ExceptionInfo) -> str:
    return " ".join(caught.value.messages)


# --- Recording a prefix ------------------------------------------------------------------------


def test_officer_records_a_prefix_typed_as_people_type_it(officer, enterprise_a):
    registration = services.barcode_registration_create(
        enterprise=enterprise_a, data=data(prefix="８９３ 6091"), user=officer
    )
    assert registration.prefix == "8936091"
    assert registration.capacity == 100_000
    assert registration.history.get().history_user == officer


@pytest.mark.parametrize("persona", ["leader", "ent_a"])
def test_only_officers_record_prefixes(persona, request, enterprise_a):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.barcode_registration_create(enterprise=enterprise_a, data=data(), user=user)
    assert not BarcodeRegistration.objects.exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"prefix": "893609"}, "4 đến 7 chữ số"),
        ({"prefix": "4006381"}, "phải bắt đầu bằng 893"),
        ({"registered_on": D(2027, 1, 1)}, "Ngày cấp không thể ở tương lai"),
        ({"revoked_on": D(2019, 1, 1)}, "Ngày thu hồi không thể trước ngày cấp"),
        ({"revoked_on": D(2027, 1, 1)}, "Ngày thu hồi không thể ở tương lai"),
    ],
)
def test_bad_prefix_records_are_refused(changes, expected, officer, enterprise_a):
    with pytest.raises(ValidationError) as caught:
        services.barcode_registration_create(
            enterprise=enterprise_a, data=data(**changes), user=officer
        )
    assert expected in messages_of(caught)
    assert not BarcodeRegistration.objects.exists()


@pytest.mark.parametrize(
    ("existing", "new", "expected"),
    [
        ("8936091", "8936091", "đã được ghi nhận cho"),
        ("8936091", "89360912", "chồng lên mã 8936091"),  # the new one is inside the old
        ("89360912", "8936091", "chồng lên mã 89360912"),  # the old one is inside the new
    ],
)
def test_overlapping_prefixes_are_refused(existing, new, expected, officer, enterprise_a):
    other = BarcodeRegistrationFactory(prefix=existing, enterprise=EnterpriseFactory(name="HTX B"))
    with pytest.raises(ValidationError) as caught:
        services.barcode_registration_create(
            enterprise=enterprise_a, data=data(prefix=new), user=officer
        )
    assert expected in messages_of(caught)
    assert "HTX B" in messages_of(caught)
    assert list(BarcodeRegistration.objects.all()) == [other]


def test_a_neighbouring_prefix_does_not_overlap(officer, enterprise_a):
    BarcodeRegistrationFactory(prefix="8936091")
    services.barcode_registration_create(
        enterprise=enterprise_a, data=data(prefix="89360921"), user=officer
    )
    assert BarcodeRegistration.objects.count() == 2


def test_forged_fields_and_archived_enterprises_are_refused(officer, enterprise_a, enterprise_b):
    with pytest.raises(ValidationError) as caught:
        services.barcode_registration_create(
            enterprise=enterprise_a, data=data(enterprise=enterprise_b), user=officer
        )
    assert "enterprise" in messages_of(caught)
    enterprise_a.is_archived = True
    enterprise_a.save()
    with pytest.raises(ValidationError):
        services.barcode_registration_create(enterprise=enterprise_a, data=data(), user=officer)
    assert not BarcodeRegistration.objects.exists()


def test_a_stale_edit_is_refused(officer):
    registration = BarcodeRegistrationFactory()
    services.barcode_registration_update(
        registration_id=registration.pk,
        data={"declared_on_national_db": True},
        version=1,
        user=officer,
    )
    with pytest.raises(EditConflictError) as conflict:
        services.barcode_registration_update(
            registration_id=registration.pk, data={"note": "x"}, version=1, user=officer
        )
    assert [c.field for c in conflict.value.changes] == ["declared_on_national_db"]


def test_the_prefix_is_corrected_only_while_nothing_is_numbered_under_it(officer):
    registration = BarcodeRegistrationFactory(prefix="8936091")
    services.barcode_registration_update(
        registration_id=registration.pk, data={"prefix": "8936092"}, version=1, user=officer
    )
    product = ProductFactory(enterprise=registration.enterprise, gtin_item=None)
    product.barcode_registration = registration
    product.gtin = gtin13("8936092", 1)
    product.save()
    with pytest.raises(ValidationError) as caught:
        services.barcode_registration_update(
            registration_id=registration.pk, data={"prefix": "8936093"}, version=2, user=officer
        )
    assert "1 sản phẩm" in messages_of(caught)
    registration.refresh_from_db()
    assert registration.prefix == "8936092"


# --- Fees and status -----------------------------------------------------------------------------


def test_a_fee_is_recorded_and_corrected(officer):
    registration = BarcodeRegistrationFactory(registered_on=D(2019, 5, 10))
    services.barcode_fee_record(
        registration_id=registration.pk, year=2026, paid_on=D(2026, 5, 2), user=officer
    )
    services.barcode_fee_record(
        registration_id=registration.pk,
        year=2026,
        paid_on=D(2026, 5, 3),
        amount=1_000_000,
        user=officer,
    )
    fee = BarcodeFee.objects.get()
    assert (fee.year, fee.paid_on, fee.amount) == (2026, D(2026, 5, 3), 1_000_000)


@pytest.mark.parametrize(
    ("year", "paid_on", "amount", "expected"),
    [
        (2018, D(2019, 5, 10), None, "từ 2019 (năm cấp mã) đến 2027"),
        (2028, D(2026, 5, 10), None, "từ 2019 (năm cấp mã) đến 2027"),
        (2026, D(2026, 12, 1), None, "Ngày nộp không thể ở tương lai"),
        (2026, D(2026, 5, 1), -5, "Số tiền không thể âm"),
    ],
)
def test_bad_fees_are_refused(year, paid_on, amount, expected, officer):
    registration = BarcodeRegistrationFactory(registered_on=D(2019, 5, 10))
    with pytest.raises(ValidationError) as caught:
        services.barcode_fee_record(
            registration_id=registration.pk, year=year, paid_on=paid_on, amount=amount, user=officer
        )
    assert expected in messages_of(caught)
    assert not BarcodeFee.objects.exists()


def test_no_fee_after_revocation_and_only_officers_record_fees(officer, leader):
    registration = BarcodeRegistrationFactory(revoked_on=D(2024, 2, 1))
    with pytest.raises(ValidationError) as caught:
        services.barcode_fee_record(
            registration_id=registration.pk, year=2025, paid_on=D(2025, 5, 1), user=officer
        )
    assert "năm mã bị thu hồi" in messages_of(caught)
    with pytest.raises(PermissionDenied):
        services.barcode_fee_record(
            registration_id=registration.pk, year=2023, paid_on=D(2023, 5, 1), user=leader
        )


# Registered 10/05/2019; fees recorded for the years given; status on each day.
STATUS_CASES = [
    # 30 June is the last day to pay; 1 July without this year's fee is overdue.
    ({2026}, D(2026, 6, 30), None, BarcodeStatus.ACTIVE),
    ({2025}, D(2026, 6, 30), None, BarcodeStatus.ACTIVE),
    ({2025}, D(2026, 7, 1), None, BarcodeStatus.FEE_OVERDUE),
    ({2026}, D(2026, 7, 1), None, BarcodeStatus.ACTIVE),
    # Last year's fee never paid stays overdue in January–June (the year's due date not passed).
    (set(), D(2026, 3, 15), None, BarcodeStatus.FEE_OVERDUE),
    ({2024}, D(2026, 3, 15), None, BarcodeStatus.FEE_OVERDUE),
    ({2025}, D(2026, 3, 15), None, BarcodeStatus.ACTIVE),
    # Revoked: from the revocation day on, whatever the fees.
    ({2026}, D(2026, 8, 1), D(2026, 8, 1), BarcodeStatus.REVOKED),
    (set(), D(2026, 7, 31), D(2026, 8, 1), BarcodeStatus.FEE_OVERDUE),
]


@pytest.mark.parametrize(("paid", "day", "revoked_on", "expected"), STATUS_CASES)
def test_status_follows_fees_and_revocation(paid, day, revoked_on, expected):
    registration = BarcodeRegistrationFactory(registered_on=D(2019, 5, 10), revoked_on=revoked_on)
    for year in paid:
        BarcodeFeeFactory(registration=registration, year=year)
    # The record's own rule, the database's annotation and the overdue queryset agree.
    assert registration.status_on(day) == expected
    annotated = BarcodeRegistration.objects.with_status_on(day).get(pk=registration.pk)
    assert annotated.status_on == expected
    overdue = BarcodeRegistration.objects.fee_overdue_on(day).filter(pk=registration.pk).exists()
    assert overdue == (expected == BarcodeStatus.FEE_OVERDUE)


def test_a_prefix_registered_after_30_june_owes_nothing_until_next_june():
    registration = BarcodeRegistrationFactory(registered_on=D(2025, 8, 20))
    assert registration.status_on(D(2026, 3, 1)) == BarcodeStatus.ACTIVE
    assert registration.status_on(D(2026, 7, 1)) == BarcodeStatus.FEE_OVERDUE
    assert fee_year_due_on(D(2026, 6, 30)) == 2025
    assert fee_year_due_on(D(2026, 7, 1)) == 2026


# --- GLNs ----------------------------------------------------------------------------------------


def test_officer_records_a_gln_under_the_prefix(officer):
    registration = BarcodeRegistrationFactory(prefix="8936091")
    gln = gtin13("8936091", 99001)
    location = services.location_create(
        registration_id=registration.pk,
        data={"gln": f" {gln[:7]} {gln[7:]} ", "name": "Nhà máy chè"},
        user=officer,
    )
    assert location.gln == gln


@pytest.mark.parametrize(
    ("make_gln", "expected"),
    [
        (lambda: corrupt(gtin13("8936091", 5)), "sai số kiểm tra"),
        (lambda: gtin13("8936099", 5), "không bắt đầu bằng mã doanh nghiệp 8936091"),
        (lambda: gtin13("8936092", 5), "thuộc mã doanh nghiệp 8936092 của doanh nghiệp"),
        (lambda: gtin13("8936093", 5), "đã cấp cho doanh nghiệp khác"),
    ],
)
def test_bad_glns_are_refused(make_gln, expected, officer):
    registration = BarcodeRegistrationFactory(prefix="8936091")
    BarcodeRegistrationFactory(prefix="8936092", enterprise=registration.enterprise)
    BarcodeRegistrationFactory(prefix="8936093")  # another enterprise's
    with pytest.raises(ValidationError) as caught:
        services.location_create(
            registration_id=registration.pk, data={"gln": make_gln(), "name": "Kho"}, user=officer
        )
    assert expected in messages_of(caught)
    assert not LocationNumber.objects.exists()


def test_duplicate_gln_and_revoked_prefix_are_refused(officer):
    registration = BarcodeRegistrationFactory(prefix="8936091")
    existing = LocationNumberFactory(registration=registration, name="Nhà máy")
    with pytest.raises(ValidationError) as caught:
        services.location_create(
            registration_id=registration.pk, data={"gln": existing.gln, "name": "Kho"}, user=officer
        )
    assert "đã được ghi nhận cho địa điểm “Nhà máy”" in messages_of(caught)
    revoked = BarcodeRegistrationFactory(prefix="8936095", revoked_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.location_create(
            registration_id=revoked.pk,
            data={"gln": gtin13("8936095", 1), "name": "Kho"},
            user=officer,
        )
    assert "đã bị thu hồi ngày 01/01/2025" in messages_of(caught)


# --- Pages -------------------------------------------------------------------------------------

LIST = reverse("standards:barcode_list")


def prefixes(response) -> list[str]:
    return [row.record.prefix for row in response.context["table"].page.object_list]


def test_list_query_count_is_flat(officer):
    makers = EnterpriseFactory.create_batch(3)

    def add(n):
        for i in range(n):
            registration = BarcodeRegistrationFactory(enterprise=makers[i % 3])
            BarcodeFeeFactory(registration=registration, year=2026)
            ProductFactory(enterprise=registration.enterprise, gtin_item=3)

    client = client_for(officer)
    client.get(LIST)  # warms the cached catalogues (units, sectors) of the filters
    assert_queries_constant(client, f"{LIST}?status=active&sort=-gtin_used", add)
    assert_queries_constant(client, LIST, add)


def test_list_shows_usage_and_filters_by_status_on_a_day_and_declaration(officer):
    paid = BarcodeRegistrationFactory(prefix="8936001", declared_on_national_db=True)
    BarcodeFeeFactory(registration=paid, year=2026)
    BarcodeRegistrationFactory(prefix="8936002")  # 2026 fee unpaid
    BarcodeRegistrationFactory(prefix="8936003", revoked_on=D(2026, 1, 5))
    for item in (1, 2):
        ProductFactory(
            enterprise=paid.enterprise,
            barcode_registration=paid,
            gtin=gtin13("8936001", item),
        )
    client = client_for(officer)
    response = client.get(LIST)
    assert prefixes(response) == ["8936001", "8936002", "8936003"]
    assert "2 / 100.000" in response.text
    assert prefixes(client.get(LIST, {"status": "fee_overdue"})) == ["8936002"]
    assert prefixes(client.get(LIST, {"status": "revoked"})) == ["8936003"]
    # On 1 June 2026 the fee due was 2025's: never recorded for 8936002; 8936001 paid 2026's.
    on_june = client.get(LIST, {"status": "fee_overdue", "on": "01/06/2026"})
    assert prefixes(on_june) == ["8936002"]
    assert prefixes(client.get(LIST, {"status": "revoked", "on": "04/01/2026"})) == []
    assert prefixes(client.get(LIST, {"declared": "yes"})) == ["8936001"]
    assert prefixes(client.get(LIST, {"q": "893600 2"})) == ["8936002"]


def test_enterprise_user_sees_its_own_prefixes_only(ent_a, enterprise_a, enterprise_b):
    own = BarcodeRegistrationFactory(enterprise=enterprise_a)
    other = BarcodeRegistrationFactory(enterprise=enterprise_b)
    client = client_for(ent_a)
    assert prefixes(client.get(LIST)) == [own.prefix]
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 200


def test_detail_query_count_is_flat(officer):
    registration = BarcodeRegistrationFactory()
    url = registration.get_absolute_url()
    counter = iter(range(1, 1000))

    def add(n):
        for _ in range(n):
            item = next(counter)
            ProductFactory(
                enterprise=registration.enterprise,
                barcode_registration=registration,
                gtin=gtin13(registration.prefix, item),
            )
            LocationNumberFactory(registration=registration)
            BarcodeFeeFactory(registration=registration, year=2000 + item)

    assert_queries_constant(client_for(officer), url, add)
    text = client_for(officer).get(url).text
    assert "20 / 100.000 mã GTIN-13" in text
    assert "1.500.000 ₫" in text


def test_fee_page_takes_amounts_as_people_write_them(officer):
    registration = BarcodeRegistrationFactory()
    url = reverse("standards:barcode_fee_create", args=[registration.pk])
    response = client_for(officer).post(
        url, {"year": "2026", "paid_on": "15/05/2026", "amount": "1.500.000 đ"}
    )
    assert response.status_code == 302
    assert BarcodeFee.objects.get().amount == 1_500_000
    response = client_for(officer).post(
        url, {"year": "2026", "paid_on": "15/05/2026", "amount": "một triệu"}
    )
    assert response.status_code == 200
    assert "Số tiền chỉ gồm chữ số" in response.text
    assert BarcodeFee.objects.get().amount == 1_500_000


def test_officer_forms_show_the_services_refusal(officer, enterprise_a):
    BarcodeRegistrationFactory(prefix="8936091")
    url = reverse("standards:barcode_create", args=[enterprise_a.pk])
    response = client_for(officer).post(url, {"prefix": "89360915", "registered_on": "10/05/2019"})
    assert response.status_code == 200
    assert "chồng lên mã 8936091" in response.text
    response = client_for(officer).post(
        url, {"prefix": "893 6099 123", "registered_on": "10/05/2019"}
    )
    assert response.status_code == 302
    assert BarcodeRegistration.objects.get(enterprise=enterprise_a).prefix == "8936099123"


def test_two_officers_editing_one_prefix(officer):
    registration = BarcodeRegistrationFactory()
    url = reverse("standards:barcode_update", args=[registration.pk])
    loaded = {"prefix": registration.prefix, "registered_on": "02/03/2020", "version": 1}
    assert client_for(officer).post(url, {**loaded, "note": "Đã đối chiếu"}).status_code == 302
    second = client_for(officer).post(url, {**loaded, "declared_on_national_db": "on"})
    assert second.status_code == 409
    assert "Hồ sơ vừa được người khác sửa" in second.text


def test_gln_archive_and_restore_by_post(officer):
    location = LocationNumberFactory()
    client = client_for(officer)
    client.post(reverse("standards:location_archive", args=[location.pk]))
    location.refresh_from_db()
    assert location.is_archived
    client.post(reverse("standards:location_restore", args=[location.pk]))
    location.refresh_from_db()
    assert not location.is_archived


def test_export_keeps_codes_as_text(officer, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(tax_code="0100109106")
    registration = BarcodeRegistrationFactory(enterprise=enterprise, prefix="8936091")
    BarcodeFeeFactory(registration=registration, year=2026, amount=1_000_000)
    BarcodeRegistrationFactory(prefix="8936092")  # overdue: filtered out
    with django_capture_on_commit_callbacks(execute=True):
        client_for(officer).post(
            reverse("standards:barcode_export_create"),
            {"format": "xlsx", "query": "status=active"},
        )
    job = BarcodeExportJob.objects.get()
    assert (job.state, job.row_count) == ("done", 1)
    download = client_for(officer).get(job.get_download_url())
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã doanh nghiệp GS1"
    assert rows[1][0] == "8936091"  # text, not a number
    assert sheet["A2"].data_type == "s"
    assert rows[1][2] == "0100109106"  # the leading zero kept
    assert rows[1][7:12] == (100_000, 0, 2026, datetime.datetime(2026, 3, 15), 1_000_000)
    assert rows[1][14] == "Đang sử dụng"


def test_export_csv_writes_codes_so_excel_keeps_them(officer, django_capture_on_commit_callbacks):
    BarcodeRegistrationFactory(prefix="8936091")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(officer).post(
            reverse("standards:barcode_export_create"), {"format": "csv", "query": ""}
        )
    job = BarcodeExportJob.objects.get()
    content = b"".join(client_for(officer).get(job.get_download_url()).streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][0] == '="8936091"'  # Excel shows 8936091 as text


def test_enterprise_page_shows_products_and_prefixes_with_a_flat_query_count(officer, enterprise_b):
    url = reverse("enterprises:enterprise_detail", args=[enterprise_b.pk])
    client_for(officer).get(url)  # warms the cached catalogues (units, sectors)

    def add(n):
        for _ in range(n):
            registration = BarcodeRegistrationFactory(enterprise=enterprise_b)
            ProductFactory(
                enterprise=enterprise_b,
                barcode_registration=registration,
                gtin=gtin13(registration.prefix, 1),
                ocop_stars=4,
                ocop_score=75,
                ocop_year=2023,
            )

    assert_queries_constant(client_for(officer), url, add)
    text = client_for(officer).get(url).text
    assert "1 / 100.000" in text
    assert "Quá hạn nộp phí duy trì" in text
    assert "Xem tất cả 20 sản phẩm" not in text  # 20 fit in the section


def test_archive_and_restore_refusals(officer, leader, enterprise_a):
    registration = BarcodeRegistrationFactory(enterprise=enterprise_a)
    with pytest.raises(PermissionDenied):
        services.barcode_registration_set_archived(
            registration_id=registration.pk, archived=True, user=leader
        )
    with pytest.raises(ValidationError) as caught:
        services.barcode_registration_update(
            registration_id=registration.pk, data={"is_archived": True}, version=1, user=officer
        )
    assert "is_archived" in messages_of(caught)
    services.barcode_registration_set_archived(
        registration_id=registration.pk, archived=True, user=officer
    )
    enterprise_a.is_archived = True
    enterprise_a.save()
    with pytest.raises(ValidationError):
        services.barcode_registration_set_archived(
            registration_id=registration.pk, archived=False, user=officer
        )
    registration.refresh_from_db()
    assert registration.is_archived


def test_a_gln_is_checked_again_when_corrected(officer):
    location = LocationNumberFactory(registration=BarcodeRegistrationFactory(prefix="8936091"))
    with pytest.raises(ValidationError) as caught:
        services.location_update(
            location_id=location.pk, data={"gln": gtin13("8936098", 1)}, user=officer
        )
    assert "không bắt đầu bằng mã doanh nghiệp 8936091" in messages_of(caught)
    services.location_update(location_id=location.pk, data={"name": "Kho mới"}, user=officer)
    location.refresh_from_db()
    assert location.name == "Kho mới"
