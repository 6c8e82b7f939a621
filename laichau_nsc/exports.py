"""Writing tables to XLSX and CSV for download, safe to open in a spreadsheet.

A cell that starts with ``= + - @`` (or a tab / carriage return) would run as a formula in Excel
or LibreOffice ("CSV injection"). CSV cells get a leading apostrophe; XLSX cells are written as
explicit text, so the value is shown exactly as typed and never evaluated.
"""

import csv
import datetime
from collections.abc import Iterable, Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return neutralise(str(value)) if isinstance(value, str) else str(value)


def write_csv(fileobj: IO[str], headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    """UTF-8 with BOM so Excel opens Vietnamese text correctly; returns the row count."""
    fileobj.write("\ufeff")
    writer = csv.writer(fileobj)
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        count += 1
    return count


def write_xlsx(
    fileobj: IO[bytes], title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> int:
    """A streaming (write-only) workbook with one sheet; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
        count += 1
    workbook.save(fileobj)
    return count


def _xlsx_cell(sheet, value):
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "dd/mm/yyyy"
        return cell
    if isinstance(value, str):
        # Control characters cannot be stored in XLSX; one would fail the whole export.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    return value
