"""Writing tables to XLSX and CSV for download, safe to open in a spreadsheet.

A cell that starts with ``= + - @`` (or a tab / carriage return) would run as a formula in Excel
or LibreOffice ("CSV injection"). CSV cells get a leading apostrophe; XLSX cells are written as
explicit text, so the value is shown exactly as typed and never evaluated.

Codes (tax codes, personal IDs, GTINs, phone numbers…) must stay text: Excel drops a leading zero
of a number and shows 12–13 digits as ``1.2E+11``. A caller declares such columns with
``Column(header, kind=ColumnKind.CODE)``; XLSX writes them as text cells with the text format
``@``, CSV as ``="0123456789"`` (the only formula we ever write, and only around digits, dashes
and spaces, so nothing a user typed can run).
"""

import csv
import datetime
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What a code cell may hold to be written as ="…" in CSV: nothing that could close the quotes.
SAFE_CODE_RE = re.compile(r"[0-9][0-9 -]*")
TEXT_FORMAT = "@"
DATE_FORMAT = "dd/mm/yyyy"


class ColumnKind(enum.StrEnum):
    TEXT = "text"
    #: An identifier made of digits: kept as text so no leading zero or digit is lost.
    CODE = "code"
    DATE = "date"
    NUMBER = "number"


# Column widths in characters when a column does not give its own.
DEFAULT_WIDTHS = {
    ColumnKind.TEXT: 20,
    ColumnKind.CODE: 16,
    ColumnKind.DATE: 12,
    ColumnKind.NUMBER: 12,
}


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (may be a lazy translation), kind and width.

    The kind only changes how a value is written when it matters (codes); dates and numbers are
    recognised by their type anyway.
    """

    header: Any
    kind: ColumnKind = ColumnKind.TEXT
    width: float | None = None

    @property
    def title(self) -> str:
        return str(self.header)

    @property
    def display_width(self) -> float:
        # Wide enough for the header (bold, with the filter button) and the usual content; a
        # streaming sheet cannot measure its rows, which are written after the widths.
        return max(self.width or DEFAULT_WIDTHS[self.kind], min(len(self.title) + 4, 40))


def as_columns(columns: Sequence["Column | str"]) -> list[Column]:
    """Plain header strings are text columns."""
    return [c if isinstance(c, Column) else Column(c) for c in columns]


def _kind(kinds: Sequence[ColumnKind], index: int) -> ColumnKind:
    return kinds[index] if index < len(kinds) else ColumnKind.TEXT


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_value(value, kind: ColumnKind = ColumnKind.TEXT) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if kind == ColumnKind.CODE and SAFE_CODE_RE.fullmatch(str(value)):
        # Excel guesses a number from "0100109106"; a formula returning the text keeps it.
        return f'="{value}"'
    return neutralise(str(value)) if isinstance(value, str) else str(value)


def write_csv(fileobj: IO[str], columns: Sequence[Column | str], rows: Iterable[Sequence]) -> int:
    """UTF-8 with BOM so Excel opens Vietnamese text correctly; returns the row count."""
    spec = as_columns(columns)
    kinds = [c.kind for c in spec]
    fileobj.write("\ufeff")
    writer = csv.writer(fileobj)
    writer.writerow([c.title for c in spec])
    count = 0
    for row in rows:
        writer.writerow([_csv_value(v, _kind(kinds, i)) for i, v in enumerate(row)])
        count += 1
    return count


def write_xlsx(
    fileobj: IO[bytes], title: str, columns: Sequence[Column | str], rows: Iterable[Sequence]
) -> int:
    """A streaming (write-only) workbook with one sheet; returns the row count.

    The header row is frozen and carries an autofilter over the data; columns get their widths.
    A write-only sheet writes its widths and panes before the first row and its filter after
    the last, so memory stays bounded whatever the number of rows.
    """
    return write_xlsx_sheets(fileobj, [Sheet(title, columns, rows)])[0]


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title, columns and rows."""

    title: str
    columns: Sequence[Column | str]
    rows: Iterable[Sequence]


def write_xlsx_sheets(fileobj: IO[bytes], sheets: Iterable[Sheet]) -> list[int]:
    """A streaming workbook with several sheets (as ``write_xlsx``); the row count of each."""
    workbook = Workbook(write_only=True)
    counts = [_write_sheet(workbook, sheet) for sheet in sheets]
    workbook.save(fileobj)
    return counts


def _write_sheet(workbook: Workbook, spec_sheet: Sheet) -> int:
    spec = as_columns(spec_sheet.columns)
    sheet = workbook.create_sheet(title=spec_sheet.title[:31])
    for index, column in enumerate(spec, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.display_width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for column in spec:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    kinds = [c.kind for c in spec]
    count = 0
    for row in spec_sheet.rows:
        sheet.append([_xlsx_cell(sheet, v, _kind(kinds, i)) for i, v in enumerate(row)])
        count += 1
    if spec:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec))}{count + 1}"
    return count


def _xlsx_cell(sheet, value, kind: ColumnKind = ColumnKind.TEXT):
    if value is None:
        return None
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if kind == ColumnKind.CODE or isinstance(value, str):
        # Control characters cannot be stored in XLSX; one would fail the whole export.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"  # never a formula or a number, whatever the text looks like
        if kind == ColumnKind.CODE:
            cell.number_format = TEXT_FORMAT  # and stays text when someone edits it in Excel
        return cell
    return value
