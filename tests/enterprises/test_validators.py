import pytest
from django.core.exceptions import ValidationError

from enterprises.validators import normalize_tax_code, validate_tax_code

# Published tax codes (python-stdnum's documentation quotes these real enterprises' numbers).
VALID = ["0100233488", "0314409058-002", "0312687878-001", "0100112437"]
INVALID_CHECKSUM = ["0100233480", "0314409059", "6200000010"]


@pytest.mark.parametrize("code", VALID)
def test_published_tax_codes_are_valid(code):
    validate_tax_code(code)


@pytest.mark.parametrize("code", INVALID_CHECKSUM)
def test_wrong_check_digit_is_refused_in_vietnamese(code):
    with pytest.raises(ValidationError) as error:
        validate_tax_code(code)
    assert error.value.code == "tax_code_checksum"
    assert "chữ số kiểm tra" in str(error.value.message % error.value.params)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("12345", "tax_code_length"),
        ("01002334881", "tax_code_length"),
        ("01002A3488", "tax_code_chars"),
        ("0100233488-0012", "tax_code_length"),
        ("", "tax_code_length"),
        ("000123456789", "personal_id"),  # province code 000 does not exist
        ("099123456789", "personal_id"),  # nor does 099
        # Digits of other scripts are digits to str.isdigit() and to \d, but not tax codes.
        (
            "\u0660\u0660\u0661\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
            "tax_code_chars",
        ),
        ("\u0966\u0967\u0966\u0966\u0968\u0969\u0969\u096a\u096e\u096e", "tax_code_chars"),
    ],
)
def test_malformed_tax_codes_are_refused(code, error_code):
    with pytest.raises(ValidationError) as error:
        validate_tax_code(code)
    assert error.value.code == error_code


def test_household_personal_id_is_accepted():
    # 012 is Lai Châu's province code in the personal identification number.
    validate_tax_code("012085001234")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0314409058002", "0314409058-002"),
        (" 0100 233 488 ", "0100233488"),
        ("01.00.233.488", "0100233488"),
        ("0314409058-002", "0314409058-002"),
        ("0100-233488-001", "0100233488-001"),
        ("01002-33488", "0100233488"),
    ],
)
def test_tax_codes_are_normalised(raw, normal):
    assert normalize_tax_code(raw) == normal
