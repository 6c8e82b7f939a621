"""Declaration pages: crafted POSTs change nothing an enterprise may not change, the officers'
queue has a flat query count, files and the receipt notice go only to those who may see them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from standards.choices import DeclarationState
from standards.models import Declaration
from tests.conftest import client_for
from tests.standards.factories_declarations import DeclarationFactory, RegulationFactory
from tests.standards.factories_products import ProductFactory
from tests.test_files import pdf_bytes, upload

S = DeclarationState
pytestmark = pytest.mark.django_db

#: What a forged form adds: the Department's fields.
FORGED = {
    "state": S.ACCEPTED,
    "receipt_number": "99/TB",
    "receipt_date": "01/11/2026",
    "valid_until": "01/01/2099",
    "must_be_filed": "False",
    "decision_due_on": "01/01/2099",
    "reason": "x",
}


def submitted(enterprise, **kwargs) -> Declaration:
    return DeclarationFactory(
        enterprise=enterprise,
        state=S.SUBMITTED,
        submitted_at=timezone.now(),
        complete_on=timezone.localdate(),
        decision_due_on=timezone.localdate() + datetime.timedelta(days=7),
        **kwargs,
    )


def test_enterprise_creates_a_draft_and_a_forged_state_is_ignored(enterprise_a, ent_a):
    product = ProductFactory(enterprise=enterprise_a)
    regulation = RegulationFactory()
    response = client_for(ent_a).post(
        reverse("standards:declaration_create", args=[enterprise_a.pk]),
        {
            "kind": "conformity_regulation",
            "standard": regulation.pk,
            "products": [product.pk],
            "basis": "self_assessment",
            "document_number": "01/2026/CBHQ",
            "declared_on": "02/11/2026",
            **FORGED,
        },
    )
    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert declaration.state == S.DRAFT
    assert declaration.receipt_number == ""
    assert declaration.valid_until is None
    assert declaration.must_be_filed  # the model default, not the forged "False"
    assert list(declaration.products.all()) == [product]


def test_enterprise_cannot_declare_another_enterprise_product_or_for_another_enterprise(
    enterprise_a, enterprise_b, ent_a
):
    theirs = ProductFactory(enterprise=enterprise_b)
    data = {
        "kind": "conformity_regulation",
        "standard": RegulationFactory().pk,
        "products": [theirs.pk],
        "basis": "self_assessment",
    }
    client = client_for(ent_a)
    response = client.post(reverse("standards:declaration_create", args=[enterprise_a.pk]), data)
    assert response.status_code == 200  # the form again, with the error
    assert "products" in response.context["form"].errors
    response = client.post(reverse("standards:declaration_create", args=[enterprise_b.pk]), data)
    assert response.status_code == 404
    assert not Declaration.objects.exists()


def test_a_forged_update_changes_only_what_the_enterprise_may(enterprise_a, ent_a):
    declaration = DeclarationFactory(enterprise=enterprise_a)
    response = client_for(ent_a).post(
        reverse("standards:declaration_update", args=[declaration.pk]),
        {
            "kind": declaration.kind,
            "standard": declaration.standard_id,
            "products": [p.pk for p in declaration.products.all()],
            "basis": "self_assessment",
            "document_number": "SUA/2026",
            "version": declaration.version,
            **FORGED,
        },
    )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.document_number == "SUA/2026"
    assert declaration.state == S.DRAFT
    assert declaration.receipt_number == ""


@pytest.mark.parametrize(
    "name", ["declaration_accept", "declaration_reject", "declaration_request_supplement"]
)
def test_enterprise_cannot_post_an_officer_step(name, enterprise_a, ent_a):
    declaration = submitted(enterprise_a)
    response = client_for(ent_a).post(
        reverse(f"standards:{name}", args=[declaration.pk]),
        {"version": declaration.version, "reason": "x", **FORGED},
    )
    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.state == S.SUBMITTED
    assert not declaration.steps.exists()


def test_enterprise_submit_with_forged_fields_only_submits(enterprise_a, ent_a):
    declaration = DeclarationFactory(enterprise=enterprise_a)
    response = client_for(ent_a).post(
        reverse("standards:declaration_submit", args=[declaration.pk]),
        {"version": declaration.version, **FORGED},
    )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.state == S.SUBMITTED
    assert declaration.receipt_number == ""
    assert declaration.decision_due_on > timezone.localdate()


@pytest.mark.parametrize("state", [S.DRAFT, S.SUPPLEMENT_REQUESTED])
def test_another_enterprise_user_gets_404_for_every_step(state, enterprise_b, ent_a):
    declaration = DeclarationFactory(enterprise=enterprise_b, state=state)
    client = client_for(ent_a)
    for name in ("declaration_submit", "declaration_answer", "declaration_update"):
        response = client.post(
            reverse(f"standards:{name}", args=[declaration.pk]),
            {"version": declaration.version, "reason": "x"},
        )
        assert response.status_code == 404, name
    assert Declaration.objects.get(pk=declaration.pk).state == state


def test_an_illegal_step_through_a_page_is_a_message_and_changes_nothing(
    enterprise_a, ent_a, officer
):
    declaration = DeclarationFactory(enterprise=enterprise_a)  # a draft
    response = client_for(officer).post(
        reverse("standards:declaration_accept", args=[declaration.pk]),
        {"version": declaration.version, "receipt_number": "1/TB", "receipt_date": "02/11/2026"},
    )
    assert response.status_code == 400
    assert "Không thể thực hiện bước này" in response.content.decode()
    assert Declaration.objects.get(pk=declaration.pk).state == S.DRAFT


def test_a_stale_step_is_refused(enterprise_a, officer):
    declaration = submitted(enterprise_a)
    response = client_for(officer).post(
        reverse("standards:declaration_reject", args=[declaration.pk]),
        {"version": declaration.version + 1, "reason": "Không đạt"},
        follow=True,
    )
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert Declaration.objects.get(pk=declaration.pk).state == S.SUBMITTED


def test_officer_accepts_and_prints_the_receipt_notice(enterprise_a, ent_a, officer):
    declaration = submitted(enterprise_a)
    client = client_for(officer)
    response = client.post(
        reverse("standards:declaration_accept", args=[declaration.pk]),
        {
            "version": declaration.version,
            "receipt_number": "15/TB-SKHCN",
            "receipt_date": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.state == S.ACCEPTED
    pdf = client_for(ent_a).get(reverse("standards:declaration_receipt_pdf", args=[declaration.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_no_receipt_notice_before_acceptance(enterprise_a, officer):
    declaration = submitted(enterprise_a)
    response = client_for(officer).get(
        reverse("standards:declaration_receipt_pdf", args=[declaration.pk])
    )
    assert response.status_code == 404


def test_dossier_files_upload_and_download_only_for_those_who_may_see(
    enterprise_a, ent_a, ent_b, officer
):
    declaration = DeclarationFactory(enterprise=enterprise_a, documents=0)
    response = client_for(ent_a).post(
        reverse("standards:declaration_document_create", args=[declaration.pk]),
        {"title": "Kết quả thử nghiệm", "file": upload(pdf_bytes(), "ket-qua.pdf")},
    )
    assert response.status_code == 302
    document = declaration.documents.get()
    url = reverse("standards:declaration_document_download", args=[document.pk])
    assert client_for(ent_a).get(url).status_code == 200
    assert client_for(officer).get(url).status_code == 200
    assert client_for(ent_b).get(url).status_code == 404
    response = client_for(ent_a).post(
        reverse("standards:declaration_document_create", args=[declaration.pk]),
        {"title": "Giả", "file": upload(b"<html>not a pdf</html>", "gia.pdf")},
    )
    assert response.status_code == 200
    assert declaration.documents.count() == 1


def test_enterprise_list_shows_only_its_own(enterprise_a, enterprise_b, ent_a):
    mine = DeclarationFactory(enterprise=enterprise_a, document_number="CUA-A")
    DeclarationFactory(enterprise=enterprise_b, document_number="CUA-B")
    response = client_for(ent_a).get(reverse("standards:declaration_list"))
    rows = [row.record for row in response.context["table"].page.object_list]
    assert rows == [mine]


def test_the_queue_filters_overdue(enterprise_a, officer):
    late = submitted(enterprise_a)
    Declaration.objects.filter(pk=late.pk).update(
        decision_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    submitted(enterprise_a)
    response = client_for(officer).get(reverse("standards:declaration_list"), {"queue": "overdue"})
    assert [row.record.pk for row in response.context["table"].page.object_list] == [late.pk]


@pytest.mark.parametrize("rows", [1, 20])
def test_the_queue_query_count_is_flat(rows, enterprise_a, officer, django_assert_max_num_queries):
    for _ in range(rows):
        submitted(enterprise_a)
    client = client_for(officer)
    url = reverse("standards:declaration_list")
    client.get(url)  # warm the catalogues' caches
    # The request's savepoint and its release, session, user, roles, the bounded count, the
    # page of rows (with enterprise and standard joined), the bell: the same for 1 and 20 rows.
    with django_assert_max_num_queries(8):
        response = client.get(url, {"queue": "waiting"})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == rows


def test_the_queue_rows_say_state_overdue_expired_and_escape_names(enterprise_a, officer):
    from standards.tables_declarations import declaration_rows_html

    today = timezone.localdate()
    enterprise_a.name = "Công ty <Chè> & Trà"
    enterprise_a.save()
    late = submitted(enterprise_a)
    late.decision_due_on = today - datetime.timedelta(days=1)
    lapsed = DeclarationFactory(
        enterprise=enterprise_a,
        state=S.ACCEPTED,
        receipt_number="1/TB",
        receipt_date=today - datetime.timedelta(days=1200),
        valid_until=today - datetime.timedelta(days=1),
    )
    asked = DeclarationFactory(
        enterprise=enterprise_a,
        state=S.SUPPLEMENT_REQUESTED,
        supplement_due_on=datetime.date(2026, 12, 21),
    )
    html = str(declaration_rows_html([late, lapsed, asked], today))
    assert html.count("<tr>") == 3
    assert "Công ty &lt;Chè&gt; &amp; Trà" in html
    assert "<Chè>" not in html
    assert "Quá hạn" in html
    assert "Hết hiệu lực" in html
    assert "bổ sung trước 21/12/2026" in html
    assert f'href="/chung-nhan/cong-bo/{late.pk}/"' in html
    assert "Không có hồ sơ công bố nào phù hợp." in str(declaration_rows_html([], today))


def detail_queries(client, declaration) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("standards:declaration_detail", args=[declaration.pk])
    client.get(url)  # warm the session and catalogues
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_detail_query_count_is_flat(enterprise_a, ent_a, officer):
    from standards import services_declarations as services

    few = DeclarationFactory(enterprise=enterprise_a)
    many = DeclarationFactory(
        enterprise=enterprise_a,
        products=[ProductFactory(enterprise=enterprise_a) for _ in range(6)],
        documents=6,
    )
    for declaration in (few, many):
        services.declaration_submit(
            declaration_id=declaration.pk, version=declaration.version, user=ent_a
        )
    services.declaration_request_supplement(
        declaration_id=many.pk, version=2, reason="Bổ sung", user=officer
    )
    client = client_for(officer)
    assert detail_queries(client, few) == detail_queries(client, many)
