"""The certificate of completion as PDF: the trainee's name with its diacritics in the text,
who may download it, and PDFs that never fetch anything from the network."""

import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from laichau_nsc import pdf
from programs.choices import EnrollmentState
from tests.conftest import client_for
from tests.programs.training_factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def completed(enterprise_b):
    course = CourseFactory(
        days_from_today=-20, length=3, title="Tập huấn áp dụng công cụ 5S, Kaizen"
    )
    # Typed with combining marks (NFD): the certificate prints the composed letters.
    name = unicodedata.normalize("NFD", "Nguyễn Thị Hoa Đường")
    return EnrollmentFactory(
        course=course,
        enterprise=enterprise_b,
        full_name=name,
        state=EnrollmentState.COMPLETED,
        completion_number="015/2026/KH3",
        completed_on=course.ends_on,
    )


def test_certificate_names_the_trainee_with_diacritics(ent_b, completed):
    response = client_for(ent_b).get(
        reverse("programs:enrollment_certificate", args=[completed.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = text_of(response.content)
    assert "Nguyễn Thị Hoa Đường" in text
    assert "GIẤY CHỨNG NHẬN" in text
    assert "HOÀN THÀNH KHÓA ĐÀO TẠO" in text
    assert "Số: 015/2026/KH3" in text
    assert completed.enterprise.name in text
    assert "Tập huấn áp dụng công cụ 5S, Kaizen" in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_certificate_stays_vietnamese_for_an_english_reader(officer, completed):
    client = client_for(officer)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("programs:enrollment_certificate", args=[completed.pk]))
    assert "HOÀN THÀNH KHÓA ĐÀO TẠO" in text_of(response.content)


def test_no_certificate_before_completion(officer, completed):
    completed.state = EnrollmentState.ENROLLED
    completed.save()
    url = reverse("programs:enrollment_certificate", args=[completed.pk])
    assert client_for(officer).get(url).status_code == 404


def test_the_print_stylesheet_is_the_only_file_read(settings, tmp_path):
    inside = pdf.PRINT_STYLESHEET.as_uri()
    assert pdf.local_path(inside) == pdf.PRINT_STYLESHEET.resolve()
    secret = tmp_path / "secret.css"
    secret.write_text("body {}")
    for url in (
        "http://127.0.0.1:9/x.png",
        "https://example.com/font.woff",
        secret.as_uri(),
        inside.replace("/css/pdf.css", "/css/../../manage.py"),
    ):
        assert pdf.local_path(url) is None, url


def test_a_remote_image_is_not_fetched(settings, tmp_path, monkeypatch):
    asked: list[str] = []

    def no_network(*args, **kwargs):  # urllib's opener: must never be reached
        asked.append(str(args))
        raise AssertionError("network")

    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    template = tmp_path / "remote.html"
    template.write_text('<p>Xin chào</p><img src="http://127.0.0.1:9/logo.png">')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    content = pdf.render_pdf("remote.html", {})
    assert "Xin chào" in text_of(content)
    assert asked == []
