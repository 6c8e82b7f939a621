"""Vietnamese text helpers shared by models, search and documents."""

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """The composed (NFC) form: what we store, so "ế" typed two ways compares equal."""
    return unicodedata.normalize("NFC", text)


def single_line(text: str) -> str:
    """NFC, without control or invisible format characters, trimmed: safe in any document.

    A pasted escape or zero-width character would otherwise break an XLSX export or make two
    equal-looking names differ.
    """
    composed = nfc(text)
    return "".join(c for c in composed if unicodedata.category(c)[0] != "C").strip()


def fold(text: str | None) -> str:
    """Case- and diacritic-blind form of ``text`` for search: "Tam Đường" → "tam duong".

    Vietnamese đ is a letter of its own, not d with a mark, so it is mapped explicitly.
    Whitespace runs collapse to one space.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP).lower())
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.split())
