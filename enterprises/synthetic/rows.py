"""Rows of synthetic enterprises and their unit periods, as plain tuples ready for COPY.

Everything comes from one seeded ``random.Random``: the same seed, starting point and reference
data give the same rows. Weighted choices use 100-slot tables (one ``random()`` per pick).
"""

import datetime
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from laichau_nsc.text import fold

from ..choices import EnterpriseStatus, LegalForm, SizeClass
from ..models import Enterprise
from . import vocabulary as v

# Column order of the enterprise rows (the COPY column list).
ENTERPRISE_COLUMNS = (
    "id", "name", "short_name", "tax_code", "legal_form", "size_class", "address",
    "representative", "representative_title", "phone", "email", "website", "employees",
    "founded_on", "status", "is_archived", "archived_at", "search_text", "version",
    "created_at", "updated_at", "admin_unit_id", "sector_id",
)  # fmt: skip
ASSIGNMENT_COLUMNS = ("enterprise_id", "unit_id", "valid_from", "valid_to")

# Synthetic records look as if imported from the old register in one go.
IMPORTED_AT = datetime.datetime(
    2025, 7, 15, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
)
ARCHIVED_AT = IMPORTED_AT + datetime.timedelta(days=30)
FIRST_FOUNDING = datetime.date(1995, 1, 1)
LAST_FOUNDING = datetime.date(2026, 6, 30)


def _table(weights: dict[str, int]) -> tuple[str, ...]:
    """A 100-slot table in which each value takes ``weight`` slots."""
    slots = tuple(value for value, weight in weights.items() for _ in range(weight))
    assert len(slots) == 100, weights
    return slots


# Shares close to Viet Nam's register: many single-member LLCs and household businesses.
LEGAL_FORMS = _table(
    {
        LegalForm.LLC_SINGLE: 28,
        LegalForm.LLC_MULTI: 14,
        LegalForm.JOINT_STOCK: 10,
        LegalForm.PRIVATE: 4,
        LegalForm.PARTNERSHIP: 1,
        LegalForm.STATE_OWNED: 1,
        LegalForm.COOPERATIVE: 8,
        LegalForm.COOPERATIVE_UNION: 1,
        LegalForm.COOPERATIVE_GROUP: 3,
        LegalForm.HOUSEHOLD: 25,
        LegalForm.ESTABLISHMENT: 5,
    }
)
COMPANY_SIZES = _table(
    {SizeClass.MICRO: 66, SizeClass.SMALL: 25, SizeClass.MEDIUM: 6, SizeClass.LARGE: 3}
)
SMALL_SIZES = _table({SizeClass.MICRO: 50, "": 50})  # households often state no size class
STATUSES = _table(
    {EnterpriseStatus.ACTIVE: 86, EnterpriseStatus.SUSPENDED: 8, EnterpriseStatus.DISSOLVED: 6}
)
EMPLOYEES = {
    SizeClass.MICRO: (1, 9),
    SizeClass.SMALL: (10, 99),
    SizeClass.MEDIUM: (100, 199),
    SizeClass.LARGE: (200, 3000),
    "": (1, 5),
}
COMPANY_PREFIX = {
    LegalForm.LLC_SINGLE: ("Công ty TNHH MTV", "Công ty TNHH một thành viên"),
    LegalForm.LLC_MULTI: ("Công ty TNHH",),
    LegalForm.JOINT_STOCK: ("Công ty Cổ phần", "Công ty CP"),
    LegalForm.PARTNERSHIP: ("Công ty Hợp danh",),
    LegalForm.PRIVATE: ("Doanh nghiệp tư nhân",),
    LegalForm.STATE_OWNED: ("Công ty TNHH MTV",),
}
SHORT_SUFFIX = {
    LegalForm.LLC_SINGLE: "CO., LTD",
    LegalForm.LLC_MULTI: "CO., LTD",
    LegalForm.JOINT_STOCK: "JSC",
    LegalForm.PARTNERSHIP: "PARTNERSHIP",
    LegalForm.STATE_OWNED: "CO., LTD",
}
TITLES = {
    LegalForm.JOINT_STOCK: ("Giám đốc", "Tổng Giám đốc", "Chủ tịch Hội đồng quản trị"),
    LegalForm.PRIVATE: ("Chủ doanh nghiệp",),
    LegalForm.PARTNERSHIP: ("Thành viên hợp danh",),
    LegalForm.COOPERATIVE: ("Giám đốc", "Chủ tịch Hội đồng quản trị"),
    LegalForm.COOPERATIVE_UNION: ("Chủ tịch Hội đồng quản trị",),
    LegalForm.COOPERATIVE_GROUP: ("Tổ trưởng",),
    LegalForm.HOUSEHOLD: ("Chủ hộ kinh doanh",),
    LegalForm.ESTABLISHMENT: ("Chủ cơ sở",),
}
DEFAULT_TITLES = ("Giám đốc", "Giám đốc", "Tổng Giám đốc")


@dataclass(frozen=True)
class UnitChoice:
    """A unit enterprises are placed in, the unit of the period before it, and address words.

    In a ward (``urban``) an address is a house number on a street; elsewhere a village.
    """

    id: int
    valid_from: datetime.date | None
    former_id: int | None
    address_suffix: str
    urban: bool = False


def _slug(name: str, words: int) -> str:
    """The last ``words`` words of ``name`` without marks or spaces: "hoanglong"."""
    return _squash(" ".join(name.split()[-words:]))


@cache
def _squash(words: str) -> str:
    return fold(words).replace(" ", "")


class EnterpriseRows:
    """Generates ``(enterprise row, [assignment rows])`` pairs for consecutive ids."""

    def __init__(
        self,
        *,
        rng: random.Random,
        units: Sequence[UnitChoice],
        unit_weights: Sequence[int],
        sector_ids: dict[str, int],
    ):
        self.rng = rng
        # Picking from a flat list is one call per row; ~1,000 entries keep the weights.
        self.units = [u for u, w in zip(units, unit_weights, strict=True) for _ in range(w)]
        all_sectors = tuple(sector_ids.values()) or (None,)

        def ids_for(entries):
            return [
                (word, tuple(sector_ids[c] for c in codes if c in sector_ids) or all_sectors)
                for word, codes in entries
            ]

        self.lines = ids_for(v.LINES)
        self.products = ids_for(v.PRODUCTS)
        self.shops = ids_for(v.SHOPS)
        self.first_day = FIRST_FOUNDING.toordinal()
        self.founding_span = LAST_FOUNDING.toordinal() - self.first_day

    def rows(self, first_id: int, codes: Iterator[str], count: int) -> Iterator[tuple]:
        for pk in range(first_id, first_id + count):
            yield self.row(pk, next(codes))

    def row(self, pk: int, tax_code: str) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        legal_form = LEGAL_FORMS[int(rng.random() * 100)]
        representative = self.person()
        name, short_name, sector_id = self.naming(legal_form, representative)
        small = legal_form in (LegalForm.HOUSEHOLD, LegalForm.ESTABLISHMENT)
        size_class = (SMALL_SIZES if small else COMPANY_SIZES)[int(rng.random() * 100)]
        low, high = EMPLOYEES[size_class]
        status = STATUSES[int(rng.random() * 100)]
        archived = status == EnterpriseStatus.DISSOLVED and rng.random() < 0.6
        # Skewed towards recent years, as registrations are.
        founded_on = datetime.date.fromordinal(
            self.first_day + int(rng.random() ** 0.6 * self.founding_span)
        )
        unit = rng.choice(self.units)
        address = self.address(unit)
        enterprise = (
            pk,
            name,
            short_name,
            tax_code,
            legal_form,
            size_class,
            address,
            representative,
            rng.choice(TITLES.get(legal_form, DEFAULT_TITLES)),
            self.phone(),
            f"{_slug(name, 2)}{tax_code[-4:]}@gmail.com" if rng.random() < 0.3 else "",
            f"https://{_slug(name, 3)}.vn" if not small and rng.random() < 0.05 else "",
            rng.randint(low, high),
            founded_on,
            status,
            archived,
            ARCHIVED_AT if archived else None,
            Enterprise.build_search_text(name, short_name, tax_code, representative, address),
            1,
            IMPORTED_AT,
            IMPORTED_AT,
            unit.id,
            sector_id,
        )
        return enterprise, self.periods(pk, unit, founded_on)

    def periods(self, pk: int, unit: UnitChoice, founded_on: datetime.date) -> list[tuple]:
        """The current unit's period, preceded by the former unit's when founded before it."""
        if unit.former_id and unit.valid_from and founded_on < unit.valid_from:
            return [
                (pk, unit.former_id, None, unit.valid_from - datetime.timedelta(days=1)),
                (pk, unit.id, unit.valid_from, None),
            ]
        return [(pk, unit.id, unit.valid_from, None)]

    def address(self, unit: UnitChoice) -> str:
        """ "Số 45, đường Trần Phú, phường Tân Phong, tỉnh Lai Châu" in a ward (a few enterprises
        share one), "Bản Nà Ít, xã Bình Lư, tỉnh Lai Châu" elsewhere (hundreds share one)."""
        rng = self.rng
        if unit.urban:
            number = int(rng.random() * v.HOUSE_NUMBERS) + 1
            return f"Số {number}, đường {rng.choice(v.STREETS)}, {unit.address_suffix}"
        return f"{rng.choice(v.VILLAGES)}, {unit.address_suffix}"

    def person(self) -> str:
        rng = self.rng
        return f"{rng.choice(v.SURNAMES)} {rng.choice(v.MIDDLE_NAMES)} {rng.choice(v.GIVEN_NAMES)}"

    def brand(self) -> str:
        rng = self.rng
        return f"{rng.choice(v.BRAND_SYLLABLES)} {rng.choice(v.BRAND_SYLLABLES)}"

    def phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            number = rng.randrange(3_700_000, 3_900_000)
            return f"0213 {number // 1000:04d} {number % 1000:03d}"
        number = rng.randrange(10**8)
        return f"09{number // 10**6:02d} {number // 1000 % 1000:03d} {number % 1000:03d}"

    def naming(self, legal_form: str, representative: str) -> tuple[str, str, int | None]:
        """Name, short name and main sector, in the patterns each legal form uses."""
        rng = self.rng
        if legal_form in COMPANY_PREFIX:
            return self.company_name(legal_form)
        if legal_form in (LegalForm.COOPERATIVE, LegalForm.COOPERATIVE_UNION):
            product, sectors = rng.choice(self.products)
            kind = "Hợp tác xã" if legal_form == LegalForm.COOPERATIVE else "Liên hiệp Hợp tác xã"
            place = rng.choice(v.PLACES) if rng.random() < 0.6 else self.brand()
            return f"{kind} {product} {place}", "", rng.choice(sectors)
        if legal_form == LegalForm.COOPERATIVE_GROUP:
            product, sectors = rng.choice(self.products)
            return f"Tổ hợp tác {product} {rng.choice(v.VILLAGES).lower()}", "", rng.choice(sectors)
        if legal_form == LegalForm.HOUSEHOLD:
            if rng.random() < 0.5:
                return f"Hộ kinh doanh {representative}", "", rng.choice(rng.choice(self.shops)[1])
            shop, sectors = rng.choice(self.shops)
            return f"Hộ kinh doanh {shop} {self.brand()}", "", rng.choice(sectors)
        product, sectors = rng.choice(self.products)
        return f"Cơ sở sản xuất {product} {representative}", "", rng.choice(sectors)

    def company_name(self, legal_form: str) -> tuple[str, str, int | None]:
        rng = self.rng
        line, sectors = rng.choice(self.lines)
        prefix = rng.choice(COMPANY_PREFIX[legal_form])
        if legal_form == LegalForm.STATE_OWNED:
            return f"{prefix} {line} {rng.choice(v.PLACES)}", "", rng.choice(sectors)
        brand = self.brand()
        roll = rng.random()
        if roll < 0.25:
            name = f"{prefix} {line} {brand} {rng.choice(v.PLACES)}"
        elif roll < 0.35:
            name = f"{prefix} {line} {rng.choice(v.PLACES)}"
            brand = ""
        else:
            name = f"{prefix} {line} {brand}"
        short_name = ""
        if brand and legal_form in SHORT_SUFFIX and rng.random() < 0.4:
            short_name = f"{fold(brand).upper()} {SHORT_SUFFIX[legal_form]}"
        return name, short_name, rng.choice(sectors)
