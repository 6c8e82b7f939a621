"""The yearly report's three files, written from its snapshot (``report_figures``) only.

- ``write_report_xlsx``: the indicator table and one sheet per breakdown (header frozen, widths
  set) through the portal's export helper;
- ``write_report_docx``: the report in the administrative format of Decree 30/2020/NĐ-CP
  (``shared/data/decree30_layout.md``) with python-docx, Times New Roman named throughout, as
  officers open it in Word;
- ``render_report_pdf``: the same report through ``laichau_nsc.pdf`` (WeasyPrint, a serif with
  full Vietnamese coverage, NFC text).

The report is an official Vietnamese document: its text is Vietnamese whatever the portal's
language (as the certificate of completion), so it is not marked for translation.
"""

from typing import IO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from laichau_nsc.exports import Column, ColumnKind, Sheet, write_xlsx_sheets
from laichau_nsc.pdf import render_pdf
from laichau_nsc.text import nfc

from .report_figures import Figure, ReportContent, as_number, number_text

FONT = "Times New Roman"
BODY_SIZE = 14
TABLE_SIZE = 12
TABLE_STYLE = "Table Text"  # style id "TableText"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
# Page text width: A4 210 mm less the left (30) and right (15) margins.
TEXT_WIDTH_MM = 165


# --- XLSX ----------------------------------------------------------------------------------

INDICATOR_COLUMNS = (
    Column("Mã chỉ tiêu", ColumnKind.CODE, width=28),
    Column("Nhóm", width=24),
    Column("Chỉ tiêu", width=60),
    Column("Đơn vị tính", width=14),
    Column("Giá trị", ColumnKind.NUMBER, width=14),
    Column("Nguồn số liệu", width=16),
    Column("Kế hoạch", ColumnKind.NUMBER, width=12),
    Column("Tiến độ", width=18),
    Column("Cách tính", width=60),
)
BREAKDOWN_COLUMNS = (
    Column("Mã chỉ tiêu", ColumnKind.CODE, width=28),
    Column("Chỉ tiêu", width=60),
    Column("Đơn vị tính", width=14),
    Column("Mã nhóm", ColumnKind.CODE, width=14),
    Column("Nhóm", width=40),
    Column("Giá trị", ColumnKind.NUMBER, width=14),
)


def write_report_xlsx(content: ReportContent, fileobj: IO[bytes]) -> None:
    sheets = [
        Sheet(
            f"Chỉ tiêu năm {content.year}",
            INDICATOR_COLUMNS,
            (_indicator_row(f) for f in content.figures),
        )
    ]
    for by in content.breakdown_keys:
        rows = [
            (f.code, nfc(f.name), f.unit, row.key, nfc(row.label), as_number(row.value))
            for f in content.figures
            for breakdown in f.breakdowns
            if breakdown.by == by
            for row in breakdown.rows
        ]
        title = next(b.title for f in content.figures for b in f.breakdowns if b.by == by)
        sheets.append(Sheet(title, BREAKDOWN_COLUMNS, rows))
    write_xlsx_sheets(fileobj, sheets)


def _indicator_row(f: Figure) -> tuple:
    value = None if f.source == "missing" else as_number(f.value)
    return (
        f.code,
        nfc(f.group),
        nfc(f.name),
        f.unit,
        value,
        f.source_label,
        as_number(f.target),
        f.progress,
        nfc(f.how),
    )


# --- DOCX ----------------------------------------------------------------------------------


def write_report_docx(content: ReportContent, fileobj: IO[bytes]) -> None:
    document = Document()
    _page_setup(document)
    _header_blocks(document, content)
    _title(document, content)
    _body(document, content)
    _signature(document, content)
    _appendices(document, content)
    document.core_properties.title = nfc(f"Báo cáo {content.title}")
    document.core_properties.language = "vi-VN"
    document.save(fileobj)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    # Page numbers centred in the top margin, none on the first page.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    _east_asian_font(normal.element)
    normal.paragraph_format.space_after = Pt(0)
    # Table cells: 12 pt, no space after (one style element per cell, not three).
    cells = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = normal
    cells.font.size = Pt(TABLE_SIZE)


def _east_asian_font(element) -> None:
    """python-docx names only the Latin font; Word picks the others from these attributes."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    _font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:
    """Only what differs from the Normal style (Times New Roman 14, named for every script):
    a report holds hundreds of runs, and each property set is an XML element."""
    if size != BODY_SIZE:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if italic:
        run.font.italic = True


def _line(container, text: str, size: float, *, bold=False, italic=False, align="center"):
    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    paragraph.paragraph_format.space_after = Pt(0)
    _font(paragraph.add_run(nfc(text)), size, bold=bold, italic=italic)
    return paragraph


def _rule(container, width_mm: float, cell_mm: float) -> None:
    """A short solid line, centred: the bottom border of an empty, narrow paragraph."""
    paragraph = container.add_paragraph()
    indent = Mm(max(0.0, (cell_mm - width_mm) / 2))
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = indent
    fmt.space_after = Pt(6)
    fmt.line_spacing = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _plain_table(document, widths_mm: list[float]):
    """A table without borders, for the blocks laid side by side."""
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm, strict=True):
        column.width = cell.width = Mm(width)
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    _no_cell_margins(table)
    # Kept whole on one page (the signature block never leaves its name behind).
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    return table


def _no_cell_margins(table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


# The two blocks are wider than the text (175 mm) and reach 10 mm into the left margin, as the
# Decree's own samples do, so "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and the nation's name fit on one line.
LEFT_BLOCK_MM, RIGHT_BLOCK_MM, BLOCKS_INDENT_MM = 74, 101, -10


def _header_blocks(document, content: ReportContent) -> None:
    table = _plain_table(document, [LEFT_BLOCK_MM, RIGHT_BLOCK_MM])
    table.alignment = None
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(int(BLOCKS_INDENT_MM * 56.7)))  # twentieths of a point
    indent.set(qn("w:type"), "dxa")
    table._tbl.tblPr.append(indent)
    left, right = table.rows[0].cells
    _line(left, content.issuer.superior.upper(), 12)
    _line(left, content.issuer.body.upper(), 12, bold=True)
    _rule(left, 24, LEFT_BLOCK_MM)
    _line(left, content.number_line, 13)
    _line(right, NATION, 12, bold=True)
    _line(right, MOTTO, 13, bold=True)
    _rule(right, 58, RIGHT_BLOCK_MM)
    _line(right, content.place_date_line, 13, italic=True)


def _title(document, content: ReportContent) -> None:
    first = _line(document, "BÁO CÁO", 14, bold=True)
    first.paragraph_format.space_before = Pt(18)
    _line(document, content.title, 14, bold=True)
    _rule(document, 35, TEXT_WIDTH_MM)


def _body_paragraph(document, text: str):
    paragraph = _line(document, text, 14, align="justify")
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Mm(12.7)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    return paragraph


def _heading(document, text: str):
    paragraph = _body_paragraph(document, "")
    paragraph.runs[0].text = nfc(text)
    paragraph.runs[0].font.bold = True
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _paragraphs(document, text: str, default: str = "") -> None:
    lines = [line.strip() for line in (text or default).splitlines() if line.strip()]
    for line in lines:
        _body_paragraph(document, line)


def _body(document, content: ReportContent) -> None:
    _paragraphs(document, content.narrative.introduction)
    _heading(document, "I. KẾT QUẢ THỰC HIỆN")
    _paragraphs(document, content.narrative.results)
    _heading(document, "1. Các chỉ tiêu chủ yếu")
    _body_paragraph(
        document,
        f"Kết quả các chỉ tiêu năm {content.year} tính từ dữ liệu của Cổng thông tin; "
        "số liệu theo đơn vị hành chính, ngành và tiêu chuẩn tại Phụ lục kèm theo.",
    )
    _figures_table(document, content)
    _heading(document, "II. ĐÁNH GIÁ")
    _paragraphs(document, content.narrative.assessment)
    _heading(document, f"III. NHIỆM VỤ NĂM {content.year + 1}")
    _paragraphs(document, content.narrative.next_year)


SUMMARY_HEADERS = ("TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Kế hoạch", "Tiến độ")
SUMMARY_WIDTHS = [11, 50, 21, 29, 22, 32]


def _figures_table(document, content: ReportContent) -> None:
    headers = list(SUMMARY_HEADERS)
    headers[3] = f"Kết quả năm {content.year}"
    table = _grid(document, headers, SUMMARY_WIDTHS)
    for group, figures in content.groups:
        if group:
            cell = _add_row(table)
            merged = cell[0].merge(cell[-1])
            _cell_text(merged, group, bold=True, align="left")
            # A group's title never stays alone at the foot of a page.
            merged.paragraphs[0].paragraph_format.keep_with_next = True
        for number, figure in figures:
            name = figure.name + (" (*)" if figure.source == "entered" else "")
            values = (str(number), name, figure.unit, figure.value_text)
            values += (figure.target_text, figure.progress_text)
            cells = _add_row(table)
            for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
                _cell_text(cell, text, align="left" if index == 1 else "center")
    if content.has_entered:
        note = _line(document, "(*) Số liệu nhập tay, không có hồ sơ trên Cổng.", 12, italic=True)
        note.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.add_paragraph().paragraph_format.space_after = Pt(6)


def _grid(document, headers: list[str], widths_mm: list[float]):
    """A bordered table whose header row repeats on every page."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, text in zip(header.cells, headers, strict=True):
        _cell_text(cell, text, bold=True)
    return table


def _add_row(table):
    """A row that is never split across two pages."""
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return row.cells


def _cell_text(cell, text: str, *, bold: bool = False, align: str = "center") -> None:
    paragraph = cell.paragraphs[0]
    # The style by its id: looking it up by name for each of hundreds of cells is slow.
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = "TableText"
    if align != "left":
        paragraph.alignment = (
            WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.CENTER
        )
    run = paragraph.add_run(nfc(text or ""))
    if bold:
        run.font.bold = True


def _signature(document, content: ReportContent) -> None:
    left, right = _plain_table(document, [85, 80]).rows[0].cells
    paragraph = _line(left, "Nơi nhận:", 12, bold=True, italic=True, align="left")
    paragraph.paragraph_format.space_before = Pt(6)
    for line in content.recipients:
        _line(left, line, 11, align="left")
    for line in content.signer_lines:
        _line(right, line, 14, bold=True)
    for _ in range(4):
        _line(right, "", 14)
    _line(right, content.narrative.signer_name, 14, bold=True)


APPENDIX_WIDTHS = [11, 114, 40]


def _appendices(document, content: ReportContent) -> None:
    tables = [(f, b) for f in content.figures for b in f.breakdowns]
    if not tables:
        return
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.different_first_page_header_footer = False
    _line(document, "PHỤ LỤC", 14, bold=True)
    _line(document, f"SỐ LIỆU CHI TIẾT CÁC CHỈ TIÊU NĂM {content.year}", 14, bold=True)
    _line(document, content.appendix_reference, 13, italic=True)
    for number, (figure, breakdown) in enumerate(tables, start=1):
        heading = _line(
            document,
            f"Bảng {number}. {figure.name} ({figure.unit}) – {breakdown.title.lower()}",
            13,
            bold=True,
            align="left",
        )
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(4)
        heading.paragraph_format.keep_with_next = True
        table = _grid(document, ["TT", breakdown.title, f"Năm {content.year}"], APPENDIX_WIDTHS)
        for index, row in enumerate(breakdown.rows, start=1):
            cells = _add_row(table)
            texts = (str(index), row.label or row.key, number_text(row.value))
            for cell, text, align in zip(cells, texts, ("center", "left", "right"), strict=True):
                _cell_text(cell, text, align=align)


# --- PDF -----------------------------------------------------------------------------------


def render_report_pdf(content: ReportContent) -> bytes:
    numbered = [(f, b) for f in content.figures for b in f.breakdowns]
    return render_pdf(
        "programs/reports/report_pdf.html",
        {"report": content, "appendix_tables": numbered, "nation": NATION, "motto": MOTTO},
    )
