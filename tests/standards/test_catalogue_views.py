"""Catalogue pages: standards and certification bodies, read by every role, kept by officers."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from standards.choices import CertificateEventKind, ReviewState, StandardKind
from standards.models import Adoption, CertificationBody, Standard
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import assert_queries_constant, count_queries
from tests.standards.factories import (
    CertificateFactory,
    CertificationBodyFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db

STANDARD_LIST = reverse("catalogue:standard_list")
BODY_LIST = reverse("catalogue:body_list")
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def today(monkeypatch):
    """Pages count "valid today" on a fixed day."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def iso14001() -> tuple[Standard, Standard]:
    new = StandardFactory(code="ISO 14001:2026", title="Hệ thống quản lý môi trường – Các yêu cầu")
    old = StandardFactory(
        code="ISO 14001:2015",
        title="Hệ thống quản lý môi trường – Các yêu cầu",
        superseded_by=new,
    )
    return old, new


def standard_data(standard: Standard | None = None, **changes) -> dict:
    """The standard form as the browser posts it."""
    data = {
        "code": standard.code if standard else "",
        "title": standard.title if standard else "",
        "kind": standard.kind if standard else StandardKind.MANAGEMENT_SYSTEM,
        "validity_months": (standard.validity_months or "") if standard else "",
        "superseded_by": (standard.superseded_by_id or "") if standard else "",
        "notes": standard.notes if standard else "",
        "version": standard.version if standard else "",
    }
    if standard is None or standard.third_party_certified:
        data["third_party_certified"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def body_data(body: CertificationBody | None = None, **changes) -> dict:
    fields = ("name", "acronym", "address", "phone", "email", "website", "accredited_by")
    data = {f: getattr(body, f) if body else "" for f in fields}
    data["accreditation_number"] = body.accreditation_number if body else ""
    data["accredited_until"] = (
        f"{body.accredited_until:%d/%m/%Y}" if body and body.accredited_until else ""
    )
    data["version"] = body.version if body else ""
    if body is not None and body.accredited:
        data["accredited"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- Standards: list -----------------------------------------------------------------------------


def test_every_signed_in_role_reads_the_list(personas):
    StandardFactory()
    for name in ("officer", "leader", "ent_a"):
        response = personas[name].client.get(STANDARD_LIST)
        assert response.status_code == 200
        assert "TCVN ISO 9001:2015" in response.text
    # Only officers are offered the button to add one.
    assert "Thêm tiêu chuẩn, công cụ" in personas["officer"].client.get(STANDARD_LIST).text
    assert "Thêm tiêu chuẩn, công cụ" not in personas["leader"].client.get(STANDARD_LIST).text


def test_list_query_count_does_not_grow_with_rows(officer):
    successor = StandardFactory(code="ISO 9001:2026")

    def add(n: int) -> None:
        start = Standard.objects.count()
        for i in range(n):
            StandardFactory(code=f"TCVN {start + i}:2020", superseded_by=successor)

    count = assert_queries_constant(client_for(officer), STANDARD_LIST, add)
    # session, user with its groups (roles), the bounded count, the page of rows with their
    # successor joined, the bell's unread count.
    assert count == 5


def test_list_search_ignores_case_and_diacritics(officer):
    iso14001()
    StandardFactory(code="5S", title="5S (Sàng lọc – Sắp xếp)", kind=StandardKind.PRODUCTIVITY_TOOL)

    response = client_for(officer).get(STANDARD_LIST, {"q": "HE THONG QUAN LY MOI TRUONG"})

    assert "ISO 14001:2015" in response.text
    assert "ISO 14001:2026" in response.text
    assert "5S (Sàng lọc" not in response.text
    assert "ISO 14001" not in client_for(officer).get(STANDARD_LIST, {"q": "sang loc"}).text


def test_list_filters_by_kind_and_hides_deactivated_standards(officer):
    StandardFactory()
    StandardFactory(code="Kaizen", title="Kaizen", kind=StandardKind.PRODUCTIVITY_TOOL)
    StandardFactory(code="ISO 9001:2008", title="Cũ", is_active=False)
    client = client_for(officer)

    tools = client.get(STANDARD_LIST, {"kind": StandardKind.PRODUCTIVITY_TOOL}).text
    assert "Kaizen" in tools
    assert "TCVN ISO 9001:2015" not in tools
    assert "ISO 9001:2008" not in client.get(STANDARD_LIST).text
    assert "ISO 9001:2008" in client.get(STANDARD_LIST, {"in_use": "no"}).text
    assert "ISO 9001:2008" in client.get(STANDARD_LIST, {"in_use": "all"}).text


@pytest.mark.parametrize(
    "params", [{"kind": "khong-co"}, {"q": "x" * 500}, {"in_use": "\x00"}, {"sort": "nope"}]
)
def test_list_survives_bad_input(officer, params):
    response = client_for(officer).get(STANDARD_LIST, params)
    assert response.status_code == 200


# --- Standards: detail ---------------------------------------------------------------------------


def test_detail_shows_what_supersedes_what(personas):
    old, new = iso14001()

    old_page = personas["ent_a"].client.get(old.get_absolute_url()).text
    new_page = personas["ent_a"].client.get(new.get_absolute_url()).text

    assert f'<a href="{new.get_absolute_url()}">ISO 14001:2026</a>' in old_page
    assert "Đã có phiên bản thay thế" in old_page
    assert f'<a href="{old.get_absolute_url()}">ISO 14001:2015</a>' in new_page


def use_counts(html: str) -> list[str]:
    """The four figures of the detail page's "use" card, in order."""
    import re

    card = html.split('id="standard-use"', 1)[1].split("</dl>", 1)[0]
    return re.findall(r'<dd class="col-4 text-end">([^<]*)</dd>', card)


def test_detail_counts_adoptions_and_certificates_valid_today(
    personas, enterprise_a, enterprise_b, today
):
    standard = StandardFactory()
    issued = datetime.date(2025, 1, 10)
    CertificateFactory(standard=standard, enterprise=enterprise_a, issued_on=issued)
    CertificateFactory(standard=standard, enterprise=enterprise_b, issued_on=issued)
    # Not valid today: suspended, withdrawn, expired; proposed ones and archived ones not counted.
    CertificateFactory(
        standard=standard,
        enterprise=enterprise_b,
        issued_on=issued,
        events=[(CertificateEventKind.SUSPENDED, datetime.date(2026, 11, 1))],
    )
    CertificateFactory(
        standard=standard,
        enterprise=enterprise_b,
        issued_on=issued,
        events=[(CertificateEventKind.WITHDRAWN, datetime.date(2026, 6, 1))],
    )
    CertificateFactory(
        standard=standard, enterprise=enterprise_b, issued_on=datetime.date(2020, 1, 1)
    )
    CertificateFactory(
        standard=standard,
        enterprise=enterprise_b,
        issued_on=issued,
        review_state=ReviewState.PROPOSED,
    )
    CertificateFactory(
        standard=standard, enterprise=enterprise_b, issued_on=issued, is_archived=True
    )
    Adoption.objects.create(enterprise=enterprise_a, standard=standard, status="maintained")
    Adoption.objects.create(enterprise=enterprise_b, standard=standard, status="implementing")

    officer_page = personas["officer"].client.get(standard.get_absolute_url()).text
    ent_a_page = personas["ent_a"].client.get(standard.get_absolute_url()).text

    # adoptions recorded, applying today, certificates recorded, valid today
    assert use_counts(officer_page) == ["2", "1", "5", "2"]
    # An enterprise user counts only their own enterprise's records.
    assert use_counts(ent_a_page) == ["1", "1", "1", "1"]
    assert "Doanh nghiệp của bạn sử dụng" in ent_a_page


def test_detail_query_count_does_not_grow_with_certificates(officer, today):
    standard = StandardFactory()
    url = standard.get_absolute_url()

    def add(n: int) -> None:
        for _i in range(n):
            CertificateFactory(standard=standard, issued_on=datetime.date(2025, 1, 10))

    count = assert_queries_constant(client_for(officer), url, add, n=3)
    # session, user with its groups, the standard with its successor, its predecessors, four
    # counts, the history records, the bell's unread count.
    assert count == 10


def test_enterprise_users_do_not_see_the_history(personas):
    standard = StandardFactory()
    assert "Lịch sử thay đổi" in personas["leader"].client.get(standard.get_absolute_url()).text
    assert "Lịch sử thay đổi" not in personas["ent_b"].client.get(standard.get_absolute_url()).text


def test_unknown_standard_is_a_404(officer):
    assert (
        client_for(officer).get(reverse("catalogue:standard_detail", args=[999])).status_code == 404
    )


# --- Standards: create, edit, deactivate -------------------------------------------------------


def test_officer_adds_a_standard_with_history(officer):
    data = standard_data(
        code="TCVN 5603:2023",
        title="Nguyên tắc chung về vệ sinh thực phẩm",
        kind=StandardKind.NATIONAL_STANDARD,
        validity_months="36",
    )

    response = client_for(officer).post(reverse("catalogue:standard_create"), data)

    standard = Standard.objects.get(code="TCVN 5603:2023")
    assert response.status_code == 302
    assert response["Location"] == standard.get_absolute_url()
    assert standard.history.get().history_user == officer


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "tcvn iso 9001:2015"}, "Số hiệu TCVN ISO 9001:2015 đã có trong danh mục"),
        ({"validity_months": "0"}, "Thời hạn chứng chỉ phải lớn hơn 0 tháng."),
        (
            {"third_party_certified": None, "validity_months": "12"},
            "Chỉ ghi thời hạn chứng chỉ cho tiêu chuẩn được tổ chức bên thứ ba chứng nhận.",
        ),
        ({"kind": "khac"}, "không phải là một trong các lựa chọn"),
        ({"title": ""}, "Trường này là bắt buộc."),
    ],
)
def test_bad_standard_is_refused_with_a_message_and_nothing_changes(officer, changes, message):
    StandardFactory()
    data = standard_data(code="ISO 45001:2018", title="An toàn và sức khỏe nghề nghiệp")
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}

    response = client_for(officer).post(reverse("catalogue:standard_create"), data)

    assert response.status_code == 200
    assert message in response.text
    assert Standard.objects.count() == 1


def test_a_cycle_of_supersession_is_refused(officer):
    old, new = iso14001()
    url = reverse("catalogue:standard_update", args=[new.pk])

    response = client_for(officer).post(url, standard_data(new, superseded_by=old.pk))

    assert response.status_code == 200
    assert "vòng thay thế khép kín" in response.text
    new.refresh_from_db()
    assert new.superseded_by is None


def test_certified_flag_cannot_be_dropped_while_certificates_exist(officer):
    certificate = CertificateFactory()
    standard = certificate.standard
    url = reverse("catalogue:standard_update", args=[standard.pk])

    data = standard_data(standard, third_party_certified=None, validity_months="")
    response = client_for(officer).post(url, {k: v for k, v in data.items() if v is not None})

    assert response.status_code == 200
    assert "Đã có chứng chỉ theo tiêu chuẩn này" in response.text
    standard.refresh_from_db()
    assert standard.third_party_certified


def test_second_of_two_concurrent_edits_is_refused_with_the_changes(officer):
    other = get_user_model().objects.create_user("canbo2")
    other.groups.add(officer.groups.get())
    standard = StandardFactory()
    url = reverse("catalogue:standard_update", args=[standard.pk])
    loaded = standard_data(standard)  # both officers open the form at version 1

    first = client_for(other).post(url, {**loaded, "validity_months": "24"})
    assert first.status_code == 302

    second = client_for(officer).post(url, {**loaded, "notes": "Bản TCVN tương đương ISO."})
    assert second.status_code == 409
    assert "Hồ sơ vừa được người khác sửa" in second.text
    assert "canbo2" in second.text
    assert "Bản TCVN tương đương ISO." in second.text  # their own input is kept
    standard.refresh_from_db()
    assert (standard.validity_months, standard.notes) == (24, "")

    # The form shown with the conflict carries the other officer's validity: saving again keeps it.
    assert second.context["form"]["validity_months"].value() == "24"
    retry = client_for(officer).post(url, second.context["form"].data)
    assert retry.status_code == 302
    standard.refresh_from_db()
    assert (standard.validity_months, standard.notes) == (24, "Bản TCVN tương đương ISO.")


@pytest.mark.parametrize("version", [None, "", "abc", "0"])
def test_missing_or_bad_version_reloads_the_standard_and_saves_nothing(officer, version):
    standard = StandardFactory()
    data = standard_data(standard, title="Đổi tên", version=version)
    if version is None:
        data.pop("version", None)
    response = client_for(officer).post(
        reverse("catalogue:standard_update", args=[standard.pk]), data
    )
    assert response.status_code == 409
    assert "Không xác định được bản hồ sơ" in response.text
    standard.refresh_from_db()
    assert standard.title != "Đổi tên"


def test_a_load_after_the_form_was_opened_makes_the_save_a_conflict(officer, tmp_path):
    """The loader bumps the version, so an officer's stale form does not undo the file."""
    from django.core.management import call_command

    standard = StandardFactory(code="HACCP", title="HACCP", kind=StandardKind.SCHEME)
    loaded = standard_data(standard)
    path = tmp_path / "c.csv"
    path.write_text(
        "code,title_vi,kind,third_party_certified,validity_months,superseded_by,notes\n"
        "HACCP,Hệ thống HACCP,scheme,true,36,,\n",
        encoding="utf-8",
    )
    call_command("load_standards", str(path), verbosity=0)

    response = client_for(officer).post(
        reverse("catalogue:standard_update", args=[standard.pk]), {**loaded, "notes": "x"}
    )

    assert response.status_code == 409
    assert "Hệ thống HACCP" in response.text  # what the load changed
    assert "người khác" in response.text  # a load has no user


def test_deactivate_and_reactivate_keep_the_standard_and_its_history(officer):
    standard = StandardFactory()
    CertificateFactory(standard=standard)
    client = client_for(officer)

    confirm = client.get(reverse("catalogue:standard_deactivate", args=[standard.pk]))
    assert "Ngừng dùng “TCVN ISO 9001:2015”?" in confirm.text
    response = client.post(reverse("catalogue:standard_deactivate", args=[standard.pk]))

    assert response.status_code == 302
    standard.refresh_from_db()
    assert not standard.is_active
    assert standard.certificates.count() == 1
    assert f'href="{standard.get_absolute_url()}"' not in client.get(STANDARD_LIST).text
    client.post(reverse("catalogue:standard_activate", args=[standard.pk]))
    standard.refresh_from_db()
    assert standard.is_active
    assert standard.history.count() == 3
    assert standard.version == 3


@pytest.mark.parametrize("name", ["leader", "ent_a"])
def test_only_officers_change_the_catalogue(personas, name):
    standard = StandardFactory()
    body = CertificationBodyFactory()
    client = personas[name].client
    posts = [
        (reverse("catalogue:standard_create"), standard_data(code="X", title="X")),
        (
            reverse("catalogue:standard_update", args=[standard.pk]),
            standard_data(standard, title="X"),
        ),
        (reverse("catalogue:standard_deactivate", args=[standard.pk]), {}),
        (reverse("catalogue:body_create"), body_data(name="X")),
        (reverse("catalogue:body_update", args=[body.pk]), body_data(body, name="X")),
        (reverse("catalogue:body_deactivate", args=[body.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    standard.refresh_from_db()
    body.refresh_from_db()
    assert (standard.title, standard.is_active, body.name, body.is_active) == (
        "Hệ thống quản lý chất lượng – Các yêu cầu",
        True,
        body.name,
        True,
    )
    assert body.name != "X"
    assert standard.version == body.version == 1
    assert Standard.objects.count() == 1
    assert CertificationBody.objects.count() == 1


# --- Certification bodies ----------------------------------------------------------------------


def test_officer_adds_a_body_with_its_accreditation(officer):
    data = body_data(
        name="Trung tâm Chứng nhận Phù hợp",
        acronym="QUACERT",
        accredited="on",
        accredited_by="BoA (VICAS)",
        accreditation_number="VICAS 001-PRO",
        accredited_until="31/12/2027",
        website="quacert.gov.vn",
    )

    response = client_for(officer).post(reverse("catalogue:body_create"), data)

    assert response.status_code == 302
    body = CertificationBody.objects.get()
    assert body.accredited_until == datetime.date(2027, 12, 31)
    assert body.website == "https://quacert.gov.vn"
    assert body.history.get().history_user == officer


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"accredited": "on", "accredited_by": ""}, "Ghi tên tổ chức công nhận"),
        (
            {"accredited_until": "31/12/2027"},
            "Tổ chức chưa được công nhận thì không ghi thông tin công nhận.",
        ),
        ({"name": "TRUNG TAM CHUNG NHAN PHU HOP 0"}, "đã có trong danh mục"),
        ({"accredited": "on", "accredited_by": "BoA", "accredited_until": "31/02/2027"}, "Nhập"),
        ({"email": "khong-phai-thu"}, "Nhập địa chỉ email."),
    ],
)
def test_bad_body_is_refused_with_a_message_and_nothing_changes(officer, changes, message):
    CertificationBodyFactory(name="Trung tâm Chứng nhận Phù hợp 0")
    data = body_data(name="Trung tâm Giám định và Chứng nhận", acronym="VNCERT")
    data.update(changes)

    response = client_for(officer).post(reverse("catalogue:body_create"), data)

    assert response.status_code == 200
    assert message in response.text
    assert CertificationBody.objects.count() == 1


def test_expired_accreditation_is_visible_on_list_and_detail(officer, today):
    expired = CertificationBodyFactory(
        name="Công ty Chứng nhận Cũ", accredited_until=datetime.date(2026, 6, 30)
    )
    current = CertificationBodyFactory(
        name="Công ty Chứng nhận Mới", accredited_until=datetime.date(2027, 6, 30)
    )
    client = client_for(officer)

    listing = client.get(BODY_LIST).text
    assert "Hết hạn công nhận ngày 30/06/2026" in listing
    assert "BoA (VICAS), đến 30/06/2027" in listing
    detail = client.get(expired.get_absolute_url()).text
    assert 'id="accreditation-expired"' in detail
    assert 'id="accreditation-expired"' not in client.get(current.get_absolute_url()).text
    only_expired = client.get(BODY_LIST, {"accreditation": "expired"}).text
    assert "Công ty Chứng nhận Cũ" in only_expired
    assert "Công ty Chứng nhận Mới" not in only_expired


def test_body_list_search_ignores_diacritics_and_query_count_is_flat(officer):
    CertificationBodyFactory(name="Trung tâm Chứng nhận Phù hợp", acronym="QUACERT")
    CertificationBodyFactory(name="Công ty Giám định Vinacontrol", acronym="VNC")
    client = client_for(officer)

    found = client.get(BODY_LIST, {"q": "chung nhan phu hop"}).text
    assert "QUACERT" in found
    assert "Vinacontrol" not in found
    count = assert_queries_constant(
        client, BODY_LIST, lambda n: CertificationBodyFactory.create_batch(n)
    )
    # session, user with its groups, the bounded count, the page of rows, the bell's count.
    assert count == 5


def test_body_detail_counts_certificates_valid_today(personas, enterprise_a, today):
    body = CertificationBodyFactory()
    CertificateFactory(body=body, enterprise=enterprise_a, issued_on=datetime.date(2025, 1, 10))
    CertificateFactory(body=body, issued_on=datetime.date(2020, 1, 10))

    page = personas["officer"].client.get(body.get_absolute_url()).text
    card = page.split('id="body-use"', 1)[1].split("</dl>", 1)[0]

    assert ">2</dd>" in card  # recorded
    assert ">1</dd>" in card  # valid today
    status, queries, _sql = count_queries(personas["officer"].client, body.get_absolute_url())
    # session, user with its groups, the body, two counts, the history records, the bell.
    assert (status, queries) == (200, 7)


def test_stale_body_edit_is_refused(officer):
    body = CertificationBodyFactory(name="Trung tâm Chứng nhận Phù hợp")
    url = reverse("catalogue:body_update", args=[body.pk])
    loaded = body_data(body)
    assert client_for(officer).post(url, {**loaded, "phone": "024 3756 1025"}).status_code == 302

    response = client_for(officer).post(url, {**loaded, "address": "Số 8 Hoàng Quốc Việt"})

    assert response.status_code == 409
    assert "024 3756 1025" in response.text
    body.refresh_from_db()
    assert body.address == ""


def test_deactivated_body_stays_with_its_certificates(officer):
    certificate = CertificateFactory()
    body = certificate.body
    client_for(officer).post(reverse("catalogue:body_deactivate", args=[body.pk]))
    body.refresh_from_db()
    assert not body.is_active
    assert body.certificates.get() == certificate
    assert f'href="{body.get_absolute_url()}"' not in client_for(officer).get(BODY_LIST).text


def test_catalogue_is_in_the_navigation_of_every_role(personas):
    for name in ("officer", "leader", "ent_a"):
        assert STANDARD_LIST in personas[name].client.get(reverse("home")).text


def test_standard_factory_sanity():
    """The model's own rules hold for what the factories make (so other tests start valid)."""
    StandardFactory().full_clean()
    CertificationBodyFactory().full_clean()


def test_model_clean_refuses_a_cycle_outside_any_form():
    old, new = iso14001()
    new.superseded_by = old
    with pytest.raises(Exception, match="vòng thay thế"):
        new.full_clean()
    tool = Standard(
        code="TPM", title="TPM", kind=StandardKind.PRODUCTIVITY_TOOL, validity_months=12
    )
    with pytest.raises(Exception, match="Chỉ ghi thời hạn"):
        tool.full_clean()


def test_enterprise_is_not_needed_for_the_catalogue(personas):
    """The catalogue pages never list enterprises: an enterprise user of A sees B's name nowhere."""
    standard = StandardFactory()
    CertificateFactory(standard=standard, enterprise=EnterpriseFactory(name="Công ty Bí Mật"))
    page = personas["ent_a"].client.get(standard.get_absolute_url()).text
    assert "Công ty Bí Mật" not in page
