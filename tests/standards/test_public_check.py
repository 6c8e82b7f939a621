"""The public certificate check: anyone, no login; valid today or not, and nothing else."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from standards.choices import CertificateEventKind, ReviewState
from standards.selectors_public import MAX_RESULTS
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import count_queries
from tests.standards.factories import CertificateFactory, CertificationBodyFactory, StandardFactory


def _words_lookup() -> int:
    """The vocabulary look-up of the enterprise search's word index: PostgreSQL only."""
    return 1 if connection.vendor == "postgresql" else 0


pytestmark = pytest.mark.django_db

URL = reverse("public:certificate_check")
TODAY = datetime.date(2026, 12, 1)
ISSUED = datetime.date(2025, 1, 10)  # valid until 09/01/2028 (36 months)


@pytest.fixture
def today(monkeypatch):
    """The check runs on a day the test chooses: ``today.set(date)``."""

    class Today:
        day = TODAY

        def set(self, day: datetime.date) -> None:
            self.day = day

    clock = Today()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: clock.day)
    return clock


@pytest.fixture
def tea(today):
    enterprise = EnterpriseFactory(
        name="Công ty cổ phần Chè Tam Đường",
        phone="0213 3876 111",
        email="chetamduong@example.vn",
        address="Bản Nà Ngò, xã Bình Lư",
        representative="Lò Văn Thắng",
    )
    return CertificateFactory(
        enterprise=enterprise,
        number="HT 2468/2025",
        scope="Sản xuất và chế biến chè xanh, chè đen",
        sites="Nhà máy chè Bình Lư, bản Nà Ngò",
        issued_on=ISSUED,
        body=CertificationBodyFactory(
            name="Trung tâm Chứng nhận Phù hợp",
            acronym="QUACERT",
            phone="024 3756 1025",
            email="quacert@example.vn",
        ),
    )


def check(query: str, client: Client | None = None, **extra):
    return (client or Client()).get(URL, {"q": query}, **extra)


def rows(response) -> list[str]:
    """The result table's rows as text."""
    html = response.text
    if 'id="check-results-table"' not in html:
        return []
    body = html.split('id="check-results-table"', 1)[1].split("<tbody>", 1)[1]
    return body.split("</tbody>", 1)[0].split("<tr>")[1:]


# --- Finding -----------------------------------------------------------------------------------


def test_anyone_finds_a_certificate_by_its_number_in_any_case(tea):
    response = check("ht 2468/2025")

    assert response.status_code == 200
    [row] = rows(response)
    assert "HT 2468/2025" in row
    assert "Công ty cổ phần Chè Tam Đường" in row
    assert "TCVN ISO 9001:2015" in row
    assert "Sản xuất và chế biến chè xanh, chè đen" in row
    assert "Trung tâm Chứng nhận Phù hợp (QUACERT)" in row
    assert "10/01/2025" in row  # issued
    assert "09/01/2028" in row  # expires
    assert "Còn hiệu lực" in row
    assert "Kết quả, tình trạng tính đến hôm nay (01/12/2026)" in response.text


@pytest.mark.parametrize("query", ["che tam duong", "CHÈ TAM ĐƯỜNG", "  Chè\u200b Tam   Đường "])
def test_anyone_finds_certificates_by_enterprise_name_without_diacritics(tea, query):
    other = CertificateFactory(
        enterprise=EnterpriseFactory(name="Hợp tác xã Nông nghiệp Tân Uyên"), issued_on=ISSUED
    )

    found = rows(check(query))

    assert len(found) == 1
    assert "HT 2468/2025" in found[0]
    assert other.number not in check(query).text


def test_signed_in_users_use_the_same_page(tea, personas):
    for persona in personas.values():
        assert len(rows(check("tam duong", persona.client))) == 1


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([(CertificateEventKind.SUSPENDED, datetime.date(2026, 11, 20))], "Bị đình chỉ"),
        ([(CertificateEventKind.WITHDRAWN, datetime.date(2026, 5, 4))], "Bị thu hồi"),
    ],
)
def test_a_suspended_or_withdrawn_certificate_is_shown_as_not_valid_today(today, events, status):
    CertificateFactory(number="VN-QMS 77", issued_on=ISSUED, events=events)

    [row] = rows(check("VN-QMS 77"))

    assert status in row
    assert "Còn hiệu lực" not in row
    assert "text-bg-danger" in row


def test_an_expired_certificate_is_shown_as_expired(today):
    CertificateFactory(number="VN-QMS 12", issued_on=datetime.date(2021, 3, 1))

    [row] = rows(check("VN-QMS 12"))

    assert "Hết hạn" in row
    assert "29/02/2024" in row


def test_a_lifted_suspension_is_valid_again(today):
    CertificateFactory(
        number="VN-QMS 90",
        issued_on=ISSUED,
        events=[
            (CertificateEventKind.SUSPENDED, datetime.date(2026, 6, 1)),
            (CertificateEventKind.REINSTATED, datetime.date(2026, 7, 1)),
        ],
    )
    assert "Còn hiệu lực" in rows(check("VN-QMS 90"))[0]


@pytest.mark.parametrize(
    "hidden",
    [
        {"review_state": ReviewState.PROPOSED},
        {"review_state": ReviewState.RETURNED},
        {"is_archived": True},
    ],
    ids=["proposed", "returned", "archived"],
)
def test_records_under_review_and_archived_ones_are_never_shown(today, hidden):
    CertificateFactory(
        number="CHUA-XAC-MINH 1",
        enterprise=EnterpriseFactory(name="Công ty TNHH Chè Sơn Bình"),
        issued_on=ISSUED,
        **hidden,
    )

    for query in ("CHUA-XAC-MINH 1", "che son binh"):
        response = check(query)
        assert rows(response) == []
        assert 'id="check-results-table"' not in response.text
        assert 'id="check-no-match"' in response.text


def test_an_archived_enterprises_certificates_are_not_shown(today):
    CertificateFactory(
        number="HT 1/2025",
        enterprise=EnterpriseFactory(name="Công ty Đã Giải Thể", is_archived=True),
        issued_on=ISSUED,
    )
    assert rows(check("HT 1/2025")) == []
    assert rows(check("da giai the")) == []


def test_nothing_but_the_public_fields_is_shown(tea):
    enterprise = tea.enterprise
    html = check("che tam duong").text
    for private in (
        enterprise.tax_code,
        enterprise.phone,
        enterprise.email,
        enterprise.address,
        enterprise.representative,
        tea.sites,
        "024 3756 1025",  # the body's contacts
        "quacert@example.vn",
        "/media/",  # no file links
        "bản chụp",
    ):
        assert private not in html, private
    # No link to any record either: the visitor has no access to them.
    assert reverse("enterprises:enterprise_detail", args=[enterprise.pk]) not in html


# --- Input -------------------------------------------------------------------------------------


def test_the_page_opens_without_a_query():
    response = Client().get(URL)
    assert response.status_code == 200
    assert "Tra cứu chứng chỉ chứng nhận" in response.text
    assert rows(response) == []


@pytest.mark.parametrize("query", ["ab", " a b ", "\u200b1\u200b2", "--"])
def test_too_short_input_gets_a_message_and_no_search(tea, query):
    status, queries, _sql = count_queries(Client(), f"{URL}?q={query}")
    response = check(query)
    assert status == 200
    assert "Vui lòng nhập ít nhất 3 chữ hoặc số" in response.text
    assert rows(response) == []
    assert queries == 0  # an anonymous visitor's session is not even read


def test_too_long_input_gets_a_message(tea):
    response = check("chè " * 60)
    assert response.status_code == 200
    assert "Nội dung tra cứu dài quá 100 ký tự." in response.text


def test_no_match_says_so(tea):
    response = check("khong co doanh nghiep nay")
    assert "Không tìm thấy chứng chỉ nào được ghi nhận tại cổng này" in response.text
    assert "“khong co doanh nghiep nay”" in response.text


def test_nul_and_markup_in_the_query_are_harmless(tea):
    response = check("<script>che tam duong\x00</script>")
    assert response.status_code == 200
    assert "<script>che" not in response.text


def test_a_broad_name_lists_only_enterprises_with_public_certificates(today):
    """The first enterprises by name that match are taken only among those holding a public
    certificate, so twenty-odd matching names without one do not hide the ones with one."""
    for i in range(MAX_RESULTS + 5):
        EnterpriseFactory(name=f"Công ty Chè A{i:02d}")
    CertificateFactory(
        enterprise=EnterpriseFactory(name="Công ty Chè Z"), number="Z-1", issued_on=ISSUED
    )
    CertificateFactory(
        enterprise=EnterpriseFactory(name="Công ty Chè B"),
        number="B-1",
        issued_on=ISSUED,
        review_state=ReviewState.PROPOSED,
    )

    found = rows(check("cong ty che"))

    assert len(found) == 1
    assert "Z-1" in found[0]


def test_results_are_bounded(today):
    enterprise = EnterpriseFactory(name="Tổng công ty Chè Lai Châu")
    for _i in range(MAX_RESULTS + 3):
        CertificateFactory(enterprise=enterprise, issued_on=ISSUED)

    response = check("che lai chau")

    assert len(rows(response)) == MAX_RESULTS
    assert f"Có nhiều hơn {MAX_RESULTS} chứng chỉ phù hợp" in response.text


def test_query_count_does_not_grow_with_results(today):
    enterprise = EnterpriseFactory(name="Tổng công ty Chè Lai Châu")
    counts = []
    for query, n in (("che lai chau", 2), ("tong cong ty che", 8)):
        for _i in range(n):
            CertificateFactory(
                enterprise=enterprise,
                issued_on=ISSUED,
                standard=StandardFactory(code=f"ISO {len(counts)}-{_i}"),
                events=[(CertificateEventKind.SUSPENDED, datetime.date(2026, 11, 1))],
            )
        status, queries, _sql = count_queries(Client(), f"{URL}?q={query}")
        assert status == 200
        counts.append(queries)
    # the matching enterprises that hold a public certificate, their certificates (or those
    # with the number) with enterprise, standard and body joined, the periods, the suspensions;
    # on PostgreSQL also the words the phrase's first word may end (the word index).
    assert counts == [_words_lookup() + 4] * 2


# --- Rate limit and cache ----------------------------------------------------------------------


def test_checks_from_one_address_are_limited(tea, settings):
    settings.PORTAL_CERTIFICATE_CHECKS_PER_HOUR = 2
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    assert check("che tam duong", visitor).status_code == 200
    assert check("HT 2468/2025", visitor).status_code == 200

    refused = check("che tam duong", visitor)

    assert refused.status_code == 429
    assert "Máy của bạn đã tra cứu quá 2 lần trong một giờ" in refused.text
    assert rows(refused) == []
    # Another address is not affected; opening the empty page does not count.
    assert check("che tam duong", Client(REMOTE_ADDR="198.51.100.4")).status_code == 200
    assert visitor.get(URL).status_code == 200


def test_the_limit_reads_the_client_address_behind_the_proxy(tea, settings):
    settings.PORTAL_CERTIFICATE_CHECKS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    assert check("che tam duong", proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert check("che tam duong", proxy, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200
    assert check("che tam duong", proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429


def test_a_repeated_query_is_answered_from_the_cache(tea):
    first = count_queries(Client(), f"{URL}?q=che+tam+duong")
    second = count_queries(Client(), f"{URL}?q=che+tam+duong")
    assert (first[:2], second[:2]) == ((200, _words_lookup() + 4), (200, 0))


def test_the_cache_never_serves_yesterdays_status(tea, today):
    """Checked on the last day of validity, then again the next morning: the status is the
    next day's, although the first answer is still in the cache."""
    last_day = tea.expires_on
    today.set(last_day)
    assert "Còn hiệu lực" in rows(check("HT 2468/2025"))[0]

    today.set(last_day + datetime.timedelta(days=1))
    [row] = rows(check("HT 2468/2025"))

    assert "Hết hạn" in row
    assert "Còn hiệu lực" not in row


def test_status_is_shown_in_the_visitors_language(tea):
    client = Client()
    client.post(reverse("set_language"), {"language": "en"})
    response = check("HT 2468/2025", client)
    assert "Valid" in rows(response)[0]


# --- Links -------------------------------------------------------------------------------------


def test_the_check_is_linked_from_the_login_page_and_every_footer(officer):
    assert f'href="{URL}"' in Client().get(reverse("login")).text
    assert f'href="{URL}"' in client_for(officer).get(reverse("home")).text
