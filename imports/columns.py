"""Columns of an import template and how a cell becomes a value.

Each parser takes a ``Cell`` and returns the value, or raises ``CellError`` with a Vietnamese
message for that cell. Text goes through the project's normalisation (``laichau_nsc.text``);
the services normalise again when they validate, so an import stores what the pages store.

Codes written as numbers (Excel drops a code's leading zero when the column is not formatted as
text: tax code 0102345678 becomes the number 102345678) are never guessed: a number in a code
column becomes ``NumericCode`` and the import kind restores it only when exactly one reading is
valid (see ``imports.kinds``); otherwise the row is refused with a message saying to format the
column as text.
"""

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from laichau_nsc.text import fold, normalize_code, normalize_text

from .reading import Cell


class CellError(Exception):
    """A cell that cannot be read: the message names what to do."""


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CODE = "code"
    DATE = "date"
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    CHOICE = "choice"


@dataclass(frozen=True)
class NumericCode:
    """A code the file holds as a number: its digits, maybe short of leading zeros."""

    digits: str


@dataclass
class Column:
    name: str  # the key the kind reads
    header: Any  # Vietnamese (lazy)
    kind: Kind = Kind.TEXT
    required: bool = False
    help: Any = ""
    example: str = ""
    choices: Sequence[tuple[str, Any]] = field(default_factory=tuple)
    _choice_keys: dict[str, dict[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def title(self) -> str:
        return f"{self.header} (*)" if self.required else str(self.header)


def header_key(text: str) -> str:
    """A header as compared with the template's: folded, without "(*)"."""
    return fold(text.replace("(*)", ""))


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
_GROUPED_INT = re.compile(r"[0-9]{1,3}([. ][0-9]{3})+")
_YES = {"co", "x", "1", "true", "yes", "dung", "da"}
_NO = {"khong", "0", "false", "no", "sai", "chua"}


def _formula_check(cell: Cell) -> None:
    if cell.formula or (isinstance(cell.value, str) and cell.value.lstrip().startswith("=")):
        raise CellError(
            _(
                "Ô chứa công thức; hệ thống không nhận công thức. Hãy sao chép và dán giá trị "
                "(Paste Special → Values)."
            )
        )


def parse(column: Column, cell: Cell) -> Any:
    """The cell's value for ``column``, or None when blank."""
    _formula_check(cell)
    if cell.blank:
        if column.required:
            raise CellError(_("Bắt buộc nhập."))
        return None
    return PARSERS[column.kind](column, cell.value)


def _text(column: Column, value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date):
        value = value.strftime("%d/%m/%Y")
    return normalize_text(str(value), multiline=column.kind == Kind.LONG_TEXT)


def _code(column: Column, value: Any) -> str | NumericCode:
    if isinstance(value, bool):
        raise CellError(_("Giá trị không hợp lệ."))
    if isinstance(value, int | float):
        if isinstance(value, float) and (not value.is_integer() or abs(value) >= 2**53):
            raise CellError(
                _(
                    "Mã bị Excel lưu thành số và đã mất chữ số (%(value)s). Hãy định dạng cột là "
                    "Văn bản (Text) và nhập lại mã."
                )
                % {"value": value}
            )
        return NumericCode(str(int(value)))
    return normalize_code(str(value))


def _date(column: Column, value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = normalize_code(value)
        for fmt in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise CellError(
        _("Ngày “%(value)s” không hợp lệ; hãy ghi dạng dd/mm/yyyy, ví dụ 15/03/2022.")
        % {"value": value}
    )


def _int(column: Column, value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("Phải là số nguyên."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = normalize_code(str(value))
    if _GROUPED_INT.fullmatch(text):
        text = text.replace(".", "").replace(" ", "")
    if text.isascii() and text.isdigit():
        return int(text)
    raise CellError(_("“%(value)s” không phải số nguyên.") % {"value": value})


def _decimal(column: Column, value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = normalize_code(str(value)).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CellError(_("“%(value)s” không phải số.") % {"value": value})
    return number


def _bool(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = fold(str(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(_("Ghi “Có” hoặc “Không”."))


def _choice(column: Column, value: Any) -> str:
    stored = _choice_keys(column).get(fold(str(value)))
    if stored is not None:
        return stored
    raise CellError(
        _("“%(value)s” không có trong danh sách: %(choices)s.")
        % {"value": value, "choices": "; ".join(str(label) for _v, label in column.choices)}
    )


def _choice_keys(column: Column) -> dict[str, str]:
    """Folded value and label of each choice → the stored value, made once per column and
    language (folding every label again for every row cost more than the rest of the row)."""
    language = get_language()
    keys = column._choice_keys.get(language)
    if keys is None:
        keys = {}
        for stored, label in reversed(column.choices):  # the first choice wins, as before
            keys[fold(str(label))] = stored
            keys[fold(stored)] = stored
        column._choice_keys[language] = keys
    return keys


PARSERS: dict[Kind, Callable[[Column, Any], Any]] = {
    Kind.TEXT: _text,
    Kind.LONG_TEXT: _text,
    Kind.CODE: _code,
    Kind.DATE: _date,
    Kind.INT: _int,
    Kind.DECIMAL: _decimal,
    Kind.BOOL: _bool,
    Kind.CHOICE: _choice,
}

KIND_HELP = {
    Kind.TEXT: gettext_lazy("Chữ"),
    Kind.LONG_TEXT: gettext_lazy("Chữ, có thể nhiều dòng"),
    Kind.CODE: gettext_lazy("Mã, định dạng Văn bản (Text) để giữ số 0 ở đầu"),
    Kind.DATE: gettext_lazy("Ngày dd/mm/yyyy"),
    Kind.INT: gettext_lazy("Số nguyên"),
    Kind.DECIMAL: gettext_lazy("Số, phần thập phân sau dấu phẩy"),
    Kind.BOOL: gettext_lazy("Có / Không"),
    Kind.CHOICE: gettext_lazy("Một giá trị trong danh sách"),
}
