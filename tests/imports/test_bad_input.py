"""The bad-input corpus: each file is refused with a Vietnamese message and nothing is written."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enterprises.models import Enterprise
from imports import services
from imports.models import ImportJob
from tests.conftest import client_for
from tests.enterprises.factories import valid_tax_code

from .files import csv_bytes, plain_xlsx, rezip, template_with_rows, upload

pytestmark = pytest.mark.django_db


def good_rows(n=2) -> list[dict]:
    return [
        {
            "tax_code": valid_tax_code(600 + i),
            "name": f"Công ty Số {i}",
            "legal_form": "Công ty cổ phần",
        }
        for i in range(n)
    ]


def good_xlsx() -> bytes:
    return template_with_rows("enterprises", good_rows())


def refused_at_upload(officer, content: bytes, name="du-lieu.xlsx") -> str:
    with pytest.raises(ValidationError) as caught:
        services.import_upload(user=officer, kind="enterprises", upload=upload(content, name))
    assert not ImportJob.objects.exists()
    assert not Enterprise.objects.exists()
    return " ".join(caught.value.messages)


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def test_billion_laughs_is_refused_before_parsing(officer):
    bomb = rezip(good_xlsx(), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    assert "DOCTYPE" in refused_at_upload(officer, bomb)


def test_openpyxl_parses_with_defusedxml_so_the_bomb_never_expands():
    from defusedxml import DTDForbidden, EntitiesForbidden

    assert openpyxl.DEFUSEDXML is True
    bomb = rezip(good_xlsx(), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})

    def read_all():
        book = openpyxl.load_workbook(io.BytesIO(bomb), read_only=True)
        return list(book.worksheets[0].iter_rows())

    with pytest.raises(Exception) as caught:  # noqa: PT011 - openpyxl wraps it in a ValueError
        read_all()
    chain, error = [], caught.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, EntitiesForbidden | DTDForbidden) for e in chain), chain


def test_zip_bomb_is_refused_from_the_declared_sizes_before_opening(officer, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the workbook must not be opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    # 50 MB of one character packs into ~50 KB: a ratio of ~1000.
    bomb = rezip(good_xlsx(), add={"xl/media/bomb.xml": b"A" * (50 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert "nén" in refused_at_upload(officer, bomb)


def test_too_much_unpacked_data_is_refused(officer, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 20_000
    assert "giải nén" in refused_at_upload(officer, good_xlsx())


def test_too_many_zip_members_are_refused(officer, settings):
    settings.IMPORT_MAX_ZIP_MEMBERS = 5
    assert "thành phần" in refused_at_upload(officer, good_xlsx())


def test_macro_workbook_renamed_xlsx_is_refused(officer):
    source = good_xlsx()
    types = zipfile.ZipFile(io.BytesIO(source)).read("[Content_Types].xml")
    macro_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro_types != types
    xlsm = rezip(source, replace={"[Content_Types].xml": macro_types})
    assert "macro" in refused_at_upload(officer, xlsm, "bao-cao.xlsx")
    with_vba = rezip(source, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 100})
    assert "macro" in refused_at_upload(officer, with_vba, "bao-cao.xlsx")


def test_oversized_file_is_refused(officer, settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert "vượt giới hạn" in refused_at_upload(officer, good_xlsx())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
        (b"%PDF-1.7\n\0\0\0binary", "không phải"),
        (b"PK\x03\x04 broken zip", "hỏng"),
        (b"", "rỗng"),
    ],
)
def test_files_that_are_not_tables_are_refused(officer, content, expected):
    assert expected in refused_at_upload(officer, content)


def test_formula_cells_refuse_their_row_and_nothing_is_written(officer, run_import):
    rows = good_rows()
    rows[1]["name"] = '=HYPERLINK("http://x.example","Bấm vào")'
    job = run_import(officer, "enterprises", upload(template_with_rows("enterprises", rows)))
    assert job.state == "done"
    assert job.error_count == 1
    message = job.messages[0]
    assert (message["row"], message["column"]) == (3, "Tên doanh nghiệp")
    assert "công thức" in message["message"]
    assert not job.can_confirm
    with pytest.raises(ValidationError):
        services.import_confirm(preview=job, user=officer)
    assert not Enterprise.objects.exists()


def test_formula_typed_as_text_in_csv_is_refused(officer, run_import):
    rows = good_rows()
    rows[0]["name"] = "=cmd|' /C calc'!A0"
    job = run_import(officer, "enterprises", upload(csv_bytes("enterprises", rows), "dn.csv"))
    assert job.error_count == 1
    assert "công thức" in job.messages[0]["message"]
    assert not Enterprise.objects.exists()


def test_too_many_rows_fail_the_check_and_write_nothing(officer, run_import, settings):
    settings.IMPORT_MAX_ROWS = 1
    job = run_import(officer, "enterprises", upload(good_xlsx()))
    assert job.state == "failed"
    assert "hơn 1 dòng" in job.error
    assert not Enterprise.objects.exists()


def test_missing_required_column_fails_the_check(officer, run_import):
    content = plain_xlsx(["Tên doanh nghiệp (*)"], [["Công ty A"]])
    job = run_import(officer, "enterprises", upload(content))
    assert job.state == "failed"
    assert "Mã số thuế" in job.error


def test_one_bad_row_means_no_row_is_written_even_if_confirmed_after_a_change(
    officer, run_import, django_capture_on_commit_callbacks
):
    """All rows or none: the database changed between the check and the write."""
    from tests.enterprises.factories import EnterpriseFactory

    rows = good_rows(3)
    preview = run_import(officer, "enterprises", upload(template_with_rows("enterprises", rows)))
    assert preview.can_confirm
    EnterpriseFactory(tax_code=rows[2]["tax_code"], name="Ai đó vừa nhập tay")
    with django_capture_on_commit_callbacks(execute=True):
        commit = services.import_confirm(preview=preview, user=officer)
    commit.refresh_from_db()
    assert commit.state == "done"
    assert commit.error_count >= 1
    assert not commit.committed
    assert Enterprise.objects.count() == 1  # only the one typed in by hand


def test_upload_page_shows_the_refusal_instead_of_a_500(officer, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = client_for(officer).post(
        reverse("imports:upload", args=["enterprises"]),
        {"file": upload(good_xlsx())},
    )
    assert response.status_code == 400
    assert "vượt giới hạn" in response.content.decode()
    assert not ImportJob.objects.exists()
