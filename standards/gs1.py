"""GS1 numbers as Viet Nam issues them: GTIN-13, GTIN-8, GLN and company prefixes.

Pure functions, no database: the cross-checks against registered prefixes (whose prefix, which
enterprise, duplicates) are in ``standards.services_products``. Every input goes through the
portal's code normalisation first (full-width digits from an IME become ASCII) and then loses
the spaces, dots and hyphens people type between groups of digits, so "893 4673 57703 8" and
"８９３４６７３５７７０３８" are the same number as "8934673577038".

- **Company prefix** (mã doanh nghiệp GS1): Viet Nam's 893 followed by 4 to 7 digits, 7 to 10
  digits in all. Its length fixes how many GTIN-13 item numbers it holds: 10^(12 − length)
  (a 7-digit prefix numbers 100,000 items, a 10-digit one 100). It has no check digit.
- **GTIN-13**: the company prefix, the item reference, a GS1 check digit (python-stdnum's
  ``stdnum.ean``). A GTIN-14 written with a leading 0 (as GS1 Digital Link writes it) is the
  same GTIN-13.
- **GTIN-8**: allocated one by one by GS1 Viet Nam, starting with 893 and ending with a GS1 check
  digit; it does not start with the enterprise's prefix, so it is recorded against the
  registration it was issued under.
- **GLN** (Global Location Number): 13 digits with a GS1 check digit, under one of the
  enterprise's prefixes.
"""

import re
from collections.abc import Iterable
from typing import Literal, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import ean

from laichau_nsc.text import normalize_code

#: GS1 Viet Nam's prefix: every Vietnamese company prefix and GTIN-8 starts with it.
VN_PREFIX = "893"
PREFIX_MIN_LENGTH = 7
PREFIX_MAX_LENGTH = 10

_SEPARATORS = re.compile(r"[\s.\-]")
# ASCII digits only: str.isdigit() also takes Arabic-Indic, Devanagari … digits.
_DIGITS = re.compile(r"[0-9]+")

GtinKind = Literal["GTIN-13", "GTIN-8"]
T = TypeVar("T")


def compact(value: str | None) -> str:
    """The digits as typed, normalised: NFKC, then without spaces, dots and hyphens."""
    return _SEPARATORS.sub("", normalize_code(value or ""))


def _only_digits(number: str, what: str) -> None:
    if not _DIGITS.fullmatch(number):
        raise ValidationError(
            _("%(what)s chỉ gồm chữ số (có thể cách nhau bằng dấu cách hoặc gạch ngang).")
            % {"what": what},
            code="digits",
        )


def _check_digit(number: str, what: str) -> None:
    """Refuse a wrong GS1 check digit, saying which digit would be right."""
    expected = ean.calc_check_digit(number[:-1])
    if number[-1] != expected:
        raise ValidationError(
            _(
                "%(what)s %(number)s sai số kiểm tra: chữ số cuối phải là %(expected)s, không "
                "phải %(given)s (mã đúng là %(corrected)s). Hãy đối chiếu lại với giấy chứng "
                "nhận hoặc nhãn sản phẩm."
            )
            % {
                "what": what,
                "number": number,
                "expected": expected,
                "given": number[-1],
                "corrected": number[:-1] + expected,
            },
            code="check_digit",
        )


def validate_prefix(value: str | None) -> str:
    """A Vietnamese GS1 company prefix, normalised; ``ValidationError`` otherwise."""
    number = compact(value)
    what = _("Mã doanh nghiệp GS1")
    _only_digits(number, what)
    if not number.startswith(VN_PREFIX):
        raise ValidationError(
            _(
                "Mã doanh nghiệp GS1 do GS1 Việt Nam cấp phải bắt đầu bằng 893; %(number)s "
                "thì không."
            )
            % {"number": number},
            code="prefix_country",
        )
    if not PREFIX_MIN_LENGTH <= len(number) <= PREFIX_MAX_LENGTH:
        raise ValidationError(
            _(
                "Mã doanh nghiệp GS1 gồm 893 và 4 đến 7 chữ số tiếp theo (7 đến 10 chữ số); "
                "%(number)s có %(length)s chữ số."
            )
            % {"number": number, "length": len(number)},
            code="prefix_length",
        )
    return number


def validate_gtin(value: str | None) -> str:
    """A GTIN-13 or GTIN-8 with a correct check digit, normalised (a GTIN-14 written with a
    leading 0 becomes its GTIN-13); ``ValidationError`` otherwise."""
    number = compact(value)
    what = _("Mã GTIN")
    _only_digits(number, what)
    if len(number) == 14 and number.startswith("0"):
        number = number[1:]
    if len(number) not in (8, 13):
        raise ValidationError(
            _(
                "Mã GTIN phải có 13 chữ số (GTIN-13) hoặc 8 chữ số (GTIN-8); %(number)s có "
                "%(length)s chữ số."
            )
            % {"number": number, "length": len(number)},
            code="gtin_length",
        )
    _check_digit(number, what)
    return number


def validate_gtin8(number: str) -> None:
    """A GTIN-8 used in Viet Nam is allocated by GS1 Viet Nam: it starts with 893."""
    if not number.startswith(VN_PREFIX):
        raise ValidationError(
            _("Mã GTIN-8 do GS1 Việt Nam cấp phải bắt đầu bằng 893; %(number)s thì không.")
            % {"number": number},
            code="gtin8_country",
        )


def validate_gln(value: str | None) -> str:
    """A GLN (13 digits, GS1 check digit), normalised; ``ValidationError`` otherwise."""
    number = compact(value)
    what = _("Mã GLN")
    _only_digits(number, what)
    if len(number) != 13:
        raise ValidationError(
            _("Mã GLN phải có 13 chữ số; %(number)s có %(length)s chữ số.")
            % {"number": number, "length": len(number)},
            code="gln_length",
        )
    _check_digit(number, what)
    return number


def gtin_kind(gtin: str) -> GtinKind:
    return "GTIN-8" if len(gtin) == 8 else "GTIN-13"


def capacity(prefix: str) -> int:
    """How many GTIN-13 item numbers a company prefix holds: 10^(12 − its length)."""
    return 10 ** (12 - len(prefix))


def overlaps(a: str, b: str) -> bool:
    """Two prefixes overlap when one starts with the other: they would number the same GTINs."""
    return a.startswith(b) or b.startswith(a)


def prefix_of(number: str, prefixes: Iterable[T], key=str) -> T | None:
    """The prefix (longest first) that ``number`` starts with, or None."""
    matches = [p for p in prefixes if number.startswith(key(p))]
    return max(matches, key=lambda p: len(key(p)), default=None)
