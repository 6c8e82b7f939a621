"""The XLSX and CSV writers every export uses: codes stay text, the sheet is easy to work in."""

import csv
import datetime
import io

from openpyxl import load_workbook

from laichau_nsc.exports import Column, ColumnKind, write_csv, write_xlsx

COLUMNS = [
    Column("Tên", width=40),
    Column("Mã số thuế", ColumnKind.CODE),
    Column("Ngày thành lập", ColumnKind.DATE),
    Column("Số lao động", ColumnKind.NUMBER),
]
ROWS = [
    ["=1+1", "0100109106", datetime.date(2020, 1, 2), 12],
    ["Hộ kinh doanh Lò Văn A", "001203004567", None, None],
    ["Chi nhánh", "0100109106-001", datetime.date(2021, 3, 4), 0],
]


def xlsx(columns=COLUMNS, rows=ROWS):
    buffer = io.BytesIO()
    count = write_xlsx(buffer, "Doanh nghiệp", columns, rows)
    buffer.seek(0)
    return count, load_workbook(buffer).active


def test_xlsx_header_row_is_frozen_and_filtered_over_the_data():
    count, sheet = xlsx()
    assert count == 3
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D4"
    assert sheet["A1"].font.bold


def test_xlsx_columns_have_widths_from_their_spec():
    _count, sheet = xlsx()
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert widths["A"] == 40
    assert widths["B"] >= 14  # a 14-character branch code fits
    assert widths["C"] >= len("Ngày thành lập")


def test_xlsx_codes_stay_text_with_the_text_format():
    _count, sheet = xlsx()
    for row, code in ((2, "0100109106"), (3, "001203004567"), (4, "0100109106-001")):
        cell = sheet.cell(row=row, column=2)
        assert cell.value == code
        assert cell.data_type == "s"
        assert cell.number_format == "@"


def test_xlsx_code_given_as_a_number_is_written_as_text():
    _count, sheet = xlsx([Column("GTIN", ColumnKind.CODE)], [[8934567890128]])
    assert sheet["A2"].value == "8934567890128"
    assert sheet["A2"].number_format == "@"


def test_xlsx_dates_numbers_and_formulas():
    _count, sheet = xlsx()
    assert sheet["C2"].value == datetime.datetime(2020, 1, 2)
    assert sheet["C2"].number_format == "dd/mm/yyyy"
    assert sheet["D2"].value == 12
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"  # shown as typed, never evaluated


def test_xlsx_of_no_rows_filters_the_header_only():
    _count, sheet = xlsx(rows=[])
    assert sheet.auto_filter.ref == "A1:D1"


def test_xlsx_takes_plain_headers_as_text_columns():
    _count, sheet = xlsx(["Tên", "Mã"], [["A", "0123"]])
    assert sheet["B2"].value == "0123"
    assert sheet["B2"].number_format == "General"


def read_csv(columns=COLUMNS, rows=ROWS) -> list[list[str]]:
    text = io.StringIO(newline="")
    write_csv(text, columns, rows)
    value = text.getvalue()
    assert value.startswith("\ufeff")
    return list(csv.reader(io.StringIO(value[1:])))


def test_csv_codes_are_text_formulas_excel_cannot_read_as_numbers():
    rows = read_csv()
    assert rows[0] == ["Tên", "Mã số thuế", "Ngày thành lập", "Số lao động"]
    assert [r[1] for r in rows[1:]] == [
        '="0100109106"',
        '="001203004567"',
        '="0100109106-001"',
    ]


def test_csv_code_column_with_other_characters_is_neutralised_not_wrapped():
    rows = read_csv([Column("Điện thoại", ColumnKind.CODE)], [["-1+2"], ['0"+1'], ["+84 912"]])
    assert [r[0] for r in rows[1:]] == ["'-1+2", '0"+1', "'+84 912"]


def test_csv_text_columns_stay_neutralised_and_dates_are_day_first():
    rows = read_csv()
    assert rows[1][0] == "'=1+1"
    assert rows[1][2] == "02/01/2020"
    assert rows[2][2:] == ["", ""]
