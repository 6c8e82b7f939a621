"""The yearly report's content, read from a frozen snapshot only.

A ``ReportRun``'s snapshot is ``{"indicators": programs.indicators.snapshot(year), "narrative":
{...}, "issuer": {...}}``. Every document of the report (XLSX, DOCX, PDF) and the approval's diff
read it through ``report_content()``, never the records, so a report can be written again from
its snapshot and states exactly the figures that were approved.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

#: How each breakdown is titled in the report (the snapshot names them by key).
BREAKDOWN_TITLES = {
    "unit": "Theo đơn vị hành chính",
    "sector": "Theo ngành kinh tế",
    "standard": "Theo tiêu chuẩn, công cụ",
    "source": "Theo nguồn kinh phí",
}

#: Room left to write a number or a date by hand (no-break spaces, which HTML keeps).
BLANK = "\u00a0" * 6

SOURCE_LABELS = {
    "computed": "Tính từ dữ liệu",
    "entered": "Nhập tay",
    "missing": "Chưa có số liệu",
}


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    value: Any

    @property
    def value_text(self) -> str:
        return "—" if self.value is None else number_text(self.value)


@dataclass(frozen=True)
class Breakdown:
    by: str
    rows: tuple[BreakdownRow, ...]

    @property
    def title(self) -> str:
        return BREAKDOWN_TITLES.get(self.by, self.by)


@dataclass(frozen=True)
class Figure:
    """One indicator of the year as the snapshot holds it."""

    code: str
    name: str
    unit: str
    group: str
    how: str
    value: Any
    source: str
    target: Any
    progress: str
    breakdowns: tuple[Breakdown, ...] = ()

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def value_text(self) -> str:
        return "—" if self.source == "missing" or self.value is None else number_text(self.value)

    @property
    def progress_text(self) -> str:
        # "16 / 20 (80 %)" never broken before its per cent sign.
        return self.progress.replace(" %", "\u00a0%")

    @property
    def target_text(self) -> str:
        return "" if self.target in (None, "") else number_text(self.target)


@dataclass(frozen=True)
class Issuer:
    superior: str
    body: str
    abbreviation: str
    #: The Department's name as written in a sentence ("Sở Khoa học và Công nghệ").
    name: str = ""


@dataclass(frozen=True)
class Narrative:
    """The words officers wrote for the year (``ReportNarrative``), with defaults."""

    year: int
    document_number: str = ""
    place: str = ""
    issued_on: datetime.date | None = None
    title: str = ""
    introduction: str = ""
    results: str = ""
    assessment: str = ""
    next_year: str = ""
    recipients: tuple[str, ...] = ()
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""


@dataclass(frozen=True)
class ReportContent:
    year: int
    issuer: Issuer
    narrative: Narrative
    figures: tuple[Figure, ...] = field(default_factory=tuple)

    @property
    def breakdown_keys(self) -> list[str]:
        """Every breakdown some figure has, in the order they first appear."""
        seen: dict[str, None] = {}
        for figure in self.figures:
            for breakdown in figure.breakdowns:
                seen.setdefault(breakdown.by)
        return list(seen)

    @property
    def groups(self) -> list[tuple[str, list[tuple[int, Figure]]]]:
        """The figures by group, in the snapshot's order, numbered through the report."""
        groups: dict[str, list[tuple[int, Figure]]] = {}
        for number, figure in enumerate(self.figures, start=1):
            groups.setdefault(figure.group, []).append((number, figure))
        return list(groups.items())

    @property
    def has_entered(self) -> bool:
        return any(f.source == "entered" for f in self.figures)

    # --- Texts the three documents share (the Decree 30 layout) --------------------------

    @property
    def number_line(self) -> str:
        number = self.narrative.document_number or f"{BLANK}/BC-{self.issuer.abbreviation}"
        return f"Số: {number}"

    @property
    def place_date_line(self) -> str:
        place = self.narrative.place or settings.PORTAL_PROVINCE_NAME
        day = self.narrative.issued_on
        if day is None:
            return f"{place}, ngày{BLANK}tháng{BLANK}năm {self.year + 1}"
        # Decree 30: days below 10 and months 1 and 2 take a leading zero.
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"

    @property
    def date_text(self) -> str:
        day = self.narrative.issued_on
        return f"{day:%d/%m/%Y}" if day else ""

    @property
    def title(self) -> str:
        return self.narrative.title or (
            f"Kết quả thực hiện Chương trình năng suất chất lượng năm {self.year}"
        )

    @property
    def recipients(self) -> list[str]:
        """Each line of ``Nơi nhận`` as Decree 30 writes it: ``- …;``, the last ``- Lưu: VT.``"""
        names = [r.strip(" -;.") for r in self.narrative.recipients if r.strip(" -;.")]
        if not any(n.lower().startswith("lưu") for n in names):
            names.append("Lưu: VT")
        return [f"- {n}{'.' if i == len(names) - 1 else ';'}" for i, n in enumerate(names)]

    @property
    def signer_lines(self) -> list[str]:
        """The authority (``KT. GIÁM ĐỐC``) over the signer's title (``PHÓ GIÁM ĐỐC``)."""
        lines = [self.narrative.signer_authority or "GIÁM ĐỐC", self.narrative.signer_title]
        return [line.upper() for line in lines if line]

    @property
    def appendix_reference(self) -> str:
        number = self.narrative.document_number or f"{BLANK}/BC-{self.issuer.abbreviation}"
        date = f" ngày {self.date_text}" if self.date_text else ""
        issuer = self.issuer.name or self.issuer.body
        return f"(Kèm theo Báo cáo số {number}{date} của {issuer})"


def number_text(value: Any) -> str:
    """A figure with Vietnamese separators: 1234567 → ``1.234.567``, 12.5 → ``12,5``."""
    number = as_number(value)
    if number is None:
        return str(value)
    if isinstance(number, int):
        return f"{number:,}".replace(",", ".")
    whole, _, fraction = f"{number:,.2f}".rstrip("0").rstrip(".").partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{fraction}" if fraction else whole


def as_number(value: Any) -> int | float | None:
    """A snapshot value as a number a spreadsheet keeps (whole numbers as ``int``)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


# --- Reading a snapshot --------------------------------------------------------------------


def report_content(snapshot: Mapping[str, Any]) -> ReportContent:
    narrative = snapshot.get("narrative") or {}
    issuer = snapshot.get("issuer") or issuer_now()
    indicators = snapshot.get("indicators") or {}
    year = int(narrative.get("year") or indicators.get("year"))
    return ReportContent(
        year=year,
        issuer=Issuer(**issuer),
        narrative=_narrative(year, narrative),
        figures=tuple(figures(indicators)),
    )


def issuer_now() -> dict[str, str]:
    return {
        "superior": settings.REPORT_SUPERIOR_BODY,
        "body": settings.REPORT_ISSUING_BODY,
        "abbreviation": settings.REPORT_ISSUER_ABBREVIATION,
        "name": settings.PORTAL_DEPARTMENT_NAME,
    }


def _narrative(year: int, data: Mapping[str, Any]) -> Narrative:
    issued = data.get("issued_on")
    return Narrative(
        year=year,
        document_number=data.get("document_number", ""),
        place=data.get("place", ""),
        issued_on=datetime.date.fromisoformat(issued) if issued else None,
        title=data.get("title", ""),
        introduction=data.get("introduction", ""),
        results=data.get("results", ""),
        assessment=data.get("assessment", ""),
        next_year=data.get("next_year", ""),
        recipients=tuple(line for line in data.get("recipients", "").splitlines() if line.strip()),
        signer_authority=data.get("signer_authority", ""),
        signer_title=data.get("signer_title", ""),
        signer_name=data.get("signer_name", ""),
    )


def figures(indicators: Mapping[str, Any]) -> list[Figure]:
    """The figures of ``programs.indicators.snapshot(year)`` (indicators by code), in its
    ``order``."""
    by_code = indicators.get("indicators") or {}
    order = indicators.get("order") or list(by_code)
    return [_figure(by_code[code]) for code in order if code in by_code]


def _figure(item: Mapping[str, Any]) -> Figure:
    breakdowns = item.get("breakdowns") or {}
    return Figure(
        code=item["code"],
        name=item.get("name", item["code"]),
        unit=item.get("unit", ""),
        group=item.get("group", ""),
        how=item.get("how", ""),
        value=item.get("value"),
        source=item.get("source", "computed"),
        target=item.get("target"),
        progress=item.get("progress") or "",
        breakdowns=tuple(
            Breakdown(by, tuple(_breakdown_row(row) for row in rows))
            for by, rows in breakdowns.items()
            if rows
        ),
    )


def _breakdown_row(row: Any) -> BreakdownRow:
    if isinstance(row, Mapping):
        return BreakdownRow(str(row.get("key", "")), row.get("label", ""), row.get("value"))
    key, label, value = row
    return BreakdownRow(str(key), label, value)
