"""Role home pages: every figure opens the list it counts, showing as many rows."""

import html
import re

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory

CARD = re.compile(
    r'<a class="card[^"]*stat-card" href="(?P<href>[^"]+)" id="card-(?P<key>\w+)">.*?'
    r'id="stat-(?P=key)">(?P<value>[\d.]+)</div>',
    re.S,
)


@pytest.fixture
def enterprises(db):
    EnterpriseFactory.create_batch(3)  # joint-stock companies, active
    EnterpriseFactory.create_batch(2, legal_form="cooperative")
    EnterpriseFactory(legal_form="cooperative", status="suspended")
    EnterpriseFactory.create_batch(4, legal_form="household")
    EnterpriseFactory(legal_form="household", status="dissolved")
    # Archived records count nowhere, on the home page as in the list.
    EnterpriseFactory(legal_form="cooperative", is_archived=True)
    EnterpriseFactory(legal_form="household", is_archived=True)


def cards(text: str) -> dict[str, tuple[str, int]]:
    return {
        m["key"]: (html.unescape(m["href"]), int(m["value"].replace(".", "")))
        for m in CARD.finditer(text)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["officer", "leader"])
def test_each_home_figure_links_to_a_list_of_as_many_rows(persona, enterprises, request):
    client = client_for(request.getfixturevalue(persona))
    found = cards(client.get(reverse("home")).text)
    assert {key: value for key, (_href, value) in found.items()} == {
        "total": 11,
        "active": 9,
        "cooperatives": 3,
        "households": 5,
    }
    assert found["cooperatives"][0] == "/doanh-nghiep/?legal_form=cooperative"
    for key, (href, value) in found.items():
        response = client.get(href)
        assert response.status_code == 200
        assert response.context["table"].paginator.count == value, key
        assert f"{value} kết quả" in response.text


@pytest.mark.django_db
def test_pending_requests_link_to_the_queue_of_as_many_requests(officer, enterprise_a):
    MembershipFactory.create_batch(2, enterprise=enterprise_a, state="requested")
    MembershipFactory(enterprise=enterprise_a, state="approved")
    client = client_for(officer)
    text = client.get(reverse("home")).text
    assert "2 yêu cầu tài khoản doanh nghiệp đang chờ duyệt" in text
    queue = reverse("enterprises:membership_list")
    assert f'href="{queue}"' in text
    assert client.get(queue).context["table"].paginator.count == 2
