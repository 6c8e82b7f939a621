"""Tax code (mã số thuế) and phone number validation.

Accepted forms:
- 10 digits whose last digit is the MST check digit (an enterprise, cooperative …);
- those 10 digits + ``-`` + 3 digits (a branch or dependent unit);
- 12 digits: the personal identification number that identifies a household business and an
  individual taxpayer since 1 July 2025 (its first three digits are a province code 001–096).
"""

import functools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

from laichau_nsc.text import normalize_code

# ASCII digits only: \d and str.isdigit() also take Arabic-Indic, Devanagari … digits.
# Patterns are used with fullmatch ($ would also match before a trailing newline).
PERSONAL_ID_RE = re.compile(r"([0-9]{3})[0-9]{9}")
DIGITS_RE = re.compile(r"[0-9]*")
PHONE_RE = re.compile(r"\+?[0-9 .\-()]{8,20}")


def normalize_tax_code(value: str) -> str:
    """NFKC (full-width ６２８… is 628…), then strip spaces, dots and dashes; write a branch
    as ``0123456789-001``."""
    compact = re.sub(r"[\s.\-]", "", normalize_code(value or ""))
    if DIGITS_RE.fullmatch(compact) and len(compact) == 13:
        return f"{compact[:10]}-{compact[10:]}"
    return compact


def is_personal_id(value: str) -> bool:
    return bool(PERSONAL_ID_RE.fullmatch(value))


def validate_tax_code(value: str) -> None:
    code = normalize_tax_code(value)
    digits = code.replace("-", "")
    if not DIGITS_RE.fullmatch(digits):
        raise ValidationError(
            _("Mã số thuế chỉ gồm chữ số (chi nhánh: 10 số, dấu gạch ngang, 3 số)."),
            code="tax_code_chars",
        )
    if len(digits) == 12:
        match = PERSONAL_ID_RE.fullmatch(digits)
        if not match or not 1 <= int(match.group(1)) <= 96:
            raise ValidationError(
                _("Số định danh cá nhân 12 số phải bắt đầu bằng mã tỉnh từ 001 đến 096."),
                code="personal_id",
            )
        return
    if len(digits) not in (10, 13):
        raise ValidationError(
            _(
                "Mã số thuế phải có 10 chữ số, 13 chữ số (chi nhánh, dạng 0123456789-001) "
                "hoặc 12 chữ số (số định danh cá nhân của hộ kinh doanh)."
            ),
            code="tax_code_length",
        )
    error = _check_digits_error(digits)
    if error == "checksum":
        raise ValidationError(
            _("Mã số thuế %(value)s sai chữ số kiểm tra; vui lòng kiểm tra lại."),
            code="tax_code_checksum",
            params={"value": code},
        )
    if error:
        raise ValidationError(
            _("Mã số thuế %(value)s không hợp lệ."), code="tax_code_invalid", params={"value": code}
        )


@functools.lru_cache(maxsize=4096)
def _check_digits_error(digits: str) -> str | None:
    """python-stdnum's verdict on 10 or 13 digits: None, "checksum" or "invalid". Kept for the
    last few thousand codes: a bulk import checks each row's code twice (reading the cell, then
    the model field's validator), about 60 µs each time."""
    try:
        mst.validate(digits)
    except InvalidChecksum:
        return "checksum"
    except StdnumError:
        return "invalid"
    return None


def validate_phone(value: str) -> None:
    """A Vietnamese or international phone number: digits, optionally a leading +, and the
    separators people type (spaces, dots, dashes, brackets); 8 to 20 characters in all."""
    if not PHONE_RE.fullmatch(normalize_code(value or "")):
        raise ValidationError(_("Số điện thoại không hợp lệ."), code="phone")
