"""The declaration workflow through the API (issue 11): drafts, submit, answer a supplement
request, request a supplement, accept, reject — every action × persona, and that a refused call
changes nothing (state, version, steps, receipt notice)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from standards.choices import DeclarationKind, DeclarationState
from standards.models import Declaration, DeclarationStep
from tests.standards.factories_declarations import DeclarationFactory, RegulationFactory
from tests.standards.factories_products import ProductFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "ent_own", "ent_other", "officer", "leader")


def _in_state(enterprise, state: str) -> Declaration:
    today = timezone.localdate()
    fields = {
        "draft": {},
        "submitted": {"complete_on": today, "decision_due_on": today + datetime.timedelta(7)},
        "supplement_requested": {
            "reason": "Bổ sung kết quả thử nghiệm.",
            "supplement_due_on": today + datetime.timedelta(20),
        },
    }[state]
    return DeclarationFactory(enterprise=enterprise, state=state, **fields)


def _client(api_clients, persona):
    return api_clients["ent_a" if persona.startswith("ent_") else persona]


def _snapshot(declaration) -> tuple:
    declaration.refresh_from_db()
    return (
        declaration.state,
        declaration.version,
        declaration.receipt_number,
        declaration.reason,
        declaration.document_number,
        DeclarationStep.objects.filter(declaration=declaration).count(),
    )


def _step_payload(step: str, declaration) -> dict:
    version = {"version": declaration.version}
    return {
        "submit": version,
        "answer-supplement": {**version, "note": "Đã tải lên phiếu thử nghiệm."},
        "request-supplement": {**version, "reason": "Thiếu kết quả thử nghiệm."},
        "accept": {
            **version,
            "receipt_number": "15/TB-SKHCN",
            "receipt_date": timezone.localdate().isoformat(),
        },
        "reject": {**version, "reason": "Quy chuẩn không áp dụng cho sản phẩm."},
    }[step]


# (step, state it starts from, state it leads to, who may take it)
STEPS = (
    ("submit", "draft", DeclarationState.SUBMITTED, "writers"),
    ("answer-supplement", "supplement_requested", DeclarationState.SUBMITTED, "writers"),
    ("request-supplement", "submitted", DeclarationState.SUPPLEMENT_REQUESTED, "officer"),
    ("accept", "submitted", DeclarationState.ACCEPTED, "officer"),
    ("reject", "submitted", DeclarationState.REJECTED, "officer"),
)


def _expected(persona: str, who: str) -> int:
    if persona == "anonymous":
        return 401
    if persona == "leader":
        return 403
    if persona == "officer":
        return 200
    if who == "officer":
        return 403  # the role is refused before the record is looked up
    return 200 if persona == "ent_own" else 404


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("step", "from_state", "to_state", "who"), STEPS)
def test_step_by_persona(
    api_clients, enterprise_a, enterprise_b, persona, step, from_state, to_state, who
):
    enterprise = enterprise_b if persona == "ent_other" else enterprise_a
    declaration = _in_state(enterprise, from_state)
    before = _snapshot(declaration)
    response = _client(api_clients, persona).post(
        reverse(f"api:declaration-{step}", args=[declaration.pk]),
        _step_payload(step, declaration),
    )
    expected = _expected(persona, who)
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["state"] == to_state
        declaration.refresh_from_db()
        assert declaration.state == to_state
        assert declaration.version == before[1] + 1
        assert DeclarationStep.objects.filter(declaration=declaration).count() == before[5] + 1
    else:
        assert set(response.json()["error"]) >= {"code", "message"}
        assert _snapshot(declaration) == before


def test_accept_sets_the_receipt_notice(api_clients, enterprise_a):
    declaration = _in_state(enterprise_a, "submitted")
    response = api_clients["officer"].post(
        reverse("api:declaration-accept", args=[declaration.pk]),
        _step_payload("accept", declaration),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["receipt_number"] == "15/TB-SKHCN"
    assert body["receipt_date"] == timezone.localdate().isoformat()
    assert body["valid_until"] is not None


@pytest.mark.parametrize("step", ["submit", "answer-supplement", "accept", "reject"])
def test_a_step_from_the_wrong_state_is_a_vietnamese_400(api_clients, enterprise_a, step):
    declaration = _in_state(enterprise_a, "draft" if step != "submit" else "submitted")
    before = _snapshot(declaration)
    response = api_clients["officer"].post(
        reverse(f"api:declaration-{step}", args=[declaration.pk]),
        _step_payload(step, declaration),
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "trạng thái" in " ".join(error["fields"]["non_field_errors"])
    assert _snapshot(declaration) == before


@pytest.mark.parametrize(("step", "from_state", "to_state", "who"), STEPS)
def test_a_stale_version_is_a_409_and_changes_nothing(
    api_clients, enterprise_a, step, from_state, to_state, who
):
    declaration = _in_state(enterprise_a, from_state)
    declaration.version = 3
    declaration.save(update_fields=["version"])
    before = _snapshot(declaration)
    payload = {**_step_payload(step, declaration), "version": 2}
    response = api_clients["officer"].post(
        reverse(f"api:declaration-{step}", args=[declaration.pk]), payload
    )
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "conflict"
    assert _snapshot(declaration) == before


@pytest.mark.parametrize(
    ("step", "payload", "field"),
    [
        ("reject", {"reason": "  "}, "reason"),
        ("request-supplement", {"reason": ""}, "reason"),
        ("accept", {"receipt_number": "", "receipt_date": "2026-01-01"}, "receipt_number"),
        ("accept", {"receipt_number": "1/TB", "receipt_date": "2999-01-01"}, "receipt_date"),
    ],
)
def test_bad_step_input_is_refused(api_clients, enterprise_a, step, payload, field):
    declaration = _in_state(enterprise_a, "submitted")
    before = _snapshot(declaration)
    response = api_clients["officer"].post(
        reverse(f"api:declaration-{step}", args=[declaration.pk]),
        {**_step_payload(step, declaration), **payload},
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert _snapshot(declaration) == before


# --- Drafts --------------------------------------------------------------------------------------


def _draft_data(enterprise) -> dict:
    return {
        "enterprise": enterprise.pk,
        "kind": DeclarationKind.CONFORMITY_REGULATION,
        "standard": RegulationFactory().pk,
        "basis": "self_assessment",
        "products": [ProductFactory(enterprise=enterprise).pk],
        "document_number": "07/2026/CBHQ",
        "declared_on": timezone.localdate().isoformat(),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("ent_own", 201),
        ("ent_other", 400),  # another enterprise's id reads as unknown
        ("officer", 201),
        ("leader", 403),
    ],
)
def test_create_draft_by_persona(api_clients, enterprise_a, enterprise_b, persona, expected):
    enterprise = enterprise_b if persona == "ent_other" else enterprise_a
    count = Declaration.objects.count()
    response = _client(api_clients, persona).post(
        reverse("api:declaration-list"), _draft_data(enterprise)
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert (body["state"], body["enterprise"], body["version"]) == ("draft", enterprise.pk, 1)
        assert len(body["products"]) == 1
        assert Declaration.objects.count() == count + 1
    else:
        assert Declaration.objects.count() == count
    if persona == "ent_other":
        assert "enterprise" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("ent_own", 200), ("ent_other", 404), ("officer", 200), ("leader", 403)],
)
def test_update_draft_by_persona(api_clients, enterprise_a, enterprise_b, persona, expected):
    enterprise = enterprise_b if persona == "ent_other" else enterprise_a
    declaration = _in_state(enterprise, "draft")
    before = _snapshot(declaration)
    response = _client(api_clients, persona).patch(
        reverse("api:declaration-detail", args=[declaration.pk]),
        {"document_number": "99/2026/CBHQ", "version": declaration.version},
    )
    assert response.status_code == expected, response.content
    if expected == 200:
        declaration.refresh_from_db()
        assert (declaration.document_number, declaration.version) == ("99/2026/CBHQ", 2)
    else:
        assert _snapshot(declaration) == before


FORBIDDEN = {
    "state": "accepted",
    "receipt_number": "1/TB-SKHCN",
    "receipt_date": "2026-11-05",
    "reason": "Tự tiếp nhận",
    "valid_until": "2030-01-01",
    "decision_due_on": "2030-01-01",
    "must_be_filed": False,
}


@pytest.mark.parametrize("persona", ["ent_own", "officer"])
@pytest.mark.parametrize(("field", "value"), FORBIDDEN.items())
def test_state_and_receipt_fields_cannot_be_set_by_create(
    api_clients, enterprise_a, persona, field, value
):
    count = Declaration.objects.count()
    response = _client(api_clients, persona).post(
        reverse("api:declaration-list"), {**_draft_data(enterprise_a), field: value}
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert Declaration.objects.count() == count


@pytest.mark.parametrize("persona", ["ent_own", "officer"])
@pytest.mark.parametrize(("field", "value"), FORBIDDEN.items())
def test_state_and_receipt_fields_cannot_be_set_by_update(
    api_clients, enterprise_a, persona, field, value
):
    declaration = _in_state(enterprise_a, "draft")
    before = _snapshot(declaration)
    response = _client(api_clients, persona).patch(
        reverse("api:declaration-detail", args=[declaration.pk]),
        {"document_number": "99/2026/CBHQ", field: value, "version": declaration.version},
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert _snapshot(declaration) == before


def test_another_enterprises_product_is_refused(api_clients, enterprise_a, enterprise_b):
    declaration = _in_state(enterprise_a, "draft")
    before = _snapshot(declaration)
    products = list(declaration.products.values_list("pk", flat=True))
    foreign = ProductFactory(enterprise=enterprise_b)
    response = api_clients["ent_a"].patch(
        reverse("api:declaration-detail", args=[declaration.pk]),
        {"products": [foreign.pk], "version": declaration.version},
    )
    assert response.status_code == 400, response.content
    assert "products" in response.json()["error"]["fields"]
    assert _snapshot(declaration) == before
    assert list(declaration.products.values_list("pk", flat=True)) == products


def test_a_submitted_dossier_is_not_editable(api_clients, enterprise_a):
    declaration = _in_state(enterprise_a, "submitted")
    before = _snapshot(declaration)
    response = api_clients["ent_a"].patch(
        reverse("api:declaration-detail", args=[declaration.pk]),
        {"document_number": "99/2026/CBHQ", "version": declaration.version},
    )
    assert response.status_code == 400, response.content
    assert "không sửa được" in response.json()["error"]["fields"]["non_field_errors"][0]
    assert _snapshot(declaration) == before


def test_stale_draft_update_is_a_409(api_clients, enterprise_a):
    declaration = _in_state(enterprise_a, "draft")
    url = reverse("api:declaration-detail", args=[declaration.pk])
    first = api_clients["ent_a"].patch(url, {"document_number": "A", "version": 1})
    assert first.status_code == 200, first.content
    second = api_clients["officer"].patch(url, {"document_number": "B", "version": 1})
    assert second.status_code == 409
    declaration.refresh_from_db()
    assert declaration.document_number == "A"
