"""The portal's one text normalisation, and the Vietnamese search form built on it.

Every form field (``laichau_nsc.forms``), every model text field (``laichau_nsc.models``), every
search (``fold``) and every query string parsed by hand (``parse_query``) goes through
``normalize_text`` or ``normalize_code``, so two values that look the same are stored the same:

- composed (NFC): "ế" typed as one character or as e + ̂ + ́ is one value;
- control and format characters removed: NUL (which PostgreSQL refuses), escapes, zero-width
  spaces and joiners, byte-order marks, right-to-left overrides (which make a name read
  differently from what is stored);
- every kind of whitespace (tab, newline, NBSP, U+2028 …) is a space, runs of it one space, and
  none at either end. Multi-line text keeps its line breaks, as ``\\n``.

Codes and numbers (tax codes, phone numbers, GTINs) get NFKC first, which turns full-width
digits and letters (６２８１５８７８２５, as an IME types them) into ASCII. Other text does not:
NFKC would also rewrite characters meant as written (², ﬁ, ①).
"""

import re
import unicodedata
from urllib.parse import parse_qs

# Cc (controls), Cf (format: zero-width, bidi overrides, BOM, soft hyphen) and Cs (lone
# surrogates, which no database encoding accepts). Private-use and unassigned code points stay:
# the latter may be characters newer than this Python's Unicode tables.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_BLANK_LINES = re.compile(r"\n{3,}")


def nfc(text: str) -> str:
    """The composed (NFC) form: what we store, so "ế" typed two ways compares equal."""
    return unicodedata.normalize("NFC", text)


def _visible(text: str) -> str:
    """``text`` without control and format characters; whitespace (also \\t, \\n) stays."""
    return "".join(
        c for c in text if c.isspace() or unicodedata.category(c) not in _REMOVED_CATEGORIES
    )


def _one_line(text: str) -> str:
    # str.split() splits on every Unicode whitespace, so NBSP, U+2028 … become one space.
    return " ".join(text.split())


def normalize_text(value: str, multiline: bool = False) -> str:
    """``value`` composed, without control or format characters, whitespace collapsed, trimmed.

    ``multiline`` keeps line breaks (any of \\r\\n, \\r, U+2028 … becomes \\n), trims each line
    and allows at most one empty line in a row. Idempotent.
    """
    if not value:
        return ""
    # Fast path: printable text has no controls, format characters or whitespace but " ".
    if value.isprintable():
        return nfc(_one_line(value))
    visible = _visible(value)
    if not multiline:
        # NFC last: a removed character may have separated a letter from its mark.
        return nfc(_one_line(visible))
    lines = "\n".join(_one_line(line) for line in visible.splitlines())
    return nfc(_BLANK_LINES.sub("\n\n", lines).strip("\n"))


def normalize_code(value: str) -> str:
    """A code or number (tax code, phone, GTIN): NFKC, so full-width ６２８ is 628, then cleaned
    like any text. Idempotent."""
    if not value:
        return ""
    return normalize_text(unicodedata.normalize("NFKC", value))


def fold(text: str | None) -> str:
    """Case- and diacritic-blind form of ``text`` for search: "Tam Đường" → "tam duong".

    Cleaned like every input first, so a pasted zero-width space cannot make a search miss.
    Vietnamese đ is a letter of its own, not d with a mark, so it is mapped explicitly.
    """
    if not text:
        return ""
    # str.replace rather than str.translate with a table: translate asks the table for each
    # character, which cost more than the rest of the folding.
    lowered = normalize_text(text).replace("đ", "d").replace("Đ", "d").lower()
    stripped = _COMBINING_DIACRITICS.sub("", unicodedata.normalize("NFD", lowered))
    if not stripped.isascii():  # other scripts' marks: every nonspacing mark (category Mn)
        stripped = "".join(c for c in stripped if unicodedata.category(c) != "Mn")
    return " ".join(stripped.split())


# The marks of Vietnamese (and other Latin) letters once decomposed: after their removal such
# text is ASCII, and the general test by category is needed only for other scripts.
_COMBINING_DIACRITICS = re.compile("[\u0300-\u036f]")


def parse_query(query: str) -> dict[str, list[str]]:
    """A URL query string (``"q=ch%C3%A8&page=2"``) as ``{name: [values]}``, normalised.

    For query strings that arrive as data (a hidden field, a stored link) rather than as the
    request's own GET, which the forms normalise: ``%00`` decodes to a NUL that PostgreSQL
    refuses in text and JSON. Names that normalise to nothing are dropped.
    """
    params: dict[str, list[str]] = {}
    for name, values in parse_qs(query or "").items():
        key = normalize_text(name)
        if key:
            params.setdefault(key, []).extend(normalize_text(v) for v in values)
    return params
