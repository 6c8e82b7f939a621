"""Vietnamese sort order for names, the same on PostgreSQL and SQLite.

Byte order puts "Công ty TNHH" before "Công ty cổ phần" and "Ẩm thực" after "Nậm Nhùn". People
expect the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), then
the tones (no mark, huyền, hỏi, ngã, sắc, nặng) only where the letters are equal, then case.

- ``VietnameseCollate("name")`` is an expression for ``order_by``, ``Meta.ordering`` and
  ``Index``: ``name COLLATE "vi-x-icu"`` on PostgreSQL (ICU's Vietnamese rules, shipped with
  PostgreSQL built with ICU), ``name COLLATE "vietnamese"`` on SQLite, where
  ``register_sqlite_collation`` adds that collation to every connection, and the bare column on
  any other database. An index must use the same expression as the ORDER BY to serve it.
- ``sort_key(text)`` is the Python side of the SQLite collation, written to agree with ICU's
  Vietnamese collation (CLDR root order with the ``vi`` tailoring): a test compares the two on
  PostgreSQL over a few hundred realistic names.

How ICU compares, and so ``sort_key``: first the letters alone (primary level: spaces and
punctuation before digits before letters, ă after a, đ after d, …), then, only if all letters
are equal, the tone and other accents position by position (secondary level: grave < hook <
tilde < acute < dot below), then case and compatibility forms (tertiary level: lower case
first). PostgreSQL breaks a remaining tie by comparing the bytes, and so does ``sort_key``.
"""

import unicodedata
from functools import lru_cache
from typing import Any

from django.db.models import F, Func

POSTGRESQL_COLLATION = "vi-x-icu"
SQLITE_COLLATION = "vietnamese"


class VietnameseCollate(Func):
    """``expression COLLATE <Vietnamese>`` in the dialect of the connection it compiles for."""

    template = "%(expressions)s COLLATE %(collation)s"
    allowed_default = False
    collations = {"postgresql": POSTGRESQL_COLLATION, "sqlite": SQLITE_COLLATION}

    def __init__(self, expression: Any, **extra: Any) -> None:
        if isinstance(expression, str):
            expression = F(expression)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        collation = self.collations.get(connection.vendor)
        if collation is None:  # no Vietnamese collation known here: plain order
            return compiler.compile(self.source_expressions[0])
        extra_context.setdefault("collation", connection.ops.quote_name(collation))
        return super().as_sql(compiler, connection, **extra_context)


def vietnamese(field: str) -> VietnameseCollate:
    """Shorthand: ``order_by(vietnamese("name"), "pk")``."""
    return VietnameseCollate(field)


# --- The Python sort key -----------------------------------------------------------------------

# Non-letters in ICU's order (read from PostgreSQL's "vi-x-icu"): whitespace, punctuation,
# symbols, currency, then digits. Characters not listed sort after these symbols, by code point.
_NON_LETTERS = (
    "\t\n\r\x0b\x0c \u2028\u2029"  # whitespace; a no-break space is a space (third level)
    "_-\u2010\u2011\u2013\u2014\u2015,;:!¡?¿.…·'‘’‚\"“”„«»‹›()[]{}§¶@*/\\&#%‰†‡•′″`´^¨°©®"
    "+±÷×<=>¬|¦~¤¢$£¥₫€"
)
_DIGITS = "0123456789"
# The Vietnamese alphabet with the four Latin letters it does not use (f, j, w, z) in place.
_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_PRIMARY: dict[str, int] = {}
for _char in _NON_LETTERS:
    _PRIMARY.setdefault(_char, len(_PRIMARY) + 1)
_UNLISTED_SYMBOL = len(_PRIMARY) + 1  # + a fraction from the code point, see _primary()
_FIRST_DIGIT = _UNLISTED_SYMBOL + 1
_PRIMARY.update({digit: _FIRST_DIGIT + i for i, digit in enumerate(_DIGITS)})
_LETTER_BASE = 1000
_PRIMARY.update({letter: _LETTER_BASE + i for i, letter in enumerate(_LETTERS)})
_OTHER_LETTER = _LETTER_BASE + len(_LETTERS)  # other scripts after Latin, by code point

# Marks that make a letter of the alphabet (ă â ê ô ơ ư) rather than a tone.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_LETTER_MARKS = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}
# Tones in Vietnamese order: huyền, hỏi, ngã, sắc, nặng. Other accents come after them.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Letters ICU sorts as two (German ß as "ss", at the tertiary level after it).
_EXPANSIONS = {"ß": "ss", "ẞ": "SS"}
_COMMON = 0  # the secondary and tertiary weight of a plain letter, digit or space
_UPPER = 1
_COMPAT = 2  # added at the tertiary level for compatibility forms (no-break space, ﬁ, ２)


@lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple:
    """A key that sorts strings as ICU's Vietnamese collation (with PostgreSQL's tie-break).

    Compare keys, never parts of them: ``sorted(names, key=sort_key)``.
    """
    primary: list[float] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFC", text):
        _add_char(char, primary, secondary, tertiary)
    return (tuple(primary), tuple(secondary), tuple(tertiary), text)


def _add_char(char: str, primary: list, secondary: list, tertiary: list) -> None:
    category = unicodedata.category(char)
    if category in ("Cc", "Cf") and char not in _NON_LETTERS:
        return  # control and format characters (soft hyphen, zero-width space) are ignored
    decomposed = unicodedata.normalize("NFD", char)
    compat = _EXPANSIONS.get(char) or unicodedata.normalize("NFKD", char)
    extra = _COMPAT if compat != decomposed else 0
    base, marks = _split_marks(compat)
    if not base:  # a lone combining mark
        for mark in marks:
            secondary.append(_mark_weight(mark))
            tertiary.append(_COMMON + extra)
        return
    for i, part in enumerate(base):
        lower = part.lower()
        letter_marks = marks if i == len(base) - 1 else ""
        for mark in letter_marks:
            combined = _LETTER_MARKS.get((lower, mark))
            if combined is not None:
                lower = combined
                letter_marks = letter_marks.replace(mark, "", 1)
                break
        primary.append(_primary(lower))
        secondary.append(_COMMON)
        tertiary.append((_UPPER if part != part.lower() else _COMMON) + extra)
        for mark in letter_marks:
            secondary.append(_mark_weight(mark))
            tertiary.append(_COMMON + extra)


def _split_marks(decomposed: str) -> tuple[str, str]:
    """("Ô" + hook) → ("O", the circumflex and the hook): base characters and trailing marks."""
    end = len(decomposed)
    while end and unicodedata.combining(decomposed[end - 1]):
        end -= 1
    return decomposed[:end], decomposed[end:]


def _primary(char: str) -> float:
    weight = _PRIMARY.get(char)
    if weight is not None:
        return weight
    if char.isdigit():
        return _FIRST_DIGIT + unicodedata.digit(char, 0)
    if char.isalpha():
        return _OTHER_LETTER + ord(char) / 0x110000
    return _UNLISTED_SYMBOL + ord(char) / 0x110000


def _mark_weight(mark: str) -> int:
    return _TONES.get(mark, 10 + unicodedata.combining(mark))


def compare(left: str, right: str) -> int:
    """-1, 0 or 1, as SQLite asks of a collation."""
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite learns ``COLLATE "vietnamese"``."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)
