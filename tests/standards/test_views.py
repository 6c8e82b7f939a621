"""Certificate and adoption pages: lists (filters, status on a date, query counts), the
enterprise page's sections, proposals with forged fields, scan downloads, exports."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from standards import list_cache
from standards.choices import CertificateEventKind as Event
from standards.choices import CertificateStatus, ReviewState
from standards.models import Adoption, Certificate, CertificateExportJob
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import assert_queries_constant, count_queries
from tests.standards.factories import (
    AdoptionFactory,
    CertificateFactory,
    CertificationBodyFactory,
    StandardFactory,
    ToolFactory,
)
from tests.test_files import pdf_bytes, png_bytes, upload

D = datetime.date
pytestmark = pytest.mark.django_db
LIST = reverse("standards:certificate_list")


def numbers(response) -> set[str]:
    return {row.record.number for row in response.context["table"].page.object_list}


# --- The officers' list ----------------------------------------------------------------------


def test_certificate_list_query_count_is_flat(officer):
    def add(n):
        for _ in range(n):
            CertificateFactory(events=[(Event.SUSPENDED, D(2022, 5, 10))])

    client = client_for(officer)
    for url in (f"{LIST}?on=31/12/2022&status=suspended&sort=expires_on", LIST):
        assert_queries_constant(client, url, drawn(add, client, url))
    # Valid, unsuspended certificates expiring within 90 days of today.
    soon = datetime.date.today() - datetime.timedelta(days=1050)
    url = f"{LIST}?expiring_within=90"
    assert_queries_constant(
        client,
        url,
        drawn(lambda n: CertificateFactory.create_batch(n, issued_on=soon), client, url),
    )
    list_cache.clear()  # the rows as the table reads them, not the results kept for the URL
    assert len(numbers(client.get(url))) == 20  # 10, then 10 more


def drawn(add, client, url):
    """``add``, then one request that draws the selects' options again (new rows may renew
    the standards, bodies and units they come from), as any process's first request does."""

    def add_and_draw(n):
        add(n)
        client.get(url)

    return add_and_draw


def test_adoption_list_query_count_is_flat(officer):
    def add(n):
        for _ in range(n):
            AdoptionFactory(standard=StandardFactory())

    client, url = client_for(officer), reverse("standards:adoption_list")
    assert_queries_constant(client, url, drawn(add, client, url))


CATALOGUE_TABLES = (
    "standards_standard",
    "standards_certificationbody",
    "enterprises_administrativeunit",
    "enterprises_sector",
)


def test_list_selects_are_drawn_once_and_see_every_change(officer):
    body = CertificationBodyFactory(name="Trung tâm Chứng nhận Cũ", acronym="")
    StandardFactory(code="TCVN ISO 9001:2015")
    client = client_for(officer)
    client.get(LIST)  # draws the options of the standard, body, unit and sector selects
    # Later requests read no catalogue row (no certificate: no row of the list reads them).
    _, _, sql = count_queries(client, LIST)
    assert not [q for q in sql if any(f'FROM "{table}"' in q for table in CATALOGUE_TABLES)]
    StandardFactory(code="HACCP CODEX 2020")
    body.name = "Trung tâm Chứng nhận Mới"
    body.save()
    page = client.get(LIST).text
    assert "HACCP CODEX 2020" in page
    assert "Trung tâm Chứng nhận Mới" in page
    assert "Trung tâm Chứng nhận Cũ" not in page


# A table of certificates whose status differs on 31/12/2022.
def _table():
    return {
        "valid": CertificateFactory(number="HL-1"),
        "suspended": CertificateFactory(number="DC-1", events=[(Event.SUSPENDED, D(2022, 5, 1))]),
        "lifted": CertificateFactory(
            number="HL-2",
            events=[(Event.SUSPENDED, D(2022, 5, 1)), (Event.REINSTATED, D(2022, 6, 1))],
        ),
        "withdrawn": CertificateFactory(number="TH-1", events=[(Event.WITHDRAWN, D(2022, 9, 1))]),
        "expired": CertificateFactory(number="HH-1", issued_on=D(2019, 1, 1)),
        "not_yet": CertificateFactory(number="CH-1", issued_on=D(2023, 1, 1)),
        "proposed": CertificateFactory(number="DX-1", review_state=ReviewState.PROPOSED),
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (CertificateStatus.VALID, {"HL-1", "HL-2"}),
        (CertificateStatus.SUSPENDED, {"DC-1"}),
        (CertificateStatus.WITHDRAWN, {"TH-1"}),
        (CertificateStatus.EXPIRED, {"HH-1"}),
        (CertificateStatus.NOT_YET_VALID, {"CH-1"}),
    ],
)
def test_status_on_a_date_matches_valid_on_and_status_on(status, expected, officer):
    _table()
    response = client_for(officer).get(LIST, {"on": "31/12/2022", "status": status})
    assert numbers(response) == expected
    day = D(2022, 12, 31)
    if status == CertificateStatus.VALID:
        assert {c.number for c in Certificate.objects.valid_on(day)} == expected
    for certificate in Certificate.objects.filter(number__in=expected).prefetch_related(
        "periods", "suspensions"
    ):
        assert certificate.status_on(day) == status


def test_the_annotation_agrees_with_status_on_every_day(officer):
    _table()
    for day in (D(2021, 3, 1), D(2022, 5, 1), D(2022, 6, 1), D(2022, 9, 1), D(2024, 2, 29)):
        annotated = dict(Certificate.objects.with_status_on(day).values_list("pk", "status_on"))
        for certificate in Certificate.objects.prefetch_related("periods", "suspensions"):
            assert annotated[certificate.pk] == certificate.status_on(day), (certificate, day)


def test_list_filters_by_expiry_body_kind_and_search(officer):
    today = datetime.date.today()
    soon = CertificateFactory(number="SAP-HET", issued_on=today - datetime.timedelta(days=1050))
    CertificateFactory(number="CON-LAU", issued_on=today - datetime.timedelta(days=10))
    client = client_for(officer)
    assert numbers(client.get(LIST, {"expiring_within": 90})) == {"SAP-HET"}
    assert numbers(client.get(LIST, {"body": soon.body_id})) == {"SAP-HET"}
    assert numbers(client.get(LIST, {"kind": "productivity_tool"})) == set()
    assert numbers(client.get(LIST, {"q": "sap-het"})) == {"SAP-HET"}
    bad = client.get(LIST, {"on": "31/02/2022"})
    assert bad.status_code == 200
    assert numbers(bad) == set()


def rows(response) -> list[str]:
    return [row.record.number for row in response.context["table"].page.object_list]


def test_expiring_within_lists_the_soonest_expiry_first(officer):
    # Issued later expires later: the list's usual order (newest issue first) would show the
    # certificate expiring last on top.
    today = datetime.date.today()
    for number, days_left in (("HET-80", 80), ("HET-10", 10), ("HET-50", 50)):
        CertificateFactory(
            number=number, issued_on=today - datetime.timedelta(days=1095 - days_left)
        )
    CertificateFactory(number="CON-LAU", issued_on=today - datetime.timedelta(days=10))
    client = client_for(officer)
    expiring = client.get(LIST, {"expiring_within": 90})
    assert rows(expiring) == ["HET-10", "HET-50", "HET-80"]
    assert 'aria-sort="ascending">Hết hạn' in expiring.text  # the header says so
    asked = client.get(LIST, {"expiring_within": 90, "sort": "-expires_on"})
    assert rows(asked) == ["HET-80", "HET-50", "HET-10"]
    assert rows(client.get(LIST))[0] == "CON-LAU"  # without the filter: newest issue first


def test_list_hides_archived_unless_asked(officer):
    CertificateFactory(number="LUU-TRU", is_archived=True)
    client = client_for(officer)
    assert numbers(client.get(LIST)) == set()
    assert numbers(client.get(LIST, {"archived": "yes"})) == {"LUU-TRU"}


# --- Enterprise page ---------------------------------------------------------------------------


def test_enterprise_page_lists_its_records_with_a_flat_query_count(officer, enterprise_b):
    iso = StandardFactory()

    def add(n):
        for _ in range(n):
            CertificateFactory(enterprise=enterprise_b, standard=iso)
            AdoptionFactory(enterprise=enterprise_b, standard=StandardFactory(code=f"S{_next()}"))

    url = reverse("enterprises:enterprise_detail", args=[enterprise_b.pk])
    client_for(officer).get(url)  # warms the cached catalogues (units, sectors)
    assert_queries_constant(client_for(officer), url, add)
    text = client_for(officer).get(url).text
    assert "Còn hiệu lực" in text or "Hết hạn" in text


_counter = iter(range(10_000))


def _next() -> int:
    return next(_counter)


def test_enterprise_user_sees_own_records_only(ent_a, enterprise_a, enterprise_b):
    CertificateFactory(enterprise=enterprise_a, number="CUA-A")
    other = CertificateFactory(enterprise=enterprise_b, number="CUA-B")
    client = client_for(ent_a)
    page = client.get(reverse("enterprises:enterprise_detail", args=[enterprise_a.pk])).text
    assert "CUA-A" in page
    assert "CUA-B" not in page
    assert client.get(other.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("standards:certificate_scan_download", args=[other.pk])).status_code
        == 404
    )


# --- Proposals through the pages --------------------------------------------------------------


def form_data(standard, body, **extra):
    return {
        "standard": standard.pk,
        "body": body.pk,
        "number": "ISO-22000/2022",
        "scope": "Chế biến chè",
        "issued_on": "01/03/2022",
        "expires_on": "28/02/2025",
        **extra,
    }


def test_enterprise_user_proposal_ignores_forged_fields(ent_a, enterprise_a, enterprise_b):
    standard, body = StandardFactory(), CertificationBodyFactory()
    url = reverse("standards:certificate_create", args=[enterprise_a.pk])
    forged = {
        "review_state": "verified",
        "reviewed_by": ent_a.pk,
        "enterprise": enterprise_b.pk,
        "is_archived": "on",
        "withdrawn_on": "01/01/2023",
        "version": 99,
    }
    response = client_for(ent_a).post(url, form_data(standard, body, **forged))
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.enterprise == enterprise_a
    assert certificate.review_state == ReviewState.PROPOSED
    assert (certificate.reviewed_by, certificate.is_archived, certificate.withdrawn_on) == (
        None,
        False,
        None,
    )
    assert not Certificate.objects.valid_on(D(2023, 1, 1)).exists()


def test_enterprise_user_cannot_propose_for_another_enterprise(ent_a, enterprise_b):
    standard, body = StandardFactory(), CertificationBodyFactory()
    url = reverse("standards:certificate_create", args=[enterprise_b.pk])
    assert client_for(ent_a).post(url, form_data(standard, body)).status_code == 404
    assert not Certificate.objects.exists()


def test_officer_form_shows_the_services_refusal(officer, enterprise_b):
    standard, body = StandardFactory(), CertificationBodyFactory()
    url = reverse("standards:certificate_create", args=[enterprise_b.pk])
    response = client_for(officer).post(url, form_data(standard, body, expires_on="01/03/2026"))
    assert response.status_code == 200
    assert "dài hơn mức tối đa 36 tháng" in response.text
    tool = ToolFactory()
    response = client_for(officer).post(url, form_data(tool, body))
    assert response.status_code == 200
    assert not Certificate.objects.exists()


def test_officer_records_with_a_scan_and_verifies_a_proposal(officer, ent_b, enterprise_b):
    standard, body = StandardFactory(), CertificationBodyFactory()
    url = reverse("standards:certificate_create", args=[enterprise_b.pk])
    data = form_data(standard, body, scan_upload=upload(png_bytes(), name="anh.pdf"))
    assert client_for(officer).post(url, data).status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.scan.name.endswith(".png")
    proposal = CertificateFactory(enterprise=enterprise_b, review_state=ReviewState.PROPOSED)
    verify = reverse("standards:certificate_verify", args=[proposal.pk])
    assert client_for(officer).post(verify, {"version": 1}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.review_state == ReviewState.VERIFIED


def test_returned_proposal_shows_the_reason_and_can_be_corrected(officer, ent_b, enterprise_b):
    proposal = CertificateFactory(enterprise=enterprise_b, review_state=ReviewState.PROPOSED)
    back = reverse("standards:certificate_return", args=[proposal.pk])
    assert client_for(officer).post(back, {"version": 1, "reason": ""}).status_code == 400
    client_for(officer).post(back, {"version": 1, "reason": "Sai số chứng chỉ"})
    page = client_for(ent_b).get(proposal.get_absolute_url()).text
    assert "Sai số chứng chỉ" in page
    edit = reverse("standards:certificate_update", args=[proposal.pk])
    data = form_data(proposal.standard, proposal.body, number="HT 9/2021", version=2)
    assert client_for(ent_b).post(edit, data).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.number, proposal.review_state) == ("HT 9/2021", ReviewState.PROPOSED)


def test_two_officers_editing_one_certificate(officer, enterprise_b):
    certificate = CertificateFactory(enterprise=enterprise_b)
    url = reverse("standards:certificate_update", args=[certificate.pk])
    loaded = form_data(certificate.standard, certificate.body, number=certificate.number)
    loaded.update(issued_on="01/03/2021", expires_on="29/02/2024", version=1)
    first = client_for(officer).post(url, {**loaded, "sites": "Xã Bình Lư"})
    assert first.status_code == 302
    second = client_for(officer).post(url, {**loaded, "scope": "Chè Shan tuyết"})
    assert second.status_code == 409
    assert "Hồ sơ vừa được người khác sửa" in second.text
    assert "Xã Bình Lư" in second.text


def test_event_page_records_and_refuses(officer):
    certificate = CertificateFactory()
    url = reverse("standards:certificate_event_create", args=[certificate.pk])
    client = client_for(officer)
    refused = client.post(url, {"kind": "reinstated", "happened_on": "01/07/2022"})
    assert refused.status_code == 200
    assert "không bị đình chỉ vào ngày đó" in refused.text
    done = client.post(url, {"kind": "suspended", "happened_on": "10/05/2022", "note": "KPH"})
    assert done.status_code == 302
    detail = client.get(certificate.get_absolute_url()).text
    assert "Đình chỉ" in detail
    assert "canbo" in detail  # who recorded it


def test_adoption_proposal_and_duplicate(ent_a, officer, enterprise_a):
    tool = ToolFactory()
    url = reverse("standards:adoption_create", args=[enterprise_a.pk])
    data = {"standard": tool.pk, "status": "applied", "started_on": "01/02/2023"}
    forged = {"programme_supported": "on", "review_state": "verified"}
    assert client_for(ent_a).post(url, {**data, **forged}).status_code == 302
    adoption = Adoption.objects.get()
    assert (adoption.review_state, adoption.programme_supported) == (ReviewState.PROPOSED, False)
    again = client_for(officer).post(url, data)
    assert again.status_code == 200
    assert "đã có một hồ sơ áp dụng 5S" in again.text


# --- Scans ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "mime", "extension"),
    [(pdf_bytes(), "application/pdf", ".pdf"), (png_bytes(), "image/png", ".png")],
)
def test_scan_download_headers(content, mime, extension, ent_b, enterprise_b):
    certificate = CertificateFactory(enterprise=enterprise_b)
    client = client_for(ent_b)
    upload_url = reverse("standards:certificate_scan_upload", args=[certificate.pk])
    assert client.post(upload_url, {"scan": upload(content, name="x.html")}).status_code == 302
    response = client.get(reverse("standards:certificate_scan_download", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == mime
    assert response["Content-Disposition"] == (
        f'attachment; filename="chung-chi-{certificate.pk}{extension}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_spoofed_scan_is_refused_on_the_page(ent_b, enterprise_b):
    certificate = CertificateFactory(enterprise=enterprise_b)
    url = reverse("standards:certificate_scan_upload", args=[certificate.pk])
    html = b"<!doctype html><script>fetch('/')</script>"
    response = client_for(ent_b).post(url, {"scan": upload(html, name="chung-chi.pdf")})
    assert response.status_code == 200
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in response.text
    certificate.refresh_from_db()
    assert not certificate.scan


def test_no_scan_is_a_404(officer):
    certificate = CertificateFactory()
    url = reverse("standards:certificate_scan_download", args=[certificate.pk])
    assert client_for(officer).get(url).status_code == 404


# --- Export -----------------------------------------------------------------------------------


def test_export_writes_the_filtered_list_with_codes_as_text(
    officer, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(tax_code="0100109106")
    CertificateFactory(enterprise=enterprise, number="00123")
    CertificateFactory(number="KHAC", events=[(Event.WITHDRAWN, D(2022, 1, 10))])
    query = "on=31/12/2022&status=valid"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(officer).post(
            reverse("standards:certificate_export_create"), {"format": "xlsx", "query": query}
        )
    job = CertificateExportJob.objects.get()
    assert response.status_code == 302
    assert job.state == "done"
    assert job.row_count == 1
    download = client_for(officer).get(job.get_download_url())
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Số chứng chỉ"
    assert rows[1][0] == "00123"  # kept as text, leading zeros too
    assert rows[1][5] == "0100109106"
    assert rows[1][14] == "Còn hiệu lực"
