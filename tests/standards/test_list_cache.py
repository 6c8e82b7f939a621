"""The certificate list's results kept per process (``standards.list_cache``): the same bytes as
drawing them, and drawn again as soon as anything they show changes: a write to any table they
read (by any path: services, ``update()``, a delete), or the day."""

import datetime
import re

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.models import AdministrativeUnit, Enterprise, Sector
from standards import list_cache, services
from standards.choices import CertificateEventKind as Event
from standards.models import (
    Certificate,
    CertificatePeriod,
    CertificateSuspension,
    CertificationBody,
    Standard,
)
from tests.conftest import client_for
from tests.enterprises.factories import SectorFactory
from tests.helpers import count_queries, require_postgresql
from tests.standards.factories import CertificateFactory

pytestmark = pytest.mark.django_db
LIST = reverse("standards:certificate_list")
EXPIRING = f"{LIST}?expiring_within=90"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')
HTMX = {"HTTP_HX_REQUEST": "true"}
OUT_OF_BAND = re.compile(
    r'<span class="filter-count" id="filter-count" hx-swap-oob="true">\d*</span>'
)


def soon(days: int = 0) -> datetime.date:
    """An issue date whose 36-month certificate expires about 45 days (plus ``days``) ahead."""
    return timezone.localdate() - datetime.timedelta(days=1050 - days)


def page(client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return TOKEN.sub('name="csrfmiddlewaretoken" value="…"', response.content.decode())


def listed(client, url: str = EXPIRING) -> str:
    """The results part (htmx) of ``url``."""
    return page(client, url, **HTMX)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "url",
    [
        EXPIRING,
        f"{EXPIRING}&sort=-number&per_page=20",
        f"{LIST}?status=valid&kind=management_system",
        LIST,
    ],
)
def test_kept_results_are_the_bytes_of_a_drawing(settings, officer, language, url):
    CertificateFactory.create_batch(3, issued_on=soon())
    CertificateFactory(issued_on=datetime.date(2019, 1, 1), number="HT <cũ> & 1")
    client = client_for(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    drawn, drawn_part = page(client, url), listed(client, url)
    kept, kept_part = page(client, url), listed(client, url)
    list_cache.clear()
    assert (page(client, url), listed(client, url)) == (drawn, drawn_part)

    assert kept == drawn
    assert kept_part == drawn_part
    # The page holds the same results, without the filter count htmx gets out of band.
    assert OUT_OF_BAND.sub("", drawn_part) in drawn


def test_kept_results_cost_no_certificate_query(officer):
    CertificateFactory.create_batch(3, issued_on=soon())
    client = client_for(officer)
    client.get(EXPIRING)  # the selects' options drawn, as any process's first request does
    Certificate.objects.update(scope="Chè xanh")  # a new data version: the results drawn again
    _, drawn, drawn_sql = count_queries(client, EXPIRING)
    _, kept, kept_sql = count_queries(client, EXPIRING)

    # Drawn: the session (database sessions here), the user with its roles, the data version,
    # the 1,001 ids, the page's rows, the bell. Kept: the session, the user, the version, the bell.
    assert (drawn, kept) == (6, 4)
    assert len([sql for sql in drawn_sql if '"standards_certificate"' in sql]) == 2
    assert not [sql for sql in kept_sql if '"standards_certificate"' in sql]


@pytest.mark.parametrize("query", ["&q=che", "&on=31/02/2025"])
def test_a_search_or_input_with_errors_is_not_kept(officer, query):
    CertificateFactory(issued_on=soon())
    client = client_for(officer)
    url = f"{EXPIRING}{query}"
    client.get(url)
    first = count_queries(client, url)[1]
    assert count_queries(client, url)[1] == first
    assert not list_cache._results


def test_every_table_the_results_read_counts_its_writes():
    """Each table has its trigger (a migration rebuilding a table on SQLite would drop it)."""
    certificate = CertificateFactory(events=[(Event.SUSPENDED, datetime.date(2022, 5, 10))])
    SectorFactory()
    writes = [
        lambda: Certificate.objects.filter(pk=certificate.pk).update(scope="Chè xanh"),
        lambda: CertificatePeriod.objects.filter(certificate=certificate).update(
            ends_on=certificate.expires_on
        ),
        lambda: CertificateSuspension.objects.filter(certificate=certificate).delete(),
        lambda: Enterprise.objects.filter(pk=certificate.enterprise_id).update(name="Chè Tân Uyên"),
        lambda: AdministrativeUnit.objects.update(name="Xã Bản Bo"),
        lambda: Sector.objects.update(name="Trồng chè"),
        lambda: Standard.objects.update(code="TCVN ISO 9001:2016"),
        lambda: CertificationBody.objects.update(acronym="QC"),
    ]
    for write in writes:
        before = list_cache.data_version()
        write()
        assert list_cache.data_version() > before


def test_a_certificate_withdrawn_through_the_service_leaves_the_list(officer):
    staying, leaving = CertificateFactory.create_batch(2, issued_on=soon())
    client = client_for(officer)
    assert leaving.number in listed(client)

    services.certificate_record_event(
        certificate_id=leaving.pk,
        kind=Event.WITHDRAWN,
        happened_on=timezone.localdate(),
        user=officer,
    )

    shown = listed(client)
    assert staying.number in shown
    assert leaving.number not in shown


def test_a_new_or_deleted_certificate_shows_at_once(officer):
    first = CertificateFactory(issued_on=soon())
    client = client_for(officer)
    assert first.number in listed(client)

    second = CertificateFactory(issued_on=soon(1))
    assert second.number in listed(client)
    Certificate.objects.filter(pk=first.pk).delete()
    shown = listed(client)
    assert first.number not in shown
    assert second.number in shown


def test_the_holders_name_and_archiving_show_at_once(officer):
    certificate = CertificateFactory(issued_on=soon())
    client = client_for(officer)
    assert certificate.enterprise.name in listed(client)

    Enterprise.objects.filter(pk=certificate.enterprise_id).update(name="HTX Chè Sơn Bình")
    assert "HTX Chè Sơn Bình" in listed(client)
    Enterprise.objects.filter(pk=certificate.enterprise_id).update(is_archived=True)
    assert certificate.number not in listed(client)


def test_a_new_day_draws_the_results_again(officer, monkeypatch):
    today = timezone.localdate()
    # Expires 91 days from today: outside the 90 days today, inside them tomorrow.
    later = CertificateFactory(issued_on=soon(), expires_on=today + datetime.timedelta(days=91))
    client = client_for(officer)
    assert later.number not in listed(client)

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=1))
    assert later.number in listed(client)


def test_a_rolled_back_write_never_gives_its_version_to_another():
    """Results drawn inside a transaction that then rolled back (its own writes included) must
    not be taken for those of another write that takes the version to the same count."""
    require_postgresql()
    certificate = CertificateFactory(issued_on=soon())
    versions = []
    for scope in ("Chè xanh", "Chè đen"):
        with transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).update(scope=scope)
            versions.append(list_cache.data_version())
            transaction.set_rollback(True)
    assert versions[0] != versions[1]
    assert versions[0][0] == versions[1][0]  # the same number of changes: told apart by `last`


def test_writers_never_wait_for_each_other():
    """Each writing transaction counts in its own row: an import holding its transaction open
    does not hold up an officer's save (which would fail here after two seconds)."""
    require_postgresql()
    from django.db import connections

    certificate = CertificateFactory(issued_on=soon())
    Certificate.objects.filter(pk=certificate.pk).update(scope="Chè xanh")  # this one, open
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute("UPDATE standards_standard SET title = title")
            cursor.execute("SELECT COUNT(*) FROM standards_certificatedatachange")
            (rows,) = cursor.fetchone()
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert rows >= 1  # its own row (the open transaction's is not visible to it)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_has_the_bytes_of_its_template_drawn_whole(settings, officer, language):
    """The kept parts stand where the template's includes were: the same bytes."""
    CertificateFactory.create_batch(2, issued_on=soon())
    client = client_for(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(EXPIRING)  # drawn: the response has the whole context
    page = [t.name for t in response.templates].index("standards/certificate_list.html")
    context = {
        k: v
        for k, v in response.context[page].flatten().items()
        if k not in ("filter_form_html", "results_html")
    }
    with translation.override(language):
        whole = render_to_string("standards/certificate_list.html", context, response.wsgi_request)

    assert TOKEN.sub("…", response.content.decode()) == TOKEN.sub("…", whole)


def test_results_kept_for_htmx_are_not_served_in_a_whole_page_nor_the_reverse(officer):
    """The results drawn for htmx carry the filter count out of band; a whole page must not."""
    CertificateFactory.create_batch(2, issued_on=soon())
    client = client_for(officer)
    for first, second in ((HTMX, {}), ({}, HTMX)):
        list_cache.clear()
        page(client, EXPIRING, **first)
        kept = page(client, EXPIRING, **second)
        list_cache.clear()
        assert kept == page(client, EXPIRING, **second)
    assert 'hx-swap-oob="true"' in listed(client)
    assert 'hx-swap-oob="true"' not in page(client, EXPIRING)
