import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.models import Enterprise
from imports.kinds import SPECS
from imports.models import ImportJob
from tests.conftest import client_for
from tests.enterprises.factories import valid_tax_code
from tests.test_permission_matrix import assert_csp_clean

from .files import template_with_rows, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", list(SPECS))
def test_template_has_vietnamese_headers_a_guide_sheet_and_text_code_columns(officer, kind):
    response = client_for(officer).get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    data, guide = book.worksheets
    spec = SPECS[kind]
    assert [c.value for c in data[1]] == [c.title() for c in spec.columns]
    assert guide.title == "Hướng dẫn"
    assert [guide.cell(row=i + 2, column=1).value for i in range(len(spec.columns))] == [
        c.title() for c in spec.columns
    ]
    for index, column in enumerate(spec.columns, start=1):
        if column.kind == "code":
            assert data.cell(row=2, column=index).number_format == "@", column.name


def test_enterprise_user_cannot_download_the_officers_templates(ent_a):
    response = client_for(ent_a).get(reverse("imports:template", args=["enterprises"]))
    assert response.status_code == 403


def test_unknown_kind_is_404(officer):
    assert client_for(officer).get(reverse("imports:upload", args=["nope"])).status_code == 404


def test_upload_check_and_confirm_through_the_pages(officer, django_capture_on_commit_callbacks):
    client = client_for(officer)
    rows = [
        {
            "tax_code": valid_tax_code(700),
            "name": "Công ty Chè Bình Lư",
            "legal_form": "Công ty cổ phần",
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:upload", args=["enterprises"]),
            {"file": upload(template_with_rows("enterprises", rows))},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    html = page.content.decode()
    assert "Xác nhận ghi vào hệ thống" in html
    assert "Công ty Chè Bình Lư" in html
    assert_csp_clean(html)
    assert not Enterprise.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirm = client.post(reverse("imports:job_confirm", args=[job.pk]))
        client.post(reverse("imports:job_confirm", args=[job.pk]))  # a double click
    commit = ImportJob.objects.get(mode="commit")
    assert confirm["Location"] == commit.get_absolute_url()
    assert Enterprise.objects.count() == 1
    assert "Đã ghi vào hệ thống" in client.get(commit.get_absolute_url()).content.decode()
    partial = client.get(commit.get_absolute_url(), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith("<div")


def test_double_upload_while_the_check_is_queued_finds_the_same_job(officer):
    from imports import services

    content = template_with_rows(
        "enterprises", [{"tax_code": valid_tax_code(701), "name": "A", "legal_form": "Hợp tác xã"}]
    )
    # No on_commit execution: both jobs stay queued, as with a busy worker.
    first = services.import_upload(user=officer, kind="enterprises", upload=upload(content))
    second = services.import_upload(user=officer, kind="enterprises", upload=upload(content))
    assert first.pk == second.pk
    assert ImportJob.objects.count() == 1


def test_another_officer_cannot_confirm_my_check(officer, run_import):
    from tests.factories import UserFactory

    rows = [{"tax_code": valid_tax_code(702), "name": "B", "legal_form": "Hợp tác xã"}]
    job = run_import(officer, "enterprises", upload(template_with_rows("enterprises", rows)))
    colleague = UserFactory(username="canbo2", roles=["officer"])
    response = client_for(colleague).post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.status_code == 404
    assert client_for(colleague).get(job.get_absolute_url()).status_code == 200  # may read it
    assert not Enterprise.objects.exists()


def test_index_lists_my_imports_with_flat_queries(
    officer, run_import, django_assert_max_num_queries
):
    client = client_for(officer)
    for n in range(3):
        rows = [{"tax_code": valid_tax_code(710 + n), "name": f"C{n}", "legal_form": "Hợp tác xã"}]
        run_import(officer, "enterprises", upload(template_with_rows("enterprises", rows)))
    # session, user, groups (role), the jobs, the notification bell (count)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("imports:index"))
    assert response.content.decode().count("du-lieu.xlsx") == 3


def test_import_queue_counts_unconfirmed_checks(officer, run_import):
    from imports.selectors import import_queue_count

    rows = [{"tax_code": valid_tax_code(720), "name": "D", "legal_form": "Hợp tác xã"}]
    run_import(officer, "enterprises", upload(template_with_rows("enterprises", rows)))
    assert import_queue_count(user=officer) == 1


def test_template_downloaded_in_english_imports_too(officer, run_import):
    from django.utils import translation

    rows = [{"tax_code": valid_tax_code(730), "name": "E", "legal_form": "Hợp tác xã"}]
    with translation.override("en"):
        content = template_with_rows("enterprises", rows)
    header = load_workbook(io.BytesIO(content)).worksheets[0]["A1"].value
    assert header == "Tax code (*)"
    job = run_import(officer, "enterprises", upload(content))
    assert job.state == "done"
    assert job.created_count == 1, job.messages or job.error


def test_participants_upload_asks_for_the_course(officer, django_capture_on_commit_callbacks):
    from tests.programs.training_factories import CourseFactory

    course = CourseFactory()
    client = client_for(officer)
    url = reverse("imports:upload", args=["participants"])
    assert course.title in client.get(url).content.decode()
    content = template_with_rows("participants", [{"full_name": "Lò Thị Mai"}])
    refused = client.post(url, {"file": upload(content)})
    assert refused.status_code == 400
    assert not ImportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(url, {"file": upload(content), "course": course.pk})
    job = ImportJob.objects.get()
    assert accepted["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.params == {"course": course.pk}
    assert job.created_count == 1
