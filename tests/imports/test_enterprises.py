import datetime

import pytest

from enterprises.models import Enterprise
from tests.enterprises.factories import (
    AdministrativeUnitFactory,
    EnterpriseFactory,
    SectorFactory,
    valid_tax_code,
)

from .files import csv_bytes, plain_xlsx, template_with_rows, upload

pytestmark = pytest.mark.django_db


def enterprise_row(n: int, **extra) -> dict:
    return {
        "tax_code": valid_tax_code(500 + n),
        "name": f"Hợp tác xã Chè Số {n}",
        "legal_form": "Hợp tác xã",
        "employees": 12,
        "founded_on": datetime.date(2019, 3, 15),
        **extra,
    }


def test_template_round_trip_writes_every_row_with_history_naming_the_import(officer, run_import):
    sector = SectorFactory(version="VSIC2025", code="01", level="division")
    unit = AdministrativeUnitFactory(code="03199")
    rows = [enterprise_row(1, sector="01", admin_unit="03199"), enterprise_row(2)]
    preview = run_import(officer, "enterprises", upload(template_with_rows("enterprises", rows)))
    assert preview.state == "done", preview.error
    assert (preview.row_count, preview.created_count, preview.error_count) == (2, 2, 0)
    assert not Enterprise.objects.exists()  # the check wrote nothing

    run_import(officer, "enterprises", upload(template_with_rows("enterprises", rows)))
    commit = run_import(
        officer, "enterprises", upload(template_with_rows("enterprises", rows)), confirm=True
    )
    assert commit.state == "done", commit.messages
    assert commit.committed, commit.messages
    first = Enterprise.objects.get(tax_code=rows[0]["tax_code"])
    assert (first.sector, first.admin_unit, first.employees) == (sector, unit, 12)
    assert first.legal_form == "cooperative"
    history = first.history.get()
    assert history.history_user == officer
    assert "Nhập dữ liệu" in history.history_change_reason
    assert "dòng 2" in history.history_change_reason


def test_reimporting_the_same_file_changes_nothing(officer, run_import):
    content = template_with_rows("enterprises", [enterprise_row(1), enterprise_row(2)])
    run_import(officer, "enterprises", upload(content), confirm=True)
    histories = Enterprise.history.count()
    again = run_import(officer, "enterprises", upload(content))
    assert (again.created_count, again.unchanged_count, again.error_count) == (0, 2, 0)
    assert not again.can_confirm
    assert Enterprise.history.count() == histories


def test_existing_record_with_other_values_is_refused_not_overwritten(officer, run_import):
    existing = EnterpriseFactory(tax_code=valid_tax_code(501), name="Tên cũ")
    job = run_import(
        officer, "enterprises", upload(template_with_rows("enterprises", [enterprise_row(1)]))
    )
    # Every differing column is named (name, legal form, employees, founded), on row 2.
    by_column = {m["column"]: m for m in job.messages}
    assert {m["row"] for m in job.messages} == {2}
    assert "Tên cũ" in by_column["Tên doanh nghiệp"]["message"]
    assert job.error_count == len(job.messages) >= 1
    existing.refresh_from_db()
    assert existing.name == "Tên cũ"


def test_duplicate_key_within_the_file_is_refused(officer, run_import):
    row = enterprise_row(1)
    job = run_import(
        officer,
        "enterprises",
        upload(template_with_rows("enterprises", [row, {**row, "name": "Khác"}])),
    )
    assert job.error_count == 1
    assert job.messages[0]["row"] == 3
    assert "Trùng với dòng 2" in job.messages[0]["message"]


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ","), ("cp1258", ";")]
)
def test_csv_in_utf8_with_or_without_bom_and_windows_1258(officer, run_import, encoding, delimiter):
    row = enterprise_row(1, name="Hợp tác xã Chè Tả Lèng", founded_on="15/03/2019")
    content = csv_bytes("enterprises", [row], encoding=encoding, delimiter=delimiter)
    job = run_import(officer, "enterprises", upload(content, "dn.csv"), confirm=True)
    assert job.committed, job.messages
    assert Enterprise.objects.get().name == "Hợp tác xã Chè Tả Lèng"  # NFC, as typed


def test_tax_code_that_lost_its_leading_zero_is_restored_only_when_unambiguous(officer, run_import):
    code = valid_tax_code(3, prefix="01")  # Hà Nội: starts with 0
    # A plain workbook: Excel stored the codes as numbers.
    header = ["Mã số thuế (*)", "Tên doanh nghiệp (*)", "Loại hình (*)"]
    content = plain_xlsx(header, [[int(code), "Công ty A", "Công ty cổ phần"]])
    job = run_import(officer, "enterprises", upload(content), confirm=True)
    assert job.committed, job.messages
    assert Enterprise.objects.get().tax_code == code
    notes = [m for m in job.preview.messages if m["level"] == "note"]
    assert len(notes) == 1
    assert code in notes[0]["message"]


def test_ambiguous_numeric_tax_code_is_refused_with_a_text_format_message(officer, run_import):
    # 10 digits, valid as a tax code and as a 12-digit personal ID with two zeros lost.
    code = valid_tax_code(7)
    header = ["Mã số thuế (*)", "Tên doanh nghiệp (*)", "Loại hình (*)"]
    content = plain_xlsx(header, [[int(code), "Hộ kinh doanh B", "Hộ kinh doanh"]])
    job = run_import(officer, "enterprises", upload(content))
    assert job.error_count == 1
    assert "Văn bản (Text)" in job.messages[0]["message"]


def test_short_text_tax_code_hints_at_the_lost_zero(officer, run_import):
    content = csv_bytes("enterprises", [enterprise_row(1, tax_code="102345678")])
    job = run_import(officer, "enterprises", upload(content, "dn.csv"))
    assert job.error_count == 1
    assert "số 0 ở đầu" in job.messages[0]["message"]


def test_text_goes_through_the_projects_normalisation(officer, run_import):
    decomposed = "Ho\u031b\u0323p ta\u0301c xa\u0303"  # NFD, as some tools write it
    row = enterprise_row(
        1, name=f"  {decomposed}\u200b  Chè\tTả   Lèng ", phone="０２１３ ３８７６ １２３"
    )
    job = run_import(
        officer, "enterprises", upload(template_with_rows("enterprises", [row])), confirm=True
    )
    assert job.committed, job.messages
    enterprise = Enterprise.objects.get()
    assert enterprise.name == "Hợp tác xã Chè Tả Lèng"
    assert enterprise.phone == "0213 3876 123"  # full-width digits: NFKC for codes
