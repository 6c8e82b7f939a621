"""API lists: query counts flat with the number of rows, tokens, throttling, errors, exports."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laichau_nsc.api.authentication import token_create, token_revoke
from laichau_nsc.models import ListExportJob
from tests.api.conftest import records_for
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.helpers import cache_reads
from tests.programs.training_factories import CourseFactory
from tests.standards.factories import CertificationBodyFactory, StandardFactory

pytestmark = pytest.mark.django_db

LISTS = (
    "enterprise",
    "adoption",
    "certificate",
    "product",
    "barcode-registration",
    "declaration",
    "enrollment",
    "support-activity",
    "standard",
    "certification-body",
    "course",
    "admin-unit",
    "sector",
)


def _add_enterprises(count: int, member=None) -> None:
    standard, body, course = StandardFactory(), CertificationBodyFactory(), CourseFactory()
    for _ in range(count):
        enterprise = EnterpriseFactory()
        if member is not None:
            MembershipFactory(user=member, enterprise=enterprise)
        records_for(enterprise, standard, body, course)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("persona", ["officer", "ent_a"])
def test_list_queries_are_flat(api_clients, ent_a, name, persona):
    """N and 3N rows of everything: the same number of queries (no N+1)."""
    if persona == "ent_a" and name in ("enterprise", "adoption", "certificate"):
        pytest.skip("a staff list")
    client = api_clients[persona]
    url = reverse(f"api:{name}-list")
    member = ent_a if persona == "ent_a" else None
    _add_enterprises(2, member)
    # Warm the per-process catalogues (units, sectors, rebuilt when a unit is added), as any web
    # process has them after its first request.
    client.get(url)
    few = _queries(client, url)
    _add_enterprises(4, member)
    client.get(url)
    many = _queries(client, url)
    assert many == few


def test_token_authentication(ent_a, api_records):
    from django.test import Client

    token, key = token_create(user=ent_a, name="Kho dữ liệu")
    assert key.startswith("nsc_")
    assert token.key_digest not in key
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(reverse("api:product-list"))
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {api_records.own["product"].pk}
    bad = Client(HTTP_AUTHORIZATION=f"Token {key}x").get(reverse("api:product-list"))
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "authentication_failed"
    token_revoke(token=token)
    assert client.get(reverse("api:product-list")).status_code == 401


def test_token_writes_need_no_csrf_but_sessions_do(officer, api_records):
    from django.test import Client

    enterprise = api_records.own["enterprise"]
    url = reverse("api:enterprise-detail", args=[enterprise.pk])
    session = Client(enforce_csrf_checks=True)
    session.force_login(officer)
    refused = session.patch(
        url, {"phone": "0213 3876 999", "version": 1}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    _token, key = token_create(user=officer, name="ETL")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {key}")
    done = client.patch(
        url, {"phone": "0213 3876 999", "version": 1}, content_type="application/json"
    )
    assert done.status_code == 200, done.content


def test_throttled_per_token(settings, ent_a, api_records):
    from django.test import Client

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/min", "api_anon": "2/min"},
    }
    _t, key = token_create(user=ent_a, name="A")
    _t2, key2 = token_create(user=ent_a, name="B")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:standard-list")
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    last = client.get(url)
    assert last.json()["error"]["code"] == "throttled"
    # Another token of the same user has its own counter.
    assert Client(HTTP_AUTHORIZATION=f"Token {key2}").get(url).status_code == 200


def test_bad_filter_is_a_vietnamese_400(api_clients, api_records):
    response = api_clients["officer"].get(reverse("api:certificate-list") + "?status=nope")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "status" in response.json()["error"]["fields"]


def test_page_filters_apply(api_clients, api_records):
    product = api_records.own["product"]
    url = reverse("api:product-list") + f"?enterprise={product.enterprise_id}"
    ids = {row["id"] for row in api_clients["officer"].get(url).json()["results"]}
    assert ids == {product.pk}


def test_cursor_pagination_walks_every_row(api_clients, api_records):
    _add_enterprises(3)
    client = api_clients["officer"]
    url = reverse("api:product-list") + "?page_size=2"
    seen = []
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    from standards.models import Product

    assert sorted(seen) == sorted(Product.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_is_scoped_streamed_and_safe(api_clients, api_records):
    product = api_records.own["product"]
    type(product).objects.filter(pk=product.pk).update(name='=HYPERLINK("x")')
    response = api_clients["ent_a"].get(reverse("api:product-list") + "?format=csv")
    assert response.status_code == 200
    assert response.streaming
    rows = _csv_rows(response)
    assert len(rows) == 2  # header + A's one product; B's is not there
    assert rows[1][0] == '\'=HYPERLINK("x")'  # a formula is neutralised
    assert rows[1][2] == f'="{product.enterprise.tax_code}"'  # a code stays text


def test_csv_export_respects_filters(api_clients, api_records):
    other = api_records.other["enterprise"]
    url = reverse("api:enterprise-list") + f"?format=csv&q={other.tax_code}"
    rows = _csv_rows(api_clients["officer"].get(url))
    assert [r[0] for r in rows[1:]] == [other.name]


def test_xlsx_export_runs_as_a_job_for_its_owner_only(
    api_clients, api_records, ent_a, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    with django_capture_on_commit_callbacks(execute=True):
        response = api_clients["ent_a"].get(reverse("api:product-list") + "?format=xlsx")
    assert response.status_code == 202, response.content
    job = ListExportJob.objects.get(pk=response.json()["id"])
    assert job.user == ent_a
    assert job.state == "done"
    assert job.row_count == 1
    status = api_clients["ent_a"].get(response["Location"]).json()
    download = api_clients["ent_a"].get(status["download_url"])
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = workbook.active
    assert sheet.max_row == 2
    assert sheet.cell(2, 3).data_type == "s"  # the tax code as text
    # Another user cannot see or download it.
    assert api_clients["officer"].get(response["Location"]).status_code == 404


def test_unknown_format_is_a_406(api_clients, api_records):
    response = api_clients["officer"].get(reverse("api:product-list") + "?format=pdf")
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"


def test_api_token_command_prints_a_working_key(ent_a, api_records):
    from django.core.management import call_command
    from django.test import Client

    out = io.StringIO()
    call_command("api_token", ent_a.username, "--name", "ETL", stdout=out)
    key = out.getvalue().strip()
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api:product-list")).status_code == 200
    prefix = key.split("_")[1]
    call_command("api_token", ent_a.username, "--revoke", prefix, stdout=io.StringIO())
    assert client.get(reverse("api:product-list")).status_code == 401


def test_a_token_call_reads_token_user_and_roles_in_one_query(ent_a, api_records):
    """Token, user and the user's roles come from one query, then the list's own."""
    from django.test import Client

    _token, key = token_create(user=ent_a, name="A")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:standard-list")
    client.get(url)  # last_used_at is written on the first call only
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    reads = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    # 1. the token with its user and roles, 2. the page of standards, 3. its count
    assert len(reads) == 3, reads


def test_a_token_loses_a_removed_role_at_once(officer, api_records):
    from django.contrib.auth.models import Group
    from django.test import Client

    _token, key = token_create(user=officer, name="ETL")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:enterprise-list")
    assert client.get(url).status_code == 200
    officer.groups.remove(Group.objects.get(name="officer"))
    assert client.get(url).status_code == 403
    officer.is_active = False
    officer.save()
    assert client.get(url).status_code == 401


def test_the_throttle_keeps_one_counter_per_window(settings, ent_a, api_records):
    """A counter (one integer), not DRF's list of every call's time."""
    from django.core.cache import cache
    from django.test import Client

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "100/min", "api_anon": "2/min"},
    }
    token, key = token_create(user=ent_a, name="A")
    cache.clear()
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    for _ in range(3):
        assert client.get(reverse("api:standard-list")).status_code == 200
    import pickle

    stored = cache._cache
    values = [pickle.loads(v) for k, v in stored.items() if f"token:{token.pk}:" in k]  # noqa: S301
    assert values == [3]


def test_the_enterprise_list_reads_the_cache_only_for_its_filters(officer, monkeypatch):
    """An API list reads from the cache what its filters need (the versions of the unit and
    sector catalogues, once each); the select boxes of a page, which an answer in JSON never
    draws, cost it no cache read."""
    from django.test import Client

    _token, key = token_create(user=officer, name="ETL")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:enterprise-list")
    assert client.get(url).status_code == 200  # catalogues built, their versions stored
    reads = cache_reads(monkeypatch)
    assert client.get(url + "?status=active").status_code == 200
    # One read: every catalogue's version at once (enterprises.catalogues), nothing else.
    assert len(reads) == 1, reads
    assert {"catalogue-version:sectors", "catalogue-version:units"} <= set(reads[0])
    assert all(key.startswith("catalogue-version:") for key in reads[0])


def test_on_redis_the_counter_brings_the_catalogues_tokens(
    officer, monkeypatch, settings, redis_url
):
    """With Redis, the throttle's round trip also reads the catalogues' tokens, so the list's
    filters read nothing more from the cache; the tokens are those in the cache."""
    import uuid

    from django.core.cache import cache
    from django.test import Client

    from enterprises import catalogues

    settings.CACHES = {
        "default": {
            "BACKEND": "laichau_nsc.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    _token, key = token_create(user=officer, name="ETL")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    list_url = reverse("api:enterprise-list")
    assert client.get(list_url).status_code == 200  # catalogues built, their tokens stored
    reads = cache_reads(monkeypatch)
    first = client.get(list_url + "?status=active")
    assert first.status_code == 200
    assert reads == []
    # A catalogue changed meanwhile (another process): the next call reads the new token.
    catalogues.invalidate(catalogues.UNITS)
    new_token = cache.get(catalogues.CACHE_KEY.format(catalogues.UNITS))
    built = []
    monkeypatch.setattr(
        catalogues, "_build_units", lambda b=catalogues._build_units: built.append(1) or b()
    )
    assert client.get(list_url + "?status=active").status_code == 200
    assert built == [1]
    assert catalogues._memo[catalogues.UNITS][0] == new_token
    cache.delete_many([catalogues.CACHE_KEY.format(kind) for kind in catalogues._kinds])
