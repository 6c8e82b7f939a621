"""The template of each kind: an XLSX with the Vietnamese headers, code columns formatted as
text (so Excel keeps a tax code's leading zero), an example row, and a second sheet explaining
each column (what to write, whether it is required, the allowed values)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from laichau_nsc.exports import TEXT_FORMAT

from .columns import KIND_HELP, Kind
from .kinds import ImportSpec

#: Rows formatted in advance, so what people type or paste there stays text.
FORMATTED_ROWS = 1000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def build_template(spec: ImportSpec) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Dữ liệu")
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.title())
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.title()) + 4))
        if column.kind == Kind.CODE:
            for row in range(2, FORMATTED_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = TEXT_FORMAT
        elif column.kind == Kind.DATE:
            for row in range(2, FORMATTED_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    _guide(book.create_sheet(_("Hướng dẫn")), spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _guide(sheet, spec: ImportSpec) -> None:
    titles = [_("Cột"), _("Bắt buộc"), _("Kiểu dữ liệu"), _("Cách ghi"), _("Ví dụ")]
    for index, title in enumerate(titles, start=1):
        cell = sheet.cell(row=1, column=index, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row, column in enumerate(spec.columns, start=2):
        how = str(column.help)
        if column.choices:
            allowed = "; ".join(str(label) for _v, label in column.choices)
            how = f"{how} {_('Giá trị:')} {allowed}".strip()
        values = [
            column.title(),
            _("Có") if column.required else "",
            str(KIND_HELP[column.kind]),
            how,
            column.example,
        ]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.number_format = TEXT_FORMAT
    notes = [
        _("Dòng đầu của trang “Dữ liệu” là tên cột; giữ nguyên tên cột, có thể đổi thứ tự."),
        _("Cột có (*) là bắt buộc. Ngày ghi dd/mm/yyyy. Không dùng công thức."),
        _(
            "Các cột mã (mã số thuế, GTIN, điện thoại…) đã định dạng Văn bản để giữ số 0 ở đầu; "
            "khi dán từ tệp khác, hãy dùng “Dán giá trị”."
        ),
        _(
            "Dòng đã có trong hệ thống với cùng giá trị sẽ được bỏ qua; dòng đã có nhưng khác "
            "giá trị sẽ bị báo lỗi (nhập dữ liệu không sửa bản ghi đã có)."
        ),
    ]
    start = len(spec.columns) + 3
    for offset, note in enumerate(notes):
        sheet.cell(row=start + offset, column=1, value=note)
    for letter, width in zip("ABCDE", (34, 10, 28, 60, 28), strict=True):
        sheet.column_dimensions[letter].width = width
