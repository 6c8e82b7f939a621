"""Reading an uploaded table safely: XLSX (streamed with openpyxl's read-only mode) or CSV.

Refused before any row is read, with a Vietnamese message and nothing kept:

- a file over ``IMPORT_MAX_BYTES``, or neither an XLSX workbook nor text (an old .xls, a PDF);
- an XLSX whose zip declares more than ``IMPORT_MAX_UNPACKED_BYTES`` unpacked, or a member
  packed more than ``IMPORT_MAX_RATIO`` times (a zip bomb), or too many members. The sizes are
  the zip directory's; the reader then never unpacks more than they say (``zipfile`` stops a
  member that grows past its declared size);
- an XLSX with macros (a .xlsm renamed: the macro content types or ``vbaProject.bin``);
- XML with a DOCTYPE (entity tricks such as "billion laughs"). openpyxl parses with defusedxml
  when it is installed (``openpyxl.DEFUSEDXML``, checked by the tests), which refuses them too;
  this check gives the user a clear message before that.

Rows are then streamed (never the whole sheet in memory) up to ``IMPORT_MAX_ROWS``; a formula
cell, or text starting with "=", is refused in the row that has it.

CSV: UTF-8 with or without a BOM; otherwise Windows-1258 (what Vietnamese Excel saves as
"CSV"). The delimiter is a comma or a semicolon (Excel with a Vietnamese locale writes ";"),
decided by the header line.
"""

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX = "xlsx"
CSV = "csv"

MACRO_MARKERS = (b"macroenabled", b"vbaproject", b"application/vnd.ms-office.activex")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, and .xlsx protected with a password


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def refuse(message: str, code: str = "import_file") -> ValidationError:
    return ValidationError(message, code=code)


def detect_format(head: bytes, name: str) -> str:
    """XLSX by its zip signature, CSV by being text; anything else is refused."""
    if head.startswith(ZIP_MAGIC):
        return XLSX
    if head.startswith(OLE_MAGIC):
        raise refuse(
            _(
                "Tệp là bảng tính Excel kiểu cũ (.xls) hoặc có đặt mật khẩu. Hãy mở bằng Excel, "
                "bỏ mật khẩu nếu có và lưu lại dạng “Excel Workbook (.xlsx)”."
            ),
            "old_excel",
        )
    if b"\x00" in head:
        raise refuse(_("Tệp không phải bảng tính .xlsx hoặc tệp văn bản .csv."), "not_table")
    return CSV


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise refuse(
            _("Tệp lớn %(size)s, vượt giới hạn %(limit)s. Hãy chia thành nhiều tệp nhỏ hơn.")
            % {"size": _mb(size), "limit": _mb(limit)},
            "too_big",
        )
    if size == 0:
        raise refuse(_("Tệp rỗng."), "empty")


def check_xlsx(fileobj: IO[bytes]) -> None:
    """Zip bomb, macros and DOCTYPE checks on the zip's directory and the XML heads."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError):
        raise refuse(_("Tệp .xlsx bị hỏng hoặc không phải tệp Excel."), "bad_zip") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > settings.IMPORT_MAX_ZIP_MEMBERS:
            raise refuse(_("Tệp .xlsx có quá nhiều thành phần bên trong."), "zip_members")
        unpacked = sum(info.file_size for info in infos)
        if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
            raise refuse(
                _(
                    "Tệp .xlsx khi giải nén lớn %(size)s, vượt giới hạn %(limit)s (có thể là tệp "
                    "nén độc hại). Hãy chia thành nhiều tệp nhỏ hơn."
                )
                % {"size": _mb(unpacked), "limit": _mb(settings.IMPORT_MAX_UNPACKED_BYTES)},
                "zip_bomb",
            )
        for info in infos:
            packed = max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and info.file_size / packed > settings.IMPORT_MAX_RATIO:
                raise refuse(
                    _("Tệp .xlsx có tỉ lệ nén bất thường (có thể là tệp nén độc hại)."), "zip_bomb"
                )
        names = {info.filename.lower() for info in infos}
        if any(name.endswith("vbaproject.bin") for name in names):
            raise refuse(_macro_message(), "macro")
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise refuse(
                    _("Tệp là Excel dạng nhị phân (.xlsb). Hãy lưu lại dạng .xlsx."), "xlsb"
                )
            raise refuse(_("Tệp .xlsx thiếu thành phần bảng tính; hãy lưu lại bằng Excel."))
        types = archive.read("[Content_Types].xml").lower()
        if any(marker in types for marker in MACRO_MARKERS):
            raise refuse(_macro_message(), "macro")
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels")):
                with archive.open(info) as member:
                    head = member.read(4096).lower()
                if b"<!doctype" in head or b"<!entity" in head:
                    raise refuse(
                        _("Tệp .xlsx chứa khai báo XML không được phép (DOCTYPE/ENTITY)."),
                        "xml_doctype",
                    )


def _macro_message() -> str:
    return _(
        "Tệp có macro (Excel .xlsm đổi tên thành .xlsx). Vì an toàn, hệ thống không nhận tệp có "
        "macro: hãy lưu lại dạng “Excel Workbook (.xlsx)”."
    )


# --- Rows ---------------------------------------------------------------------------------------


@dataclass
class Cell:
    """A cell's value as the file holds it: text (CSV, text cells) or a number, date, bool."""

    value: Any
    formula: bool = False

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[Cell]]]  # (row number as the user sees it, cells)


def open_table(fileobj: IO[bytes], fmt: str) -> Table:
    return _xlsx_table(fileobj) if fmt == XLSX else _csv_table(fileobj)


def _xlsx_table(fileobj: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet; data_only=False keeps formulas as formulas (refused).
        book = load_workbook(fileobj, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise refuse(_("Không đọc được tệp .xlsx; hãy mở bằng Excel và lưu lại.")) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows()
    header_row = next(rows, None)
    if header_row is None:
        book.close()
        raise refuse(_("Trang tính đầu tiên không có dòng tiêu đề."), "no_header")
    headers = [_header_text(c.value) for c in header_row]

    def cells() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for number, row in enumerate(rows, start=2):
                yield number, [_xlsx_cell(c) for c in row]
        finally:
            book.close()

    return Table(headers, cells())


def _header_text(value) -> str:
    return "" if value is None else str(value).strip()


def _xlsx_cell(cell) -> Cell:
    value = getattr(cell, "value", None)
    formula = getattr(cell, "data_type", None) == "f"
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()
    return Cell(value, formula)


def decode_csv(fileobj: IO[bytes]) -> io.TextIOBase:
    """UTF-8 (a BOM is dropped) if the whole file decodes as UTF-8, else Windows-1258.

    The check reads the file in chunks with an incremental decoder, so memory stays bounded.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding = "utf-8-sig"
    try:
        for chunk in iter(lambda: fileobj.read(256 * 1024), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        encoding = "cp1258"
    fileobj.seek(0)
    return io.TextIOWrapper(fileobj, encoding=encoding, newline="")


def _csv_table(fileobj: IO[bytes]) -> Table:
    text = decode_csv(fileobj)
    first = text.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header_row = next(reader, None)
    except csv.Error:
        header_row = None
    if not header_row:
        raise refuse(_("Tệp .csv không có dòng tiêu đề."), "no_header")
    headers = [h.strip() for h in header_row]

    def cells() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for row in reader:
                yield reader.line_num, [Cell(v) for v in row]
        except csv.Error as error:
            raise refuse(
                _("Tệp .csv sai định dạng ở dòng %(row)s: %(error)s")
                % {"row": reader.line_num, "error": error}
            ) from None

    return Table(headers, cells())
