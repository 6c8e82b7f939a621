"""The one input normalisation (``laichau_nsc.text``) that every form field and search uses."""

import pytest

from laichau_nsc.text import fold, normalize_code, normalize_text, parse_query

RLO = "\u202e"  # right-to-left override: makes "gpj.exe" look like "exe.jpg"
ZWSP = "\u200b"  # zero-width space


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"{RLO}Công ty A", "Công ty A"),
        (f"Chè{ZWSP} Tam\u2060 Đường\ufeff", "Chè Tam Đường"),
        ("Lò\x07 Văn\x1b[31m", "Lò Văn[31m"),
        ("Lò\x00Văn", "LòVăn"),
        # Tabs, newlines, NBSP and the Unicode line separator are spaces between words.
        ("Bản\tNà\nLuông", "Bản Nà Luông"),
        ("Bản\u00a0Nà\u2028Luông\r\nxã", "Bản Nà Luông xã"),
        ("  Tam    Đường  ", "Tam Đường"),
        # Decomposed (NFD, as macOS and some keyboards send it) is stored composed (NFC).
        ("Ti\u00ea\u0301ng Vi\u00ea\u0323t", "Tiếng Việt"),
        ("Tie\u0302\u0301ng", "Tiếng"),
        # A removed invisible character between a letter and its mark lets them compose.
        ("e\u200d\u0301", "é"),
        ("", ""),
    ],
)
def test_normalize_text(raw, clean):
    assert normalize_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Dòng 1\r\nDòng 2\rDòng 3\u2028Dòng 4", "Dòng 1\nDòng 2\nDòng 3\nDòng 4"),
        ("  Bản\t\tNà  \n  Luông ", "Bản Nà\nLuông"),
        # One empty line is a paragraph break; more collapse into one, none at the ends.
        ("\n\nĐoạn 1\n\n\n\n\nĐoạn 2\n \n", "Đoạn 1\n\nĐoạn 2"),
        (f"Ghi{ZWSP} chú{RLO}\x00", "Ghi chú"),
    ],
)
def test_normalize_multiline_text_keeps_line_breaks(raw, clean):
    assert normalize_text(raw, multiline=True) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("６２８１５８７８２５", "6281587825"),
        ("０９１２\u3000３４５\u3000６７８", "0912 345 678"),
        ("＋８４ ２１３ ３８７６ ５４３", "+84 213 3876 543"),
        (f"0100{ZWSP}233488", "0100233488"),
        ("ＡＢＣ－１", "ABC-1"),
    ],
)
def test_normalize_code_folds_compatibility_forms(raw, clean):
    assert normalize_code(raw) == clean


def test_normalize_text_keeps_full_width_text_as_typed():
    # Only codes get NFKC: in a name it would also rewrite ² or ﬁ, which are meant as written.
    assert normalize_text("ＡＢＣ") == "ＡＢＣ"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        (f"Tam{ZWSP} Đường", "tam duong"),
        (f"{RLO}tam duong", "tam duong"),
        ("tam\u00a0duong", "tam duong"),
        ("\x00", ""),
    ],
)
def test_fold_cleans_like_the_forms(text, folded):
    assert fold(text) == folded


def test_parse_query_normalises_names_and_values():
    assert parse_query("q=%00che%E2%80%8B&archived=no&x%00=1") == {
        "q": ["che"],
        "archived": ["no"],
        "x": ["1"],
    }


def test_parse_query_drops_names_that_normalise_to_nothing():
    assert parse_query("%00=1&q=a") == {"q": ["a"]}
