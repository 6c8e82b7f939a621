"""A realistic officer spreadsheet of 2021–2025 history, built for the tests.

What the Department's officers keep in Excel, as they keep it: an "STT" column first, the
columns in their own order, numbers where Excel made numbers (tax codes that start with 62 stay
whole, but Excel stored them as numbers), dates typed as text in some rows and as dates in
others, stray spaces, a blank row between years. Three workbooks: enterprises, adoptions with
their ISO/VietGAP/HACCP certificates (renewals under a new number), products with GTINs.

``expected`` holds the figures the rows imply, counted here from the rows themselves, so a test
can compare them with the database's own counts after the import.
"""

import datetime
import io
import random
from dataclasses import dataclass, field

from openpyxl import Workbook

from tests.enterprises.factories import valid_tax_code
from tests.standards.factories_products import gtin13

COMMUNES = ["Tam Đường", "Bình Lư", "Tân Uyên", "Than Uyên", "Sìn Hồ", "Phong Thổ", "Mường Tè"]
TRADES = [
    ("Hợp tác xã Chè", "Hợp tác xã", "Chè và sản phẩm từ chè"),
    ("Hợp tác xã Nông nghiệp", "Hợp tác xã", "Nông sản tươi"),
    (
        "Công ty TNHH Dược liệu",
        "Công ty TNHH hai thành viên trở lên",
        "Dược liệu, sản phẩm từ dược liệu",
    ),
    ("Công ty cổ phần Thực phẩm", "Công ty cổ phần", "Thực phẩm chế biến"),
]
#: Standard code, certification body, months of validity.
SCHEMES = [
    ("TCVN ISO 9001:2015", "QUACERT", 36),
    ("TCVN ISO 22000:2018", "Vinacert", 36),
    ("TCVN 11892-1:2017", "QUACERT", 36),  # VietGAP
    ("HACCP", "Vinacert", 36),
]
YEARS = range(2021, 2026)


@dataclass
class History:
    enterprises: bytes = b""
    adoptions: bytes = b""
    products: bytes = b""
    #: tax code → GS1 prefix to register before the products are imported
    prefixes: dict[str, str] = field(default_factory=dict)
    expected: dict = field(default_factory=dict)


def _book(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp 2021-2025"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _day(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))


def _as_officer_types(rng: random.Random, day: datetime.date):
    """Half the dates typed as text, half as Excel dates."""
    return day.strftime("%d/%m/%Y") if rng.random() < 0.5 else day


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def build(count: int = 40, seed: int = 2025) -> History:
    rng = random.Random(seed)
    history = History()
    enterprises = []
    for i in range(count):
        trade, form, category = TRADES[i % len(TRADES)]
        commune = COMMUNES[i % len(COMMUNES)]
        enterprises.append(
            {
                "tax_code": valid_tax_code(3000 + i),
                "name": f"{trade} {commune} {i + 1}",
                "form": form,
                "category": category,
                "founded": datetime.date(2008 + i % 12, 1 + i % 12, 1 + i % 27),
                "employees": 5 + (i * 7) % 90,
                "address": f"Bản {i + 1}, xã {commune}, tỉnh Lai Châu",
            }
        )
    # Enterprises: STT first, columns in the officer's order, tax codes as Excel numbers.
    header = [
        "STT",
        "Tên doanh nghiệp",
        "Mã số thuế",
        "Loại hình",
        "Địa chỉ trụ sở",
        "Số lao động",
        "Ngày thành lập",
    ]
    rows = []
    for n, e in enumerate(enterprises, start=1):
        rows.append(
            [
                n,
                f"  {e['name']} ",
                int(e["tax_code"]),
                e["form"],
                e["address"],
                e["employees"],
                _as_officer_types(rng, e["founded"]),
            ]
        )
        if n == count // 2:
            rows.append([None] * len(header))  # the blank row officers leave between blocks
    history.enterprises = _book(header, rows)

    # Adoptions and certificates, year by year; a third renewed after 3 years.
    header = [
        "STT",
        "Mã số thuế",
        "Số hiệu tiêu chuẩn, công cụ",
        "Tình trạng áp dụng",
        "Áp dụng từ ngày",
        "Được Chương trình hỗ trợ",
        "Số chứng chỉ",
        "Tổ chức chứng nhận",
        "Phạm vi chứng nhận",
        "Ngày cấp",
        "Ngày hết hạn",
    ]
    rows, certificates, adoptions = [], [], set()
    serial = 0
    for i, e in enumerate(enterprises):
        if i % 3 == 2:
            continue  # a third of them have no certified system
        code, body, months = SCHEMES[i % len(SCHEMES)]
        issued = _day(rng, YEARS[i % 4])
        supported = i % 2 == 0
        issues = [issued]
        if i % 3 == 0 and issued.year <= 2022:
            issues.append(add_months(issued, months))  # re-certified under a new number
        for issue in issues:
            serial += 1
            expires = add_months(issue, months) - datetime.timedelta(days=1)
            number = f"{serial:04d}/{issue.year}/{body[:2].upper()}"
            certificates.append((code, issue, expires))
            rows.append(
                [
                    serial,
                    e["tax_code"],
                    code,
                    "Đã được chứng nhận",
                    _as_officer_types(rng, issued),
                    "Có" if supported else "Không",
                    number,
                    body,
                    f"Sản xuất {e['category'].lower()}",
                    _as_officer_types(rng, issue),
                    _as_officer_types(rng, expires),
                ]
            )
        adoptions.add((e["tax_code"], code))
    history.adoptions = _book(header, rows)

    # Products: every enterprise one to three, two thirds with a GTIN-13 under its prefix.
    header = ["STT", "Mã số thuế", "Tên sản phẩm", "Nhóm sản phẩm", "Đơn vị tính", "Mã GTIN"]
    rows, with_gtin, products = [], 0, 0
    for i, e in enumerate(enterprises):
        prefix = f"893{6000 + i:04d}"
        for k in range(1 + i % 3):
            gtin = gtin13(prefix, k + 1) if (i + k) % 3 else ""
            if gtin:
                history.prefixes[e["tax_code"]] = prefix
                with_gtin += 1
            products += 1
            rows.append(
                [
                    len(rows) + 1,
                    e["tax_code"],
                    f"Sản phẩm {k + 1} của {e['name']}",
                    e["category"],
                    "kg",
                    gtin,
                ]
            )
    history.products = _book(header, rows)

    history.expected = {
        "enterprises": count,
        "adoptions": len(adoptions),
        "certificates": len(certificates),
        "products": products,
        "products_with_gtin": with_gtin,
        # Certificates valid on 31 December of each year, by standard.
        "valid_at_year_end": {
            year: {
                code: sum(
                    1
                    for c, start, end in certificates
                    if c == code and start <= datetime.date(year, 12, 31) <= end
                )
                for code, _b, _m in SCHEMES
            }
            for year in YEARS
        },
        "issued_per_year": {
            year: sum(1 for _c, start, _e in certificates if start.year == year) for year in YEARS
        },
    }
    return history
