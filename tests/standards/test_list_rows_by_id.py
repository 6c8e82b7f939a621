"""The certificate list and the declaration queue fetch their page's rows by id alone: the ids
met every condition of the list already, and asking the conditions again made PostgreSQL plan
and check them twice (the expiring list's subqueries and its expiry window)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from standards.choices import CertificateStatus
from tests.conftest import client_for
from tests.standards.factories import CertificateFactory
from tests.standards.test_declarations_views import submitted

pytestmark = pytest.mark.django_db


def rows_query(client, url: str, table: str, column: str) -> tuple[object, str]:
    """The response and the one query that loaded the page's rows (it selects ``column``)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    found = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and column in q["sql"]]
    assert len(found) == 1, found
    return response, found[0]


def test_the_expiring_lists_rows_are_fetched_by_id_alone(officer):
    soon = datetime.date.today() - datetime.timedelta(days=1050)
    certificates = CertificateFactory.create_batch(3, issued_on=soon)
    url = reverse("standards:certificate_list") + "?expiring_within=90"
    response, sql = rows_query(
        client_for(officer), url, "standards_certificate", '"standards_certificate"."number"'
    )
    where = sql.split(" WHERE ", 1)[1]
    assert "expires_on" not in where
    assert "EXISTS" not in where
    records = [row.record for row in response.context["table"].page.object_list]
    assert [c.pk for c in records] == [c.pk for c in certificates]  # soonest first, then by id
    assert {c.status_on for c in records} == {CertificateStatus.VALID}


def test_the_status_on_a_day_still_comes_with_rows_fetched_by_id(officer):
    CertificateFactory(issued_on=datetime.date(2021, 3, 1))
    url = reverse("standards:certificate_list") + "?on=01/01/2025&status=expired"
    response = client_for(officer).get(url)
    (row,) = response.context["table"].page.object_list
    assert row.record.status_on == CertificateStatus.EXPIRED


def test_the_queues_rows_are_fetched_by_id_alone(officer, enterprise_a):
    waiting = [submitted(enterprise_a) for _ in range(2)]
    response, sql = rows_query(
        client_for(officer),
        reverse("standards:declaration_list"),
        "standards_declaration",
        '"standards_declaration"."state"',
    )
    assert "is_archived" not in sql.split(" WHERE ", 1)[1]
    assert {row.record.pk for row in response.context["table"].page.object_list} == {
        d.pk for d in waiting
    }


def test_the_enterprise_lists_rows_are_fetched_by_id_alone(officer):
    from tests.enterprises.factories import AdministrativeUnitFactory, EnterpriseFactory

    unit = AdministrativeUnitFactory()
    tea = [EnterpriseFactory(name=f"Hợp tác xã Chè {i}", admin_unit=unit) for i in range(3)]
    EnterpriseFactory(name="Công ty Cà phê")
    url = reverse("enterprises:enterprise_list") + f"?q=che&admin_unit={unit.pk}&legal_form="
    response, sql = rows_query(
        client_for(officer), url, "enterprises_enterprise", '"enterprises_enterprise"."tax_code"'
    )
    where = sql.split(" WHERE ", 1)[1]
    # Neither the search nor the area (a subtree, or the unit's history) is asked again.
    assert "search_text" not in where
    assert "admin_unit_id" not in where
    records = [row.record for row in response.context["table"].page.object_list]
    assert [r.pk for r in records] == [e.pk for e in tea]
