"""GS1 numbers (``standards.gs1``) with real, published numbers and the same numbers corrupted.

- 8934673577038: Vinamilk's Ông Thọ sweetened condensed milk 380 g (Vinamilk's prefix 893467);
- 4006381333931: the EAN-13 of the German highlighter that illustrates the EAN-13 article of
  every encyclopedia; 5901234123457: GS1's own textbook EAN-13;
- 9506000134352: GS1 Digital Link's example GTIN (written 09506000134352 as a GTIN-14);
- 96385074 and 73513537: the textbook EAN-8s;
- 9520123456788: GS1 Digital Link's example GLN (AI 414); 0614141000036: GS1 US's example GLN.
"""

import pytest
from django.core.exceptions import ValidationError

from standards import gs1

VALID_GTIN13 = ["8934673577038", "4006381333931", "5901234123457", "9506000134352"]
VALID_GTIN8 = ["96385074", "73513537"]
VALID_GLN = ["9520123456788", "0614141000036"]


def corrupt(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def error_of(function, value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        function(value)
    return caught.value


@pytest.mark.parametrize("number", VALID_GTIN13 + VALID_GTIN8)
def test_published_gtins_are_valid(number):
    assert gs1.validate_gtin(number) == number


@pytest.mark.parametrize("number", VALID_GTIN13 + VALID_GTIN8)
def test_a_corrupted_check_digit_is_refused_naming_the_right_digit(number):
    wrong = corrupt(number)
    error = error_of(gs1.validate_gtin, wrong)
    assert error.code == "check_digit"
    message = error.messages[0]
    assert f"chữ số cuối phải là {number[-1]}" in message
    assert f"không phải {wrong[-1]}" in message
    assert f"mã đúng là {number}" in message


def test_a_swapped_pair_of_digits_is_caught():
    # The commonest typing error: 89346735770 38 typed as 89346753770 38.
    assert error_of(gs1.validate_gtin, "8934675377038").code == "check_digit"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("893 4673 57703 8", "8934673577038"),
        ("893-4673-577038", "8934673577038"),
        ("８９３４６７３５７７０３８", "8934673577038"),  # full-width, as a Vietnamese IME types
        ("8934673577038\u200b", "8934673577038"),  # a zero-width space pasted along
        ("09506000134352", "9506000134352"),  # GTIN-14 with a leading 0 (Digital Link)
        (" 9638 5074 ", "96385074"),
    ],
)
def test_gtin_input_is_normalised(typed, stored):
    assert gs1.validate_gtin(typed) == stored


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("893467357703", "gtin_length"),  # 12 digits: a UPC-A, not used in Viet Nam
        ("89346735770381", "gtin_length"),  # 14 digits not starting with 0
        ("8934673A77038", "digits"),
        ("", "digits"),
    ],
)
def test_malformed_gtins_are_refused(value, code):
    assert error_of(gs1.validate_gtin, value).code == code


def test_gtin8_must_be_allocated_by_gs1_viet_nam():
    gs1.validate_gtin8("89312346")  # starts with 893
    assert error_of(gs1.validate_gtin8, "96385074").code == "gtin8_country"


@pytest.mark.parametrize("number", VALID_GLN)
def test_published_glns_are_valid_and_corrupted_ones_refused(number):
    assert gs1.validate_gln(number) == number
    error = error_of(gs1.validate_gln, corrupt(number))
    assert error.code == "check_digit"
    assert f"mã đúng là {number}" in error.messages[0]


def test_gln_has_13_digits():
    assert error_of(gs1.validate_gln, "96385074").code == "gln_length"


@pytest.mark.parametrize(
    ("prefix", "capacity"),
    [("8934673", 100_000), ("89346731", 10_000), ("893467312", 1_000), ("8934673123", 100)],
)
def test_prefix_lengths_and_capacity(prefix, capacity):
    assert gs1.validate_prefix(prefix) == prefix
    assert gs1.capacity(prefix) == capacity


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("893467", "prefix_length"),  # 893 + 3 digits: too short
        ("89346731234", "prefix_length"),  # 893 + 8 digits: too long
        ("4006381", "prefix_country"),  # a German prefix
        ("893 46A3", "digits"),
    ],
)
def test_malformed_prefixes_are_refused(value, code):
    assert error_of(gs1.validate_prefix, value).code == code


def test_prefix_input_is_normalised():
    assert gs1.validate_prefix("893 4673") == "8934673"
    assert gs1.validate_prefix("８９３４６７３") == "8934673"


def test_overlap_and_longest_prefix():
    assert gs1.overlaps("8934673", "89346731")
    assert gs1.overlaps("89346731", "8934673")
    assert not gs1.overlaps("8934673", "8934674")
    assert gs1.prefix_of("8934673123457", ["8934673", "893467312", "8935"]) == "893467312"
    assert gs1.prefix_of("8934673123457", ["8935000"]) is None
