"""The API's permission matrix: every endpoint × persona × own and other record.

Personas: anonymous (401), officer, leader, enterprise user of A (``ent_a``: A's records are
"own", B's "other"). Expectations mirror the pages: lists of enterprises, adoptions and
certificates are the staff's; an enterprise user reaches its own records and gets a 404 for
another enterprise's; catalogues (units, sectors, standards, bodies, courses) are read by every
role.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENTERPRISE_SCOPED = (
    "enterprise",
    "adoption",
    "certificate",
    "product",
    "barcode-registration",
    "declaration",
    "enrollment",
    "support-activity",
)
SHARED = ("standard", "certification-body", "course", "admin-unit", "sector")
STAFF_LISTS = ("enterprise", "adoption", "certificate")

# list status per persona
LIST_STATUS = {
    "anonymous": lambda name: 401,
    "officer": lambda name: 200,
    "leader": lambda name: 200,
    "ent_a": lambda name: 403 if name in STAFF_LISTS else 200,
}


def _list_url(name: str) -> str:
    return reverse(f"api:{name}-list")


def _detail_url(name: str, obj) -> str:
    return reverse(f"api:{name}-detail", args=[obj.pk])


@pytest.mark.parametrize("persona", ["anonymous", "officer", "leader", "ent_a"])
@pytest.mark.parametrize("name", ENTERPRISE_SCOPED + SHARED)
def test_list_by_persona(api_clients, api_records, persona, name):
    response = api_clients[persona].get(_list_url(name))
    assert response.status_code == LIST_STATUS[persona](name), response.content
    if response.status_code != 200:
        assert set(response.json()["error"]) >= {"code", "message"}
        return
    ids = {row["id"] for row in response.json()["results"]}
    if name in ENTERPRISE_SCOPED:
        own, other = api_records.own[name].pk, api_records.other[name].pk
        assert own in ids
        # An enterprise user's list holds only its own enterprise's records.
        assert (other in ids) is (persona != "ent_a")


@pytest.mark.parametrize("persona", ["anonymous", "officer", "leader", "ent_a"])
@pytest.mark.parametrize("name", ENTERPRISE_SCOPED)
@pytest.mark.parametrize("whose", ["own", "other"])
def test_detail_by_persona(api_clients, api_records, persona, name, whose):
    obj = getattr(api_records, whose)[name]
    response = api_clients[persona].get(_detail_url(name, obj))
    if persona == "anonymous":
        expected = 401
    elif persona == "ent_a" and whose == "other":
        expected = 404
    else:
        expected = 200
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["id"] == obj.pk
    if expected == 404:
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("persona", ["officer", "leader", "ent_a"])
@pytest.mark.parametrize("name", SHARED)
def test_shared_catalogue_detail(api_clients, api_records, persona, name):
    obj = api_records.shared[name]
    assert api_clients[persona].get(_detail_url(name, obj)).status_code == 200


def test_anonymous_gets_a_vietnamese_401(api_clients, api_records):
    response = api_clients["anonymous"].get(_list_url("product"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "đăng nhập" in response.json()["error"]["message"]


# --- Writes: enterprises -----------------------------------------------------------------------


def test_officer_edits_any_enterprise(api_clients, api_records):
    enterprise = api_records.other["enterprise"]
    response = api_clients["officer"].patch(
        _detail_url("enterprise", enterprise),
        {"status": "suspended", "version": enterprise.version},
    )
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert enterprise.status == "suspended"
    assert enterprise.history.count() == 2


def test_enterprise_user_edits_own_contact_details(api_clients, api_records):
    enterprise = api_records.own["enterprise"]
    response = api_clients["ent_a"].patch(
        _detail_url("enterprise", enterprise),
        {"phone": "0213 3876 999", "version": enterprise.version},
    )
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert enterprise.phone == "0213 3876 999"


def test_enterprise_user_cannot_set_a_status(api_clients, api_records):
    enterprise = api_records.own["enterprise"]
    response = api_clients["ent_a"].patch(
        _detail_url("enterprise", enterprise),
        {"status": "dissolved", "phone": "0213 3876 999", "version": enterprise.version},
    )
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.phone) == ("active", "")


def test_enterprise_user_cannot_write_another_enterprise(api_clients, api_records):
    other = api_records.other["enterprise"]
    response = api_clients["ent_a"].patch(
        _detail_url("enterprise", other), {"phone": "0213 3876 999", "version": other.version}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.phone == ""


def test_leader_changes_nothing(api_clients, api_records):
    enterprise = api_records.own["enterprise"]
    response = api_clients["leader"].patch(
        _detail_url("enterprise", enterprise), {"phone": "1", "version": enterprise.version}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_stale_version_is_a_409_and_changes_nothing(api_clients, api_records):
    enterprise = api_records.own["enterprise"]
    client = api_clients["officer"]
    first = client.patch(
        _detail_url("enterprise", enterprise), {"representative": "A", "version": 1}
    )
    assert first.status_code == 200
    second = client.patch(
        _detail_url("enterprise", enterprise), {"representative": "B", "version": 1}
    )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"
    enterprise.refresh_from_db()
    assert enterprise.representative == "A"


def test_only_officers_create_enterprises(api_clients, api_records):
    data = {"name": "Hợp tác xã Chè Sìn Hồ", "tax_code": "6200999991", "legal_form": "cooperative"}
    for persona in ("leader", "ent_a"):
        assert api_clients[persona].post(_list_url("enterprise"), data).status_code == 403


def test_invalid_enterprise_input_is_refused_in_vietnamese(api_clients, api_records):
    response = api_clients["officer"].post(
        _list_url("enterprise"), {"name": "", "tax_code": "123", "legal_form": "nope"}
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) >= {"name", "legal_form"}
    assert "không" in " ".join(fields["name"]).lower()


@pytest.mark.parametrize(
    ("persona", "expected"), [("officer", 200), ("leader", 403), ("ent_a", 403)]
)
@pytest.mark.parametrize("step", ["archive", "restore"])
def test_enterprise_archive_is_the_officers(api_clients, api_records, persona, expected, step):
    enterprise = api_records.own["enterprise"]
    url = reverse(f"api:enterprise-{step}", args=[enterprise.pk])
    assert api_clients[persona].post(url).status_code == expected


# --- Writes: products --------------------------------------------------------------------------


def test_enterprise_user_registers_own_product(api_clients, api_records):
    own = api_records.own["enterprise"]
    response = api_clients["ent_a"].post(
        _list_url("product"),
        {"enterprise": own.pk, "name": "Chè xanh Bình Lư", "category": "tea", "unit": "gói"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["enterprise"] == own.pk


def test_enterprise_user_cannot_register_for_another_enterprise(api_clients, api_records):
    other = api_records.other["enterprise"]
    response = api_clients["ent_a"].post(
        _list_url("product"),
        {"enterprise": other.pk, "name": "Chè xanh", "category": "tea", "unit": "gói"},
    )
    assert response.status_code == 400
    assert "enterprise" in response.json()["error"]["fields"]
    assert not other.products.filter(name="Chè xanh").exists()


def test_enterprise_user_cannot_set_an_ocop_rating(api_clients, api_records):
    product = api_records.own["product"]
    response = api_clients["ent_a"].patch(
        _detail_url("product", product), {"ocop_stars": 5, "version": product.version}
    )
    assert response.status_code == 400
    product.refresh_from_db()
    assert product.ocop_stars is None


def test_enterprise_user_cannot_edit_another_product(api_clients, api_records):
    product = api_records.other["product"]
    response = api_clients["ent_a"].patch(
        _detail_url("product", product), {"name": "X", "version": product.version}
    )
    assert response.status_code == 404


# --- Workflow actions: verify / return ---------------------------------------------------------


@pytest.fixture
def proposals(api_records):
    """A's adoption and certificate as proposals waiting for an officer."""
    for name in ("adoption", "certificate"):
        record = api_records.own[name]
        type(record).objects.filter(pk=record.pk).update(review_state="proposed")
    return api_records


@pytest.mark.parametrize("name", ["adoption", "certificate"])
@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("officer", 200), ("leader", 403), ("ent_a", 403)]
)
def test_verify_is_the_officers(api_clients, proposals, name, persona, expected):
    record = proposals.own[name]
    url = reverse(f"api:{name}-verify", args=[record.pk])
    response = api_clients[persona].post(url, {"version": record.version})
    assert response.status_code == expected, response.content
    record.refresh_from_db()
    assert (record.review_state == "verified") is (expected == 200)


@pytest.mark.parametrize("name", ["adoption", "certificate"])
def test_return_needs_a_reason(api_clients, proposals, name):
    record = proposals.own[name]
    url = reverse(f"api:{name}-return", args=[record.pk])
    refused = api_clients["officer"].post(url, {"version": record.version, "reason": ""})
    assert refused.status_code == 400
    record.refresh_from_db()
    assert record.review_state == "proposed"
    done = api_clients["officer"].post(url, {"version": record.version, "reason": "Bổ sung"})
    assert done.status_code == 200, done.content
    record.refresh_from_db()
    assert record.review_state == "returned"


@pytest.mark.parametrize("name", ["adoption", "certificate"])
def test_enterprise_cannot_verify_own_proposal(api_clients, proposals, name):
    record = proposals.own[name]
    url = reverse(f"api:{name}-verify", args=[record.pk])
    assert api_clients["ent_a"].post(url, {"version": record.version}).status_code == 403


def test_enterprise_user_proposes_an_adoption_for_itself(api_clients, api_records):
    from tests.standards.factories import ToolFactory

    tool = ToolFactory()
    own = api_records.own["enterprise"]
    response = api_clients["ent_a"].post(
        _list_url("adoption"),
        {
            "enterprise": own.pk,
            "standard": tool.pk,
            "status": "implementing",
            "started_on": "2025-01-01",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["review_state"] == "proposed"
    refused = api_clients["ent_a"].post(
        _list_url("adoption"),
        {
            "enterprise": own.pk,
            "standard": tool.pk,
            "status": "implementing",
            "programme_supported": True,
        },
    )
    assert refused.status_code == 400  # the programme's support is the Department's word


# --- Catalogue writes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"), [("officer", 201), ("leader", 403), ("ent_a", 403)]
)
def test_only_officers_add_standards(api_clients, api_records, persona, expected):
    response = api_clients[persona].post(
        _list_url("standard"),
        {
            "code": "TCVN ISO 14001:2015",
            "title": "Hệ thống quản lý môi trường",
            "kind": "management_system",
            "third_party_certified": True,
            "validity_months": 36,
        },
    )
    assert response.status_code == expected, response.content
