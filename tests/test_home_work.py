"""The officer's work queue and the enterprise's home: counts from the database, in a query
count that does not grow with the records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportJob
from standards import selectors_home
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.programs.training_factories import EnrollmentFactory
from tests.standards.factories import AdoptionFactory, CertificateFactory
from tests.standards.factories_products import ProductFactory
from tests.standards.factories_traceability import InForceDeclarationFactory

TODAY = timezone.localdate


def declaration(enterprise, state: str, **fields):
    return InForceDeclarationFactory(enterprise=enterprise, state=state, **fields)


def queue_records(enterprise, n: int = 1) -> None:
    today = TODAY()
    for _ in range(n):
        declaration(enterprise, "submitted", decision_due_on=today - datetime.timedelta(days=2))
        declaration(enterprise, "submitted", decision_due_on=today + datetime.timedelta(days=1))
        declaration(enterprise, "submitted", decision_due_on=today + datetime.timedelta(days=30))
        declaration(
            enterprise, "supplement_requested", supplement_due_on=today - datetime.timedelta(1)
        )
        CertificateFactory(enterprise=enterprise, review_state="proposed")
        AdoptionFactory(review_state="proposed")  # each of another enterprise
    # Archived records are in nobody's queue.
    declaration(
        enterprise, "submitted", decision_due_on=today - datetime.timedelta(2), is_archived=True
    )


@pytest.mark.django_db
def test_officer_queue_counts_what_waits(officer, enterprise_a):
    queue_records(enterprise_a, n=2)
    queue = selectors_home.officer_queue(user=officer)
    assert queue.declarations_overdue == 2
    assert queue.declarations_due_soon == 2
    assert queue.declarations_supplement_late == 2
    assert queue.certificates_to_verify == 2
    assert queue.adoptions_to_verify == 2
    assert queue.imports_waiting == 0
    # A checked file nobody confirmed yet waits for the officer; a refused one does not.
    for errors in (0, 3):
        ImportJob.objects.create(
            user=officer, kind="enterprises", mode="preview", state="done", file="x.csv",
            original_name="x.csv", sha256=str(errors) * 64, created_count=4, error_count=errors,
        )  # fmt: skip
    assert selectors_home.officer_queue(user=officer).imports_waiting == 1
    text = client_for(officer).get(reverse("home")).text
    assert "2 hồ sơ công bố quá hạn xử lý" in text
    assert "2 chứng chỉ chờ xác minh" in text
    assert "1 lần nhập dữ liệu đang chờ" in text
    assert f"{reverse('standards:declaration_list')}?queue=overdue" in text


@pytest.mark.django_db
def test_officer_home_query_count_is_flat(officer, django_assert_max_num_queries):
    client = client_for(officer)
    queue_records(EnterpriseFactory(), n=1)
    client.get(reverse("home"))
    # savepoint, session, user, roles, enterprise figures, pending requests, declarations,
    # proposed certificates, proposed adoptions, imports waiting, notification bell, release
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("home"))
    queue_records(EnterpriseFactory(), n=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def enterprise_records(enterprise, n: int = 1) -> None:
    today = TODAY()
    for i in range(n):
        ProductFactory(enterprise=enterprise, is_published=i == 0)
        declaration(enterprise, "draft", effective_on=None)
        declaration(enterprise, "supplement_requested", effective_on=None)
        declaration(enterprise, "recorded")
        CertificateFactory(enterprise=enterprise, review_state="returned")
        CertificateFactory(enterprise=enterprise, issued_on=today - datetime.timedelta(days=300))
        EnrollmentFactory(enterprise=enterprise)


@pytest.mark.django_db
def test_enterprise_home_shows_its_records_and_what_needs_its_action(ent_a, enterprise_a):
    enterprise_records(enterprise_a, n=2)
    enterprise_records(EnterpriseFactory(), n=3)  # another enterprise's: never counted
    summary = selectors_home.enterprise_summaries(user=ent_a, enterprise_ids=[enterprise_a.pk])[
        enterprise_a.pk
    ]
    assert summary.products == 2
    assert summary.products_published == 1
    assert summary.declarations_draft == 2
    assert summary.declarations_supplement == 2
    assert summary.declarations_in_force == 2
    assert summary.certificates_returned == 2
    assert summary.certificates_valid == 2  # issued 300 days ago for 36 months
    assert summary.enrollments_upcoming == 2
    assert summary.needs_action
    text = client_for(ent_a).get(reverse("home")).text
    assert "2 hồ sơ công bố được yêu cầu bổ sung" in text
    assert "2 chứng chỉ bị trả lại để bổ sung" in text
    assert 'id="count-products-' in text


@pytest.mark.django_db
def test_enterprise_user_cannot_ask_for_another_enterprise(ent_a, enterprise_b):
    enterprise_records(enterprise_b, n=1)
    summary = selectors_home.enterprise_summaries(user=ent_a, enterprise_ids=[enterprise_b.pk])
    assert summary[enterprise_b.pk].products == 0
    assert summary[enterprise_b.pk].certificates_returned == 0


@pytest.mark.django_db
def test_enterprise_home_query_count_is_flat(ent_a, enterprise_a, django_assert_max_num_queries):
    client = client_for(ent_a)
    enterprise_records(enterprise_a, n=1)
    client.get(reverse("home"))
    # savepoint, session, user, roles, memberships, products, declarations, certificates by
    # review, valid certificates, enrolments, notification bell, release
    with django_assert_max_num_queries(13) as few:
        client.get(reverse("home"))
    enterprise_records(enterprise_a, n=4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))
