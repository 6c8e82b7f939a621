"""Builders of import files for the tests: good ones from the templates, bad ones by hand."""

import csv
import io
import unicodedata
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from imports.kinds import SPECS
from imports.templates_xlsx import build_template


def headers(kind: str) -> list[str]:
    return [c.title() for c in SPECS[kind].columns]


def template_with_rows(kind: str, rows: list[dict]) -> bytes:
    """The kind's own template (text-formatted code columns) with ``rows`` typed in."""
    book = load_workbook(io.BytesIO(build_template(SPECS[kind])))
    sheet = book.worksheets[0]
    names = [c.name for c in SPECS[kind].columns]
    for r, row in enumerate(rows, start=2):
        for name, value in row.items():
            sheet.cell(row=r, column=names.index(name) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_xlsx(header_row: list, rows: list[list]) -> bytes:
    """A workbook as people make it: no text formatting (numbers stay numbers)."""
    book = Workbook()
    sheet = book.active
    sheet.append(header_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(kind: str, rows: list[dict], *, encoding="utf-8-sig", delimiter=",") -> bytes:
    names = [c.name for c in SPECS[kind].columns]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers(kind))
    for row in rows:
        writer.writerow([row.get(n, "") for n in names])
    if encoding == "cp1258":
        return to_cp1258(out.getvalue())
    return out.getvalue().encode(encoding)


TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: the letters with circumflex, breve and horn are
    one byte, the tone marks separate combining bytes ("ã" is "a" + U+0303)."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        kept = "".join(m for m in marks if m not in TONES)
        tone = "".join(m for m in marks if m in TONES)
        out.append((unicodedata.normalize("NFC", base + kept) + tone).encode("cp1258"))
    return b"".join(out)


def upload(content: bytes, name: str = "du-lieu.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def rezip(
    xlsx: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """The workbook with members replaced or added (macros, DOCTYPEs, …)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()
