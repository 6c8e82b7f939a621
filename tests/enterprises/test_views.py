import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.models import Enterprise, ExportJob, Membership
from laichau_nsc.roles import Role, roles_of
from tests.conftest import client_for
from tests.enterprises.factories import (
    AdministrativeUnitFactory,
    EnterpriseFactory,
    SectorFactory,
    valid_tax_code,
)
from tests.helpers import assert_queries_constant

LIST = reverse("enterprises:enterprise_list")


def form_data(enterprise: Enterprise, **changes) -> dict:
    """The officer form's fields as the browser would post them."""
    data = {
        "name": enterprise.name,
        "short_name": enterprise.short_name,
        "tax_code": enterprise.tax_code,
        "legal_form": enterprise.legal_form,
        "size_class": enterprise.size_class,
        "sector": enterprise.sector_id or "",
        "admin_unit": enterprise.admin_unit_id or "",
        "address": enterprise.address,
        "representative": enterprise.representative,
        "representative_title": enterprise.representative_title,
        "phone": enterprise.phone,
        "email": enterprise.email,
        "website": enterprise.website,
        "employees": enterprise.employees or "",
        "founded_on": "",
        "status": enterprise.status,
        "version": enterprise.version,
    }
    data.update(changes)
    return data


# --- List ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(officer):
    unit, sector = AdministrativeUnitFactory(), SectorFactory()
    client = client_for(officer)
    client.get(LIST)  # builds the unit and sector catalogues (the filter's choices) once

    count = assert_queries_constant(
        client, LIST, lambda n: EnterpriseFactory.create_batch(n, admin_unit=unit, sector=sector)
    )
    # session, user with its groups (roles), the bounded count, the page of rows with unit and
    # sector joined, the bell's unread count; the filter's choices come from the cached
    # catalogues.
    assert count == 5


@pytest.mark.django_db
def test_list_search_is_diacritic_blind(officer):
    EnterpriseFactory(name="Công ty TNHH Chè Tam Đường")
    EnterpriseFactory(name="HTX Gạo Séng Cù Than Uyên")
    response = client_for(officer).get(LIST, {"q": "tam duong"})
    assert response.status_code == 200
    assert "Chè Tam Đường" in response.text
    assert "Séng Cù" not in response.text


@pytest.mark.django_db
def test_htmx_list_request_gets_only_the_table(officer):
    EnterpriseFactory(name="Công ty TNHH Chè Tam Đường")
    response = client_for(officer).get(LIST, {"q": "che"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Chè Tam Đường" in response.text


@pytest.mark.django_db
def test_archived_enterprises_are_hidden_unless_asked_for(officer):
    EnterpriseFactory(name="Doanh nghiệp đang theo dõi")
    EnterpriseFactory(name="Doanh nghiệp cũ", is_archived=True)
    client = client_for(officer)
    assert "Doanh nghiệp cũ" not in client.get(LIST).text
    assert "Doanh nghiệp cũ" in client.get(LIST, {"archived": "yes"}).text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "999999"},
        {"per_page": "100000000"},
        {"sort": "-search_text;drop"},
        {"admin_unit": "không-phải-số"},
        {"legal_form": "<script>"},
        {"q": "x" * 5000},
        {"q": "\x00"},
    ],
)
def test_list_survives_bad_input(officer, params):
    EnterpriseFactory()
    response = client_for(officer).get(LIST, params)
    assert response.status_code == 200


@pytest.mark.django_db
def test_list_invalid_filter_shows_message_and_no_rows(officer):
    EnterpriseFactory(name="Công ty Hiện Ra")
    response = client_for(officer).get(LIST, {"legal_form": "khong-co"})
    assert "Điều kiện lọc không hợp lệ" in response.text
    assert "Công ty Hiện Ra" not in response.text


# --- Create and edit --------------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_creates_enterprise_with_history(officer):
    data = form_data(Enterprise(name="Hợp tác xã Chè Shan Tuyết Sìn Hồ", legal_form="cooperative"))
    data.update(tax_code=valid_tax_code(4242), version="")
    response = client_for(officer).post(reverse("enterprises:enterprise_create"), data)
    enterprise = Enterprise.objects.get(tax_code=valid_tax_code(4242))
    assert response.status_code == 302
    assert response["Location"] == enterprise.get_absolute_url()
    record = enterprise.history.get()
    assert record.history_user == officer


@pytest.mark.django_db
def test_duplicate_tax_code_is_refused_naming_the_existing_record(officer):
    existing = EnterpriseFactory(name="Công ty cổ phần Miến Dong Bình Lư")
    data = form_data(Enterprise(name="Bản sao", legal_form="joint_stock"), version="")
    data["tax_code"] = existing.tax_code
    response = client_for(officer).post(reverse("enterprises:enterprise_create"), data)
    assert response.status_code == 200
    assert "Công ty cổ phần Miến Dong Bình Lư" in response.text
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_invalid_tax_code_gets_vietnamese_message_and_changes_nothing(officer):
    data = form_data(Enterprise(name="Sai mã", legal_form="joint_stock"), version="")
    data["tax_code"] = "6200000010"
    response = client_for(officer).post(reverse("enterprises:enterprise_create"), data)
    assert response.status_code == 200
    assert "sai chữ số kiểm tra" in response.text
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_second_of_two_concurrent_edits_is_refused_with_the_changes(officer, enterprise_b):
    other = get_user_model().objects.create_user("canbo2")
    other.groups.add(officer.groups.get())
    url = reverse("enterprises:enterprise_update", args=[enterprise_b.pk])
    loaded = form_data(enterprise_b)  # both officers open the form at version 1

    first = client_for(other).post(url, {**loaded, "phone": "0213 3876 543"})
    assert first.status_code == 302

    second = client_for(officer).post(url, {**loaded, "address": "Bản Nà Ngò, xã Tân Uyên"})
    assert second.status_code == 409
    text = second.content.decode()
    assert "Hồ sơ vừa được người khác sửa" in text
    assert "canbo2" in text
    assert "0213 3876 543" in text  # what changed meanwhile
    assert "Bản Nà Ngò, xã Tân Uyên" in text  # their own input is kept
    enterprise_b.refresh_from_db()
    assert enterprise_b.phone == "0213 3876 543"
    assert enterprise_b.address == ""

    # Having seen the changes, saving again (with the version the page now carries) works.
    # The form shown with the conflict already carries the other officer's phone.
    assert second.context["form"]["phone"].value() == "0213 3876 543"
    retry = client_for(officer).post(url, second.context["form"].data)
    assert retry.status_code == 302
    enterprise_b.refresh_from_db()
    assert enterprise_b.address == "Bản Nà Ngò, xã Tân Uyên"
    assert enterprise_b.phone == "0213 3876 543"  # not overwritten by the stale copy


@pytest.mark.django_db
def test_enterprise_user_edits_contact_fields_only(ent_b, enterprise_b):
    url = reverse("enterprises:enterprise_contact_update", args=[enterprise_b.pk])
    response = client_for(ent_b).post(
        url,
        {
            "phone": "0987 654 321",
            "email": "lienhe@htxtanuyen.vn",
            "name": "Tên bị đổi trái phép",
            "tax_code": valid_tax_code(777),
            "version": enterprise_b.version,
        },
    )
    assert response.status_code == 302
    enterprise_b.refresh_from_db()
    assert enterprise_b.phone == "0987 654 321"
    assert enterprise_b.name == "Hợp tác xã Nông nghiệp Tân Uyên"
    assert enterprise_b.tax_code != valid_tax_code(777)


@pytest.mark.django_db
def test_enterprise_user_cannot_edit_other_enterprise(ent_a, enterprise_b):
    url = reverse("enterprises:enterprise_contact_update", args=[enterprise_b.pk])
    response = client_for(ent_a).post(url, {"phone": "1", "version": enterprise_b.version})
    assert response.status_code == 404
    enterprise_b.refresh_from_db()
    assert enterprise_b.phone == ""


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["enterprise_update", "enterprise_archive"])
def test_leader_changes_nothing(leader, enterprise_b, name):
    url = reverse(f"enterprises:{name}", args=[enterprise_b.pk])
    response = client_for(leader).post(url, form_data(enterprise_b, name="Đổi"))
    assert response.status_code == 403
    enterprise_b.refresh_from_db()
    assert enterprise_b.name == "Hợp tác xã Nông nghiệp Tân Uyên"
    assert not enterprise_b.is_archived


# --- Archive, restore, history ----------------------------------------------------------------


@pytest.mark.django_db
def test_archive_and_restore_keep_history(officer, enterprise_b):
    client = client_for(officer)
    archived = client.post(
        reverse("enterprises:enterprise_archive", args=[enterprise_b.pk]), follow=True
    )
    assert "Đã lưu trữ" in archived.text
    enterprise_b.refresh_from_db()
    assert enterprise_b.is_archived
    assert enterprise_b.name not in client.get(LIST).text

    client.post(reverse("enterprises:enterprise_restore", args=[enterprise_b.pk]))
    enterprise_b.refresh_from_db()
    assert not enterprise_b.is_archived
    assert list(
        enterprise_b.history.values_list("is_archived", flat=True).order_by("history_id")
    ) == [
        False,
        True,
        False,
    ]
    detail = client.get(enterprise_b.get_absolute_url()).text
    assert detail.count("canbo") >= 2  # who archived and who restored


@pytest.mark.django_db
def test_detail_shows_old_and_new_values(officer, enterprise_b):
    client = client_for(officer)
    url = reverse("enterprises:enterprise_update", args=[enterprise_b.pk])
    client.post(url, form_data(enterprise_b, representative="Lò Văn Thào"))
    detail = client.get(enterprise_b.get_absolute_url()).text
    assert "<del>Nguyễn Văn An</del> → <ins>Lò Văn Thào</ins>" in detail


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_history(officer, enterprise_b):
    url = enterprise_b.get_absolute_url()

    def edit(n):
        for i in range(n):
            enterprise_b.phone = f"09{i:08d}"
            enterprise_b.save()

    client = client_for(officer)
    client.get(url)  # builds the unit catalogue (the unit's origins) once
    assert_queries_constant(client, url, edit, n=5)


# --- Enterprise accounts ----------------------------------------------------------------------


def account_request(tax_code: str, **changes) -> dict:
    return {
        "tax_code": tax_code,
        "full_name": "Lò Thị Mai",
        "position": "Kế toán",
        "phone": "0912 345 678",
        "email": "mai@example.vn",
        "username": "lothimai",
        "password1": "Che-Tam-Duong-2026",
        "password2": "Che-Tam-Duong-2026",
        **changes,
    }


@pytest.mark.django_db
def test_account_request_approval_gives_scoped_access(client, officer, enterprise_a, enterprise_b):
    response = client.post(
        reverse("enterprises:account_request"), account_request(enterprise_a.tax_code)
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="lothimai")
    assert membership.state == "requested"

    applicant = membership.user
    before = client_for(applicant)
    assert "đang chờ" in before.get(reverse("home")).text
    assert before.get(enterprise_a.get_absolute_url()).status_code == 403

    approve = reverse("enterprises:membership_approve", args=[membership.pk])
    assert client_for(officer).post(approve).status_code == 302
    membership.refresh_from_db()
    assert membership.state == "approved"
    assert membership.decided_by == officer

    after = client_for(get_user_model().objects.get(pk=applicant.pk))
    assert after.get(enterprise_a.get_absolute_url()).status_code == 200
    assert after.get(enterprise_b.get_absolute_url()).status_code == 404
    assert after.get(LIST).status_code == 403

    revoke = reverse("enterprises:membership_revoke", args=[membership.pk])
    client_for(officer).post(revoke, {"reason": "Đã nghỉ việc"})
    revoked = get_user_model().objects.get(pk=applicant.pk)
    assert Role.ENTERPRISE not in roles_of(revoked)
    assert client_for(revoked).get(enterprise_a.get_absolute_url()).status_code == 403


@pytest.mark.django_db
def test_refusal_needs_a_reason(officer, enterprise_a, client):
    client.post(reverse("enterprises:account_request"), account_request(enterprise_a.tax_code))
    membership = Membership.objects.get()
    url = reverse("enterprises:membership_refuse", args=[membership.pk])
    response = client_for(officer).post(url, {"reason": ""})
    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.state == "requested"
    client_for(officer).post(url, {"reason": "Không xác minh được người đăng ký"})
    membership.refresh_from_db()
    assert membership.state == "refused"
    assert membership.reason == "Không xác minh được người đăng ký"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tax_code": valid_tax_code(9999)}, "Không thể gửi yêu cầu với các thông tin này"),
        ({"tax_code": "6200000010"}, "sai chữ số kiểm tra"),
        ({"password2": "khac"}, "Hai mật khẩu không khớp"),
        ({"password1": "123", "password2": "123"}, "Mật khẩu"),
        ({"username": "a b"}, "Tên đăng nhập gồm"),
        # The same answer as an unknown tax code: the form does not tell who has an account.
        ({"username": "canbo"}, "Không thể gửi yêu cầu với các thông tin này"),
        ({"username": "CANBO"}, "Không thể gửi yêu cầu với các thông tin này"),
    ],
)
def test_bad_account_requests_change_nothing(client, officer, enterprise_a, changes, message):
    users_before = get_user_model().objects.count()
    data = {**account_request(enterprise_a.tax_code), **changes}
    response = client.post(reverse("enterprises:account_request"), data)
    assert response.status_code == 200
    assert message in response.text
    assert get_user_model().objects.count() == users_before
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_membership_queue_query_count_does_not_grow(officer, enterprise_a):
    from tests.enterprises.factories import MembershipFactory

    def add(n):
        MembershipFactory.create_batch(n, enterprise=enterprise_a, state="requested")

    url = reverse("enterprises:membership_list")
    assert_queries_constant(client_for(officer), url, add)


# --- Exports ----------------------------------------------------------------------------------


def run_export(client, fmt: str, query: str, capture):
    with capture(execute=True):
        response = client.post(
            reverse("enterprises:export_create"), {"format": fmt, "query": query}
        )
    assert response.status_code == 302
    job = ExportJob.objects.latest("created_at")
    assert job.state == "done", job.error
    download = client.get(reverse("enterprises:export_download", args=[job.pk]))
    assert download.status_code == 200
    return job, b"".join(download.streaming_content)


@pytest.mark.django_db
def test_xlsx_export_follows_filters_and_neutralises_formulas(
    officer, django_capture_on_commit_callbacks
):
    EnterpriseFactory(name='=HYPERLINK("http://x","Chè Tam Đường")')
    EnterpriseFactory(name="Công ty TNHH Chè Tam Đường")
    EnterpriseFactory(name="HTX Mật ong Phong Thổ")
    job, content = run_export(
        client_for(officer), "xlsx", "q=tam+duong", django_capture_on_commit_callbacks
    )
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Tên doanh nghiệp"
    names = sorted(r[0] for r in rows[1:])
    assert names == ['=HYPERLINK("http://x","Chè Tam Đường")', "Công ty TNHH Chè Tam Đường"]
    assert job.row_count == 2
    assert all(cell.data_type == "s" for cell in sheet["A"][1:])


@pytest.mark.django_db
def test_xlsx_export_keeps_codes_as_text_under_a_frozen_filtered_header(
    officer, django_capture_on_commit_callbacks
):
    from enterprises.services import EXPORT_COLUMNS

    EnterpriseFactory(tax_code="0100109106", phone="0912345678", sector=SectorFactory(code="01"))
    EnterpriseFactory(tax_code="001203004567", legal_form="household")
    _job, content = run_export(client_for(officer), "xlsx", "", django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=len(EXPORT_COLUMNS)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}3"
    assert sheet.column_dimensions["A"].width == 40  # the name
    header = [c.value for c in sheet[1]]
    by_header = {h: i for i, h in enumerate(header)}
    codes = {}
    for row in sheet.iter_rows(min_row=2):
        for name in ("Mã số thuế", "Mã ngành", "Điện thoại"):
            cell = row[by_header[name]]
            if cell.value is not None:
                assert cell.data_type == "s"
                assert cell.number_format == "@"
                codes.setdefault(name, set()).add(cell.value)
    assert codes["Mã số thuế"] == {"0100109106", "001203004567"}
    assert codes["Mã ngành"] == {"01"}
    assert codes["Điện thoại"] == {"0912345678"}


@pytest.mark.django_db
def test_csv_export_writes_codes_so_excel_keeps_leading_zeros(
    officer, django_capture_on_commit_callbacks
):
    EnterpriseFactory(tax_code="0100109106", name="Tổng công ty Thử")
    _job, content = run_export(client_for(officer), "csv", "", django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("Mã số thuế")] == '="0100109106"'
    assert rows[1][0] == "Tổng công ty Thử"


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(officer, django_capture_on_commit_callbacks):
    EnterpriseFactory(name="=1+1", representative="@SUM(A1)")
    _job, content = run_export(client_for(officer), "csv", "", django_capture_on_commit_callbacks)
    text = content.decode("utf-8-sig")
    assert "'=1+1" in text
    assert "'@SUM(A1)" in text
    assert text.splitlines()[0].startswith("Tên doanh nghiệp,")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "post", "subject"),
    [
        ("membership_approve", {}, "đã được duyệt"),
        ("membership_refuse", {"reason": "Không xác minh được"}, "bị từ chối"),
    ],
)
def test_applicant_is_told_the_decision_by_mail(
    officer, enterprise_a, client, django_capture_on_commit_callbacks, decision, post, subject
):
    from django.core import mail

    client.post(reverse("enterprises:account_request"), account_request(enterprise_a.tax_code))
    membership = Membership.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(officer).post(reverse(f"enterprises:{decision}", args=[membership.pk]), post)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mai@example.vn"]
    assert subject in message.subject
    assert enterprise_a.name in message.subject
    if post:
        assert "Không xác minh được" in message.body
    else:
        assert "/tai-khoan/dang-nhap/" in message.body


@pytest.mark.django_db
def test_account_requests_from_one_address_are_limited(client, enterprise_a, settings):
    settings.PORTAL_ACCOUNT_REQUESTS_PER_HOUR = 2
    url = reverse("enterprises:account_request")
    for n in range(2):
        data = account_request(
            enterprise_a.tax_code, username=f"nguoi{n}", email=f"n{n}@example.vn"
        )
        assert client.post(url, data).status_code == 302
    third = client.post(url, account_request(enterprise_a.tax_code, username="nguoi3"))
    assert third.status_code == 429
    assert "quá nhiều yêu cầu" in third.text
    assert Membership.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "abc", "0", "1.5"])
def test_missing_or_bad_version_reloads_the_record_and_saves_nothing(
    officer, enterprise_b, version
):
    data = form_data(enterprise_b, phone="0999")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    url = reverse("enterprises:enterprise_update", args=[enterprise_b.pk])
    response = client_for(officer).post(url, data)
    assert response.status_code == 409
    assert "Không xác định được bản hồ sơ" in response.text
    assert response.context["form"].initial["version"] == enterprise_b.version
    enterprise_b.refresh_from_db()
    assert enterprise_b.phone == ""


@pytest.mark.django_db
def test_membership_queue_keeps_showing_pending_while_sorting(officer, enterprise_a):
    from tests.enterprises.factories import MembershipFactory

    MembershipFactory(enterprise=enterprise_a, state="requested", full_name="Người Chờ Duyệt")
    MembershipFactory(enterprise=enterprise_a, state="refused", full_name="Người Bị Từ Chối")
    client = client_for(officer)
    for params in ({}, {"sort": "full_name"}, {"page": "1"}):
        text = client.get(reverse("enterprises:membership_list"), params).text
        assert "Người Chờ Duyệt" in text
        assert "Người Bị Từ Chối" not in text
    everything = client.get(reverse("enterprises:membership_list"), {"state": ""}).text
    assert "Người Bị Từ Chối" in everything


@pytest.mark.django_db
def test_empty_archived_parameter_still_hides_archived(officer):
    EnterpriseFactory(name="Doanh nghiệp cũ", is_archived=True)
    assert "Doanh nghiệp cũ" not in client_for(officer).get(LIST, {"archived": ""}).text


@pytest.mark.django_db
def test_htmx_history_restore_gets_the_whole_page(officer):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client_for(officer).get(LIST, headers=headers)
    assert "<html" in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_control_characters_are_removed_and_exports_still_work(
    ent_b, enterprise_b, officer, django_capture_on_commit_callbacks
):
    url = reverse("enterprises:enterprise_contact_update", args=[enterprise_b.pk])
    client_for(ent_b).post(url, {"address": "Bản A\x1bB\u200b", "version": enterprise_b.version})
    enterprise_b.refresh_from_db()
    assert enterprise_b.address == "Bản AB"
    Enterprise.objects.filter(pk=enterprise_b.pk).update(representative="Lò\x07 Văn")  # legacy row
    job, content = run_export(client_for(officer), "xlsx", "", django_capture_on_commit_callbacks)
    assert job.row_count == 1
    assert load_workbook(io.BytesIO(content)).active["J2"].value == "Lò Văn"


@pytest.mark.django_db
def test_csrf_failure_page_is_vietnamese(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "canbo", "password": "x"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.text


# --- Input normalisation (issue 6 §4) ----------------------------------------------------------

RLO, ZWSP = "\u202e", "\u200b"


def full_width(text: str) -> str:
    """``text`` as a Vietnamese IME in full-width mode types it: ６２８１５８７８２５."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.django_db
def test_full_width_tax_code_is_a_duplicate_of_the_ascii_one(officer):
    existing = EnterpriseFactory(name="Công ty cổ phần Miến Dong Bình Lư", tax_code="6281587825")
    data = form_data(Enterprise(name="Bản sao", legal_form="joint_stock"), version="")
    data["tax_code"] = full_width("6281587825")
    response = client_for(officer).post(reverse("enterprises:enterprise_create"), data)
    assert response.status_code == 200
    assert existing.name in response.text
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_full_width_tax_code_is_stored_in_ascii(officer):
    data = form_data(Enterprise(name="Hộ kinh doanh Mật ong", legal_form="household"), version="")
    data.update(tax_code=full_width(valid_tax_code(4343)), phone="０９１２\u3000３４５\u3000６７８")
    response = client_for(officer).post(reverse("enterprises:enterprise_create"), data)
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert (enterprise.tax_code, enterprise.phone) == (valid_tax_code(4343), "0912 345 678")


@pytest.mark.django_db
def test_enterprise_fields_turn_tabs_and_newlines_into_spaces(officer, enterprise_b):
    url = reverse("enterprises:enterprise_update", args=[enterprise_b.pk])
    data = form_data(
        enterprise_b,
        name=f"Hợp tác xã\tNông nghiệp\r\nTân{ZWSP} Uyên{RLO}",
        address="Bản\u00a0Nà\u2028Ngò,  xã Tân Uyên ",
    )
    assert client_for(officer).post(url, data).status_code == 302
    enterprise_b.refresh_from_db()
    assert enterprise_b.name == "Hợp tác xã Nông nghiệp Tân Uyên"
    assert enterprise_b.address == "Bản Nà Ngò, xã Tân Uyên"


@pytest.mark.django_db
def test_account_request_fields_are_normalised_and_the_password_is_not(client, enterprise_a):
    password = f" Che-Tam{ZWSP}-Duong-2026 "  # spaces and invisibles are the user's choice
    data = account_request(
        full_width(enterprise_a.tax_code),
        full_name=f"{RLO}Lo\u0300 Thi\u0323\x1b Mai{ZWSP}",  # decomposed, with an override
        position="Kế\ttoán\ntrưởng",
        phone="０９１２ ３４５ ６７８",
        note=f"Dòng 1\r\n\r\n\r\nDòng{ZWSP} 2\x00",
        password1=password,
        password2=password,
    )
    response = client.post(reverse("enterprises:account_request"), data)
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert membership.full_name == "Lò Thị Mai"
    assert membership.position == "Kế toán trưởng"
    assert membership.phone == "0912 345 678"
    assert membership.note == "Dòng 1\n\nDòng 2"
    assert membership.user.first_name == "Lò Thị Mai"
    assert membership.user.check_password(password)


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["gọi tôi", "12", "0912 345 678 ext. 9", "+84 (213) 3876-543x"])
def test_enterprise_phone_is_validated_like_an_account_request_phone(officer, enterprise_b, phone):
    url = reverse("enterprises:enterprise_update", args=[enterprise_b.pk])
    response = client_for(officer).post(url, form_data(enterprise_b, phone=phone))
    assert response.status_code == 200
    assert "Số điện thoại không hợp lệ." in response.text
    enterprise_b.refresh_from_db()
    assert enterprise_b.phone != phone
    # The account-request form refuses the same numbers with the same message.
    response = Client().post(
        reverse("enterprises:account_request"), account_request("0100233488", phone=phone)
    )
    assert response.context["form"].errors["phone"] == ["Số điện thoại không hợp lệ."]


@pytest.mark.django_db
def test_search_ignores_a_zero_width_character(officer, enterprise_a):
    response = client_for(officer).get(LIST, {"q": f"tam{ZWSP} duong"})
    assert enterprise_a.name in response.text


@pytest.mark.django_db
def test_nul_in_the_list_query_is_neither_a_500_nor_stored_by_the_export(officer, enterprise_a):
    client = client_for(officer)
    response = client.get(LIST + "?q=%00&archived=no")
    assert response.status_code == 200
    query = response.context["export_form"]["query"].value()
    assert query == "q=%00&archived=no"  # the hidden field carries the query as it came
    response = client.post(reverse("enterprises:export_create"), {"format": "csv", "query": query})
    assert response.status_code == 302
    assert ExportJob.objects.get().params == {"q": [""], "archived": ["no"]}


@pytest.mark.django_db
def test_list_shows_the_sector_by_code_and_name(officer):
    sector = SectorFactory(code="10", name="Sản xuất, chế biến thực phẩm")
    EnterpriseFactory(sector=sector)
    text = client_for(officer).get(LIST).text
    assert "10 – Sản xuất, chế biến thực phẩm" in text


@pytest.mark.django_db
def test_request_queue_cells_carry_their_labels_for_phone_cards(officer, enterprise_a):
    from tests.enterprises.factories import MembershipFactory

    MembershipFactory(enterprise=enterprise_a, state="requested", phone="0912 345 678")
    text = client_for(officer).get(reverse("enterprises:membership_list")).text
    assert 'class="table table-sm align-middle table-cards"' in text
    assert 'data-label="Doanh nghiệp"' in text
    assert 'data-label="Liên hệ"' in text
    assert '<td class="cell-actions" data-label="Xử lý">' in text
