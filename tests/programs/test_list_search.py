"""The expert, support and course searches match a stored folded column in the database: one
query whatever the number of rows, blind to case and diacritics, never a Python pass over rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.filters_support import ExpertFilterSet, SupportActivityFilterSet
from programs.filters_training import CourseFilterSet
from programs.models import Expert, SupportActivity, TrainingCourse
from tests.programs.factories_support import ExpertFactory, SupportActivityFactory
from tests.programs.training_factories import CourseFactory

pytestmark = pytest.mark.django_db


def _search(filterset_class, model, query: str) -> tuple[list, list[str]]:
    """The rows the filter set finds for ``query`` and the SQL it ran to find them."""
    filterset = filterset_class({"q": query}, queryset=model.objects.all())
    assert filterset.is_valid(), filterset.errors
    with CaptureQueriesContext(connection) as captured:
        rows = list(filterset.qs)
    sql = [q["sql"] for q in captured.captured_queries]
    # A search that also looks in the enterprises' names asks, on PostgreSQL, the word index's
    # vocabulary which words the phrase's first word may end: at most one small look-up.
    looked_up = [q for q in sql if '"enterprises_searchword"' in q]
    assert len(looked_up) <= (1 if connection.vendor == "postgresql" else 0), looked_up
    return rows, [q for q in sql if q not in looked_up]


CASES = [
    (
        ExpertFilterSet,
        Expert,
        lambda **kw: ExpertFactory(**kw),
        {"qualifications": "Hỗ trợ chuyển đổi số cho doanh nghiệp"},
    ),
    (
        SupportActivityFilterSet,
        SupportActivity,
        lambda **kw: SupportActivityFactory(funding={}, **kw),
        {"title": "Hỗ trợ chuyển đổi số cho doanh nghiệp"},
    ),
    (
        CourseFilterSet,
        TrainingCourse,
        lambda **kw: CourseFactory(**kw),
        {"organiser": "Trung tâm Hỗ trợ Chuyển đổi số tỉnh"},
    ),
]
IDS = ["experts", "support", "courses"]


@pytest.mark.parametrize(("filterset_class", "model", "make", "fields"), CASES, ids=IDS)
def test_search_without_diacritics_finds_the_row_in_one_query(filterset_class, model, make, fields):
    wanted = make(**fields)
    other = make()

    rows, sql = _search(filterset_class, model, "ho tro CHUYEN DOI SO")

    assert wanted in rows
    assert other not in rows
    # One query, and the match is a LIKE on the stored column: no pass over the rows in Python.
    assert len(sql) == 1, sql
    assert "search_text" in sql[0]
    assert "LIKE" in sql[0].upper()


@pytest.mark.parametrize(("filterset_class", "model", "make", "fields"), CASES, ids=IDS)
def test_search_reads_only_the_matching_rows(filterset_class, model, make, fields):
    make(**fields)
    for _ in range(3):
        make()
    _, few = _search(filterset_class, model, "chuyển đổi số")
    for _ in range(12):
        make()
    rows, many = _search(filterset_class, model, "chuyển đổi số")

    assert len(rows) == 1
    assert len(many) == len(few) == 1


@pytest.mark.parametrize(("filterset_class", "model", "make", "fields"), CASES, ids=IDS)
def test_search_text_follows_edits(filterset_class, model, make, fields):
    row = make()
    assert _search(filterset_class, model, "chuyen doi so")[0] == []
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()

    assert _search(filterset_class, model, "chuyen doi so")[0] == [row]


def test_search_text_is_not_in_history():
    expert = ExpertFactory()
    historical = expert.history.model
    assert "search_text" not in {f.name for f in historical._meta.fields}
    for model in (SupportActivity, TrainingCourse):
        assert "search_text" not in {f.name for f in model.history.model._meta.fields}


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("programs:expert_list", lambda: ExpertFactory(full_name="Nguyễn Thị Đào")),
        (
            "programs:support_list",
            lambda: SupportActivityFactory(funding={}, title="Đào tạo nhân viên"),
        ),
        ("programs:course_list", lambda: CourseFactory(title="Lớp Đào tạo 5S")),
    ],
    ids=IDS,
)
def test_list_page_search_is_flat_with_data_size(
    client, officer, url, make, django_assert_max_num_queries
):
    client.force_login(officer)
    make()
    with CaptureQueriesContext(connection) as first:
        response = client.get(reverse(url), {"q": "dao"})
    assert response.status_code == 200
    for _ in range(10):
        make()
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse(url), {"q": "dao"})
    assert response.status_code == 200


def test_admin_change_page_hides_the_search_text(admin_client):
    expert = ExpertFactory(full_name="Nguyễn Thị Đào")
    page = admin_client.get(reverse("admin:programs_expert_change", args=[expert.pk]))

    assert page.status_code == 200
    assert "Nguyễn Thị Đào" in page.content.decode()
    assert expert.search_text not in page.content.decode()
