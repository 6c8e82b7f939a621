"""Property tests: helpers hold for any input, and no input makes a page fail."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.vn import mst

from enterprises.models import Enterprise
from enterprises.validators import normalize_tax_code, validate_tax_code
from laichau_nsc.text import fold
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


PARAM = st.text(max_size=40) | st.sampled_from(["", "0", "-1", "abc", "9" * 30, "%", "<b>"])


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
