"""Property tests: helpers hold for any input, and no input makes a page fail."""

import unicodedata
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.vn import mst

from enterprises.models import Enterprise, ExportJob
from enterprises.validators import normalize_tax_code, validate_tax_code
from laichau_nsc.text import fold, normalize_code, normalize_text, parse_query
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory

REGISTERED = "0100233488"

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " 0123456789"))
def test_fold_is_ascii_lowercase_and_idempotent(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert fold(folded) == folded


# Characters that testers pasted into the portal: NUL, escapes, zero-width and bidi controls,
# BOM, soft hyphen, every kind of line break and space, decomposed marks, full-width digits.
TRICKY = (
    "\x00\x07\x1b\x7f\x85\u200b\u200c\u200d\u2060\u202a\u202e\u2066\ufeff\u00ad"
    "\t\n\r\x0b\x0c\u2028\u2029\u00a0\u3000\u2009 \u0300\u0301\u0302\u0323\u031b"
    "０１２９－"
)
#: Any text (hypothesis leaves out lone surrogates, which no HTTP client can send) with the
#: tricky characters mixed in often.
ANY_TEXT = st.text(
    alphabet=st.characters() | st.sampled_from(TRICKY) | st.sampled_from(VIETNAMESE), max_size=60
)
REMOVED = {"Cc", "Cf", "Cs"}


def _is_clean(text: str, *, multiline: bool = False) -> bool:
    allowed = "\n" if multiline else ""
    return (
        unicodedata.is_normalized("NFC", text)
        and not any(unicodedata.category(c) in REMOVED and c not in allowed for c in text)
        and all(c in " " + allowed or not c.isspace() for c in text)
        and text == text.strip()
        and "  " not in text
    )


@given(ANY_TEXT, st.booleans())
def test_normalize_text_is_clean_and_idempotent(text, multiline):
    clean = normalize_text(text, multiline=multiline)
    assert _is_clean(clean, multiline=multiline)
    assert normalize_text(clean, multiline=multiline) == clean
    if multiline:
        assert "\n\n\n" not in clean
        assert normalize_text(clean) == normalize_text(text)  # the same text, on one line


@given(ANY_TEXT)
def test_normalize_code_is_clean_nfkc_and_idempotent(text):
    code = normalize_code(text)
    assert _is_clean(code)
    assert unicodedata.is_normalized("NFKC", code)
    assert normalize_code(code) == code


@given(ANY_TEXT)
def test_fold_ignores_what_normalisation_removes(text):
    assert fold(text) == fold(normalize_text(text))
    assert fold(fold(text)) == fold(text)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(
    st.integers(min_value=1, max_value=99_999_999),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["", " ", "\u3000", "\u200b"]),
)
def test_full_width_tax_codes_equal_their_ascii_form(serial, branch, gap):
    body = f"0{serial:08d}"
    code = body + mst.calc_check_digit(body)
    if not mst.is_valid(code):  # no check digit exists for this body: never issued
        return
    if branch:
        code = f"{code}-{branch:03d}"
    typed = gap.join(_full_width(code))  # ０１２… with ideographic spaces or zero-width ones
    assert normalize_tax_code(typed) == code
    validate_tax_code(typed)


@given(st.integers(min_value=1, max_value=99_999_999), st.integers(min_value=0, max_value=999))
def test_every_issued_tax_code_validates_in_any_spelling(serial, branch):
    body = f"0{serial:08d}"
    code = body + mst.calc_check_digit(body)
    if not mst.is_valid(code):  # no check digit exists for this body: never issued
        return
    validate_tax_code(code)
    spaced = " ".join(code[i : i + 3] for i in range(0, 10, 3))
    assert normalize_tax_code(spaced) == code
    if branch:
        assert normalize_tax_code(f"{code}{branch:03d}") == f"{code}-{branch:03d}"
        validate_tax_code(f"{code}-{branch:03d}")


@given(st.text(max_size=20))
def test_validator_either_accepts_or_explains(text):
    code = "accepted"
    try:
        validate_tax_code(text)
    except ValidationError as error:
        code = error.code
    assert code == "accepted" or code.startswith(("tax_code", "personal_id"))


def _sendable(text: str) -> bool:
    # What a browser can send: UTF-8 has no lone surrogates (normalize_text removes them
    # anyway, but the test client cannot even encode one).
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


PARAM = (
    st.text(max_size=40)
    | ANY_TEXT
    | st.sampled_from(["", "0", "-1", "abc", "9" * 30, "%", "<b>", "\x00", "\u202e"])
).filter(_sendable)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(
            (
                "q",
                "admin_unit",
                "sector",
                "legal_form",
                "size_class",
                "status",
                "archived",
                "page",
                "per_page",
                "sort",
            ),
            PARAM,
        ),
    )
)
def test_enterprise_list_answers_any_query(params):
    officer = UserFactory(username="canbo-hypothesis", roles=["officer"])
    if not Enterprise.objects.exists():  # rows to sort, page and draw
        EnterpriseFactory.create_batch(25)
    response = client_for(officer).get(reverse("enterprises:enterprise_list"), params)
    assert response.status_code == 200


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.fixed_dictionaries(
        {
            "tax_code": st.text(max_size=20) | st.just(REGISTERED),
            **{
                key: st.text(max_size=30)
                for key in ("full_name", "phone", "email", "username", "password1")
            },
        }
    )
)
def test_account_request_never_fails_and_refusals_create_nothing(client, data, settings):
    settings.PORTAL_ACCOUNT_REQUESTS_PER_HOUR = 10_000
    if not Enterprise.objects.filter(tax_code=REGISTERED).exists():
        EnterpriseFactory.create(tax_code=REGISTERED)
    users = get_user_model().objects.count()
    response = client.post(
        reverse("enterprises:account_request"), {**data, "password2": data["password1"]}
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert get_user_model().objects.count() == users


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=PARAM,
    other=st.dictionaries(PARAM, PARAM, max_size=3),
    encoded=st.booleans(),
)
def test_export_accepts_any_list_query_and_stores_it_clean(q, other, encoded):
    """The Export button posts the list's query string; whatever it holds, no 500 (PostgreSQL
    refuses a NUL in the JSON column) and the stored filter is normalised."""
    officer = UserFactory(username="canbo-hypothesis", roles=["officer"])
    # As the list page puts it in the hidden field, or as a hand-made POST may send it.
    query = urlencode({**other, "q": q}) if encoded else q
    response = client_for(officer).post(
        reverse("enterprises:export_create"), {"format": "csv", "query": query[:2000]}
    )
    assert response.status_code == 302
    # The job the answer points at: asking again for an export still open gives that one.
    target = resolve(response["Location"])
    job = ExportJob.objects.get(**target.kwargs) if target.url_name == "export_detail" else None
    if job is not None:
        for key, values in job.params.items():
            assert key == normalize_text(key) != ""
            assert all(v == normalize_text(v) for v in values)
        assert job.params == {
            k: v for k, v in parse_query(normalize_text(query[:2000])).items() if k != "page"
        }


def _fold_by_category(text: str) -> str:
    """``fold`` as first written: every nonspacing mark (category Mn) dropped one by one."""
    import unicodedata

    from laichau_nsc.text import normalize_text

    lowered = normalize_text(text).replace("đ", "d").replace("Đ", "d").lower()
    decomposed = unicodedata.normalize("NFD", lowered)
    return " ".join("".join(c for c in decomposed if unicodedata.category(c) != "Mn").split())


@given(st.text())
def test_fold_drops_every_nonspacing_mark_of_any_script(text):
    """The fast path (Latin diacritics) gives what the test by category gives, for any text."""
    assert fold(text) == _fold_by_category(text)


def test_fold_drops_the_marks_of_other_scripts():
    # Hebrew points, Devanagari virama, a combining mark outside U+0300–036F (U+1DC0).
    assert fold("שָׁלוֹם क्ष a\u1dc0b Đà") == _fold_by_category("שָׁלוֹם क्ष a\u1dc0b Đà")
    assert fold("a\u1dc0b") == "ab"
