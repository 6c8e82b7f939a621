"""Exports of the list pages that had none (products, adoptions, standards, bodies, courses):
CSV streamed with the page's filters and scope, XLSX as a job for the user who asked."""

import csv
import io

import pytest
from django.urls import reverse

from laichau_nsc.models import ListExportJob
from tests.standards.factories import StandardFactory
from tests.standards.factories_products import ProductFactory

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize(
    ("page", "key"),
    [
        ("standards:product_list", "products"),
        ("standards:adoption_list", "adoptions"),
        ("catalogue:standard_list", "standards"),
        ("catalogue:body_list", "certification-bodies"),
        ("programs:course_list", "courses"),
    ],
)
def test_list_pages_offer_export(personas, page, key):
    html = personas["officer"].client.get(reverse(page)).content.decode()
    assert reverse("list_export", args=[key]) in html


def test_csv_of_a_page_keeps_scope_and_filters(personas, enterprise_a, enterprise_b):
    mine = ProductFactory(enterprise=enterprise_a, name="Chè xanh Bình Lư")
    ProductFactory(enterprise=enterprise_a, name="Miến dong")
    ProductFactory(enterprise=enterprise_b, name="Chè xanh Tân Uyên")
    url = reverse("list_export", args=["products"])
    response = personas["ent_a"].client.get(url + "?q=binh lu")
    assert response.status_code == 200
    assert response.streaming
    assert [row[0] for row in _rows(response)[1:]] == [mine.name]


def test_staff_list_export_is_refused_to_enterprise_users(personas):
    url = reverse("list_export", args=["adoptions"])
    assert personas["ent_a"].client.get(url).status_code == 403
    assert personas["anonymous"].client.get(url).status_code == 302
    assert personas["officer"].client.get(reverse("list_export", args=["nope"])).status_code == 404


def test_xlsx_of_a_page_is_a_job_for_its_owner(personas, django_capture_on_commit_callbacks):
    StandardFactory(code="TCVN ISO 9001:2015")
    client = personas["officer"].client
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("list_export", args=["standards"]), {"format": "xlsx", "query": "in_use=all"}
        )
    job = ListExportJob.objects.get()
    assert response["Location"] == reverse("list_export_job", args=[job.pk])
    assert job.state == "done"
    assert job.row_count == 1
    assert job.params == {"in_use": ["all"]}
    page = client.get(response["Location"])
    assert reverse("list_export_download", args=[job.pk]) in page.content.decode()
    assert client.get(reverse("list_export_download", args=[job.pk])).status_code == 200
    other = personas["leader"].client
    assert other.get(reverse("list_export_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("list_export_download", args=[job.pk])).status_code == 404
