"""Expert and support pages: scoping per persona, totals by source from the database, filters,
forms' refusals (nothing saved), edit conflicts, the decision file, exports, flat query counts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from programs.choices import SupportKind
from programs.forms_support import parse_vnd
from programs.models import Expert, SupportActivity, SupportExportJob
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import assert_queries_constant
from tests.programs.factories_support import ExpertFactory, SupportActivityFactory
from tests.standards.factories import AdoptionFactory, StandardFactory, ToolFactory
from tests.test_files import pdf_bytes, upload

pytestmark = pytest.mark.django_db
EXPERTS = reverse("programs:expert_list")
SUPPORT = reverse("programs:support_list")
CREATE = reverse("programs:support_create")


def titles(response) -> set[str]:
    return {row.record.title for row in response.context["table"].page.object_list}


def experts(response) -> set[str]:
    return {row.record.full_name for row in response.context["table"].page.object_list}


# --- Scoping ------------------------------------------------------------------------------------


def test_for_user_gives_an_enterprise_only_its_own_support(ent_a, enterprise_a, enterprise_b):
    own = SupportActivityFactory(enterprise=enterprise_a)
    SupportActivityFactory(enterprise=enterprise_b)
    assert list(SupportActivity.objects.for_user(ent_a)) == [own]
    assert not SupportActivity.objects.for_user(ent_a, "change").exists()


def test_enterprise_list_shows_its_own_support_and_totals(ent_a, enterprise_a, enterprise_b):
    SupportActivityFactory(
        enterprise=enterprise_a, title="Của A", funding={"central_budget": 1_250_000}
    )
    SupportActivityFactory(enterprise=enterprise_b, title="Của B", funding={"other": 9_000_000})
    response = client_for(ent_a).get(SUPPORT)
    assert titles(response) == {"Của A"}
    totals = response.context["totals"]
    assert (totals.activities, totals.enterprises, totals.amount) == (1, 1, 1_250_000)
    page = response.content.decode()
    assert "1.250.000 ₫" in page
    assert "9.000.000" not in page
    # No other enterprise or unit to pick; archived ones are not theirs to see.
    assert set(response.context["filter"].form.fields) == {"q", "year", "kind", "source", "expert"}


def test_enterprise_never_sees_archived_support(ent_a, enterprise_a):
    activity = SupportActivityFactory(enterprise=enterprise_a, is_archived=True, title="Cũ")
    client = client_for(ent_a)
    assert titles(client.get(SUPPORT)) == set()
    assert titles(client.get(f"{SUPPORT}?archived=all")) == set()
    assert client.get(activity.get_absolute_url()).status_code == 404


def test_staff_totals_add_up_by_source_over_every_filtered_row(officer, enterprise_a):
    SupportActivityFactory(
        enterprise=enterprise_a, funding={"central_budget": 10_000_000, "enterprise": 5_000_000}
    )
    SupportActivityFactory(funding={"central_budget": 2_000_000, "provincial_budget": 3_000_000})
    SupportActivityFactory(funding={"central_budget": 999}, is_archived=True)
    response = client_for(officer).get(f"{SUPPORT}?per_page=20")
    totals = response.context["totals"]
    by_source = {source: amount for source, _label, amount in totals.by_source}
    assert by_source == {
        "central_budget": 12_000_000,
        "provincial_budget": 3_000_000,
        "local_budget": 0,
        "enterprise": 5_000_000,
        "other": 0,
    }
    assert totals.state_budget == 15_000_000
    assert totals.amount == 20_000_000
    assert (totals.activities, totals.enterprises) == (2, 2)
    assert "20.000.000 ₫" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2023", {"Năm 2023"}),
        ("kind=study_tour", {"Tham quan"}),
        ("source=enterprise", {"Năm 2023"}),
        ("q=tham+quan", {"Tham quan"}),
        ("q=che+tam+duong", {"Năm 2023", "Tham quan"}),  # the enterprise's name, no diacritics
        ("archived=yes", {"Lưu trữ"}),
    ],
)
def test_support_list_filters(officer, enterprise_a, query, expected):
    SupportActivityFactory(
        enterprise=enterprise_a,
        title="Năm 2023",
        provided_on=datetime.date(2023, 3, 1),
        funding={"enterprise": 1},
    )
    SupportActivityFactory(enterprise=enterprise_a, title="Tham quan", kind=SupportKind.STUDY_TOUR)
    SupportActivityFactory(title="Khác")
    SupportActivityFactory(title="Lưu trữ", is_archived=True)
    assert titles(client_for(officer).get(f"{SUPPORT}?{query}")) == expected


def test_support_list_by_tax_code_unit_and_expert(officer, enterprise_a, enterprise_b):
    expert = ExpertFactory()
    SupportActivityFactory(enterprise=enterprise_a, title="A", experts=[expert])
    SupportActivityFactory(enterprise=enterprise_b, title="B")
    client = client_for(officer)
    assert titles(client.get(f"{SUPPORT}?enterprise={enterprise_b.tax_code}")) == {"B"}
    assert titles(client.get(f"{SUPPORT}?admin_unit={enterprise_a.admin_unit_id}")) == {"A"}
    assert titles(client.get(f"{SUPPORT}?expert={expert.pk}")) == {"A"}


def test_expert_page_counts_the_enterprises_advised_in_the_users_scope(
    officer, ent_a, enterprise_a, enterprise_b
):
    expert = ExpertFactory(full_name="Lê Văn Thành")
    SupportActivityFactory(enterprise=enterprise_a, experts=[expert])
    SupportActivityFactory(enterprise=enterprise_a, experts=[expert])
    SupportActivityFactory(enterprise=enterprise_b, experts=[expert])
    SupportActivityFactory(enterprise=EnterpriseFactory(), experts=[expert], is_archived=True)
    staff = client_for(officer).get(expert.get_absolute_url())
    assert staff.context["object"].enterprise_count == 2
    assert {a["enterprise__name"]: a["turns"] for a in staff.context["advised"]} == {
        enterprise_a.name: 2,
        enterprise_b.name: 1,
    }
    own = client_for(ent_a).get(expert.get_absolute_url())
    assert own.context["object"].enterprise_count == 1
    assert [a["enterprise_id"] for a in own.context["advised"]] == [enterprise_a.pk]
    assert enterprise_b.name not in own.content.decode()
    listed = client_for(ent_a).get(EXPERTS)
    assert [r.record.enterprise_count for r in listed.context["table"].page.object_list] == [1]


def test_archived_expert_is_hidden_from_enterprises(officer, ent_a):
    expert = ExpertFactory(is_archived=True, full_name="Lưu Trữ")
    ExpertFactory(full_name="Đang Có")
    assert experts(client_for(ent_a).get(f"{EXPERTS}?archived=all")) == {"Đang Có"}
    assert client_for(ent_a).get(expert.get_absolute_url()).status_code == 404
    assert experts(client_for(officer).get(f"{EXPERTS}?archived=yes")) == {"Lưu Trữ"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=thanh", {"Lê Văn Thành"}),
        ("field=measurement", {"Phạm Thị Đo"}),
        ("certified_year=2019", {"Phạm Thị Đo"}),
        ("organisation=Viện+Đo+lường", {"Phạm Thị Đo"}),
        ("active=no", {"Phạm Thị Đo"}),
    ],
)
def test_expert_list_filters(officer, query, expected):
    ExpertFactory(full_name="Lê Văn Thành")
    ExpertFactory(
        full_name="Phạm Thị Đo",
        fields=["measurement"],
        certified_year=2019,
        organisation="Viện Đo lường",
        is_active=False,
    )
    assert experts(client_for(officer).get(f"{EXPERTS}?{query}")) == expected


def test_enterprise_page_shows_the_support_it_received(ent_a, officer, enterprise_a, enterprise_b):
    SupportActivityFactory(enterprise=enterprise_a, title="Tư vấn ISO 9001")
    SupportActivityFactory(enterprise=enterprise_b, title="Của B")
    page = client_for(ent_a).get(enterprise_a.get_absolute_url()).content.decode()
    assert "Tư vấn ISO 9001" in page
    assert "1 lượt hỗ trợ, tổng kinh phí 50.000.000 ₫" in page
    assert "Của B" not in page
    assert f"{CREATE}?enterprise=" not in page  # enterprises do not record support
    officer_page = client_for(officer).get(enterprise_a.get_absolute_url()).content.decode()
    assert f"{CREATE}?enterprise={enterprise_a.pk}" in officer_page


def test_navbar_groups_the_programme_pages(ent_a):
    page = client_for(ent_a).get(reverse("home")).content.decode()
    menu = page[page.index("Chương trình") :]
    for url in (reverse("programs:course_list"), EXPERTS, SUPPORT):
        assert f'class="dropdown-item" href="{url}"' in menu


# --- Forms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("50.000.000", 50_000_000),
        ("50,000,000", 50_000_000),
        ("50 000 000", 50_000_000),
        ("50000000 đ", 50_000_000),
        ("1.500.000₫", 1_500_000),
        ("0", 0),
    ],
)
def test_amounts_are_read_as_people_write_them(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize("text", ["1,5", "50.00.000", "abc", "-5", "1.500.000,50", "12.3456"])
def test_amounts_that_are_not_whole_dong_are_refused(text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_vnd(text)


def _post_data(**overrides):
    base = {
        "kind": "consulting",
        "title": "Tư vấn xây dựng hệ thống ISO 9001",
        "provided_on": "15/06/2022",
        "total": "80.000.000",
        "decision_number": "45/QĐ-SKHCN",
        "decision_date": "01/06/2022",
        "funding-TOTAL_FORMS": "5",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "5",
        "funding-MAX_NUM_FORMS": "5",
        "funding-0-source": "central_budget",
        "funding-0-amount": "50.000.000",
        "funding-1-source": "enterprise",
        "funding-1-amount": "30.000.000",
    }
    return {**base, **overrides}


def test_officer_picks_the_enterprise_by_tax_code_then_records_support(officer, enterprise_a):
    client = client_for(officer)
    response = client.get(f"{CREATE}?tax_code=0000000000")
    assert "Không có doanh nghiệp nào mang mã số thuế 0000000000" in response.content.decode()
    response = client.get(f"{CREATE}?tax_code={enterprise_a.tax_code}")
    assert response["Location"] == f"{CREATE}?enterprise={enterprise_a.pk}"
    tool = AdoptionFactory(enterprise=enterprise_a, standard=ToolFactory())
    form = client.get(response["Location"])
    assert list(form.context["form"].fields["adoption"].queryset) == [tool]
    expert = ExpertFactory()
    response = client.post(
        response["Location"],
        _post_data(
            kind="productivity_tool",
            adoption=tool.pk,
            experts=[expert.pk],
            decision_file=upload(pdf_bytes()),
        ),
    )
    activity = SupportActivity.objects.get()
    assert response["Location"] == activity.get_absolute_url()
    assert activity.enterprise == enterprise_a
    assert activity.provided_on == datetime.date(2022, 6, 15)
    assert dict(activity.fundings.values_list("source", "amount")) == {
        "central_budget": 50_000_000,
        "enterprise": 30_000_000,
    }
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "80.000.000 ₫" in page
    download = client.get(reverse("programs:support_decision_file", args=[activity.pk]))
    assert download["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"total": "90.000.000"}, "các nguồn cộng lại được 80.000.000 đồng (chênh 10.000.000"),
        ({"funding-1-source": "central_budget"}, "được nhập hai lần"),
        ({"funding-1-amount": "-30.000.000"}, "Số tiền không được âm"),
        ({"funding-1-amount": "30,5"}, "Số tiền không hợp lệ"),
        ({"funding-1-source": ""}, "Chọn nguồn của số tiền này"),
        ({"funding-2-source": "other"}, "Nhập số tiền của nguồn này"),
        ({"total": ""}, "This field is required|Trường này là bắt buộc"),
        ({"provided_on": "31/02/2022"}, "ngày|date"),
        ({"decision_date": "01/01/2099"}, "Ngày quyết định phải từ"),
        ({"funding-0-amount": "500.000.000.000"}, "Số tiền vượt 100.000.000.000 đồng"),
    ],
)
def test_support_form_refuses_bad_input_and_saves_nothing(officer, enterprise_a, overrides, text):
    response = client_for(officer).post(
        f"{CREATE}?enterprise={enterprise_a.pk}", _post_data(**overrides)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert any(option in page for option in text.split("|")), page[-4000:]
    assert not SupportActivity.objects.exists()


def test_adoption_of_another_enterprise_cannot_be_posted(officer, enterprise_a, enterprise_b):
    other = AdoptionFactory(enterprise=enterprise_b)
    response = client_for(officer).post(
        f"{CREATE}?enterprise={enterprise_a.pk}", _post_data(adoption=other.pk)
    )
    assert response.status_code == 200
    assert "adoption" in response.context["form"].errors
    assert not SupportActivity.objects.exists()


def test_two_officers_editing_one_activity(officer, enterprise_a):
    activity = SupportActivityFactory(enterprise=enterprise_a, title="Ban đầu")
    url = reverse("programs:support_update", args=[activity.pk])
    client = client_for(officer)
    form = client.get(url)
    assert form.context["form"].initial["total"] == 50_000_000
    data = _post_data(title="Lần một", version="1")
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "Lần hai"})
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác sửa" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "Lần một"
    assert activity.version == 2
    page = client.get(activity.get_absolute_url()).content.decode()
    # The funding rows' own history: the factory's row, then the officer's changes.
    assert "Lịch sử kinh phí" in page
    assert page.count("canbo") >= 2


def test_filtering_by_htmx_gets_the_results_with_their_totals(officer, enterprise_a):
    SupportActivityFactory(enterprise=enterprise_a, funding={"other": 7_000_000})
    response = client_for(officer).get(f"{SUPPORT}?kind=consulting", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'id="support-totals"' in page
    assert "7.000.000 ₫" in page
    assert "<html" not in page


def test_expert_form_saves_fields_and_shows_refusals(officer):
    client = client_for(officer)
    response = client.post(
        reverse("programs:expert_create"),
        {
            "full_name": "Lê Văn Thành",
            "field_list": ["standards", "productivity_tools"],
            "certified_year": "1980",
            "is_active": "on",
        },
    )
    assert "Năm được công nhận phải từ 2010" in response.content.decode()
    assert not Expert.objects.exists()
    response = client.post(
        reverse("programs:expert_create"),
        {"full_name": "Lê Văn Thành", "field_list": ["standards"], "certified_year": "2021"},
    )
    expert = Expert.objects.get()
    assert response["Location"] == expert.get_absolute_url()
    assert expert.fields == ["standards"]


def test_archive_and_restore_pages(officer, enterprise_a):
    activity = SupportActivityFactory(enterprise=enterprise_a)
    expert = ExpertFactory()
    client = client_for(officer)
    client.post(reverse("programs:support_archive", args=[activity.pk]))
    client.post(reverse("programs:expert_archive", args=[expert.pk]))
    activity.refresh_from_db()
    expert.refresh_from_db()
    assert activity.is_archived
    assert expert.is_archived
    client.post(reverse("programs:support_restore", args=[activity.pk]))
    activity.refresh_from_db()
    assert not activity.is_archived


# --- Exports ------------------------------------------------------------------------------------


def _export(user, name, fmt, query, capture):
    with capture(execute=True):
        response = client_for(user).post(reverse(name), {"format": fmt, "query": query})
    assert response.status_code == 302
    job = SupportExportJob.objects.filter(user=user).latest("created_at")
    assert job.state == "done", job.error
    download = client_for(user).get(job.get_download_url())
    return job, b"".join(download.streaming_content)


def test_support_export_keeps_codes_as_text_and_neutralises_formulas(
    officer, enterprise_a, django_capture_on_commit_callbacks
):
    expert = ExpertFactory(full_name="Lê Văn Thành")
    SupportActivityFactory(
        enterprise=enterprise_a,
        title='=HYPERLINK("http://x")',
        decision_number="0012/QĐ",
        experts=[expert],
        funding={"central_budget": 10_000_000, "enterprise": 2_500_000},
    )
    SupportActivityFactory(title="Không lọc", provided_on=datetime.date(2020, 1, 1))
    job, content = _export(
        officer,
        "programs:support_export_create",
        "xlsx",
        "year=2022",
        django_capture_on_commit_callbacks,
    )
    assert job.row_count == 1
    sheet = load_workbook(io.BytesIO(content)).active
    header, row = list(sheet.iter_rows(values_only=True))[:2]
    assert header[2] == "Mã số thuế"
    assert row[2] == enterprise_a.tax_code
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert row[4] == '=HYPERLINK("http://x")'
    assert sheet.cell(row=2, column=5).data_type == "s"  # text, never a formula
    assert row[6] == "Lê Văn Thành"
    assert row[7] == "0012/QĐ"
    assert row[9:15] == (10_000_000, 0, 0, 2_500_000, 0, 12_500_000)


def test_enterprise_export_holds_only_its_own_support_in_csv(
    ent_a, enterprise_a, enterprise_b, django_capture_on_commit_callbacks
):
    SupportActivityFactory(enterprise=enterprise_a, title="+Của A")
    SupportActivityFactory(enterprise=enterprise_b, title="Của B")
    _job, content = _export(
        ent_a, "programs:support_export_create", "csv", "", django_capture_on_commit_callbacks
    )
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[4] for r in rows[1:]] == ["'+Của A"]  # the formula prefix neutralised
    assert rows[1][2] == f'="{enterprise_a.tax_code}"'


def test_expert_export(officer, django_capture_on_commit_callbacks):
    ExpertFactory(full_name="Lê Văn Thành", phone="0912000111")
    ExpertFactory(full_name="Khác", is_active=False)
    job, content = _export(
        officer,
        "programs:expert_export_create",
        "xlsx",
        "active=yes",
        django_capture_on_commit_callbacks,
    )
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert job.row_count == 1
    assert rows[1][0] == "Lê Văn Thành"
    assert rows[1][2] == "Tiêu chuẩn, hệ thống quản lý; Công cụ cải tiến năng suất"
    assert rows[1][5] == "0912000111"


def test_export_jobs_belong_to_whoever_asked(officer, leader, django_capture_on_commit_callbacks):
    job, _content = _export(
        officer, "programs:expert_export_create", "csv", "", django_capture_on_commit_callbacks
    )
    assert client_for(leader).get(job.get_absolute_url()).status_code == 404
    assert client_for(officer).get(job.get_absolute_url()).status_code == 200


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "ent_a"])
def test_support_list_query_count_is_flat(persona, request, enterprise_a):
    user = request.getfixturevalue(persona)
    expert = ExpertFactory()

    codes = iter(range(1000))
    other = EnterpriseFactory()

    def add(n):
        for _ in range(n):
            standard = StandardFactory(code=f"TCVN {next(codes)}:2020")
            SupportActivityFactory(
                enterprise=enterprise_a,
                adoption=AdoptionFactory(enterprise=enterprise_a, standard=standard),
                experts=[expert],
                funding={"central_budget": 1, "enterprise": 2},
            )
            SupportActivityFactory(enterprise=other)

    client = client_for(user)
    client.get(SUPPORT)  # builds the unit catalogue (the filter's choices) once
    # session, user with roles; the page's rows and their count; the totals (counts, sums by
    # source); the experts of the filter; the bell.
    assert assert_queries_constant(client, SUPPORT, add) == 8


@pytest.mark.parametrize("persona", ["officer", "ent_a"])
def test_expert_list_and_page_query_counts_are_flat(persona, request, enterprise_a):
    user = request.getfixturevalue(persona)
    expert = ExpertFactory()
    other = EnterpriseFactory()

    def add(n):
        for _ in range(n):
            SupportActivityFactory(enterprise=enterprise_a, experts=[expert, ExpertFactory()])
            SupportActivityFactory(enterprise=other, experts=[expert])

    client = client_for(user)
    # session, user with roles; the page's ids, its rows (with the enterprises counted); the
    # organisations of the filter; the bell.
    assert assert_queries_constant(client, EXPERTS, add) == 6
    # session, user with roles; the expert (with the count); the enterprises advised (counted);
    # the latest activities (with totals); [staff: the history]; the bell.
    expected = 7 if persona == "officer" else 6
    assert assert_queries_constant(client, expert.get_absolute_url(), add) == expected


def test_support_page_and_enterprise_page_query_counts_are_flat(officer, enterprise_a):
    activity = SupportActivityFactory(enterprise=enterprise_a)

    def add(n):
        for _ in range(n):
            activity.experts.add(ExpertFactory())
            SupportActivityFactory(enterprise=enterprise_a)

    client = client_for(officer)
    # session, user with roles; the activity (with its total); its funding rows; its experts;
    # its history; its funding rows' history; the bell.
    assert assert_queries_constant(client, activity.get_absolute_url(), add) == 8
    client.get(enterprise_a.get_absolute_url())  # catalogues
    # The enterprise's page as before, plus its support: the latest rows, the counts, the sums.
    assert assert_queries_constant(client, enterprise_a.get_absolute_url(), add) == 15
