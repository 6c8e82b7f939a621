"""Every response carries the security headers, error pages and middleware answers included."""

import pytest
from django.test import Client
from django.urls import include, path, reverse

from tests.conftest import client_for

PASSWORD = "mat-khau-Thu-nghiem-1"


def crash(request):
    raise RuntimeError("boom")


# The portal's URLs plus one view that fails, for the 500 page.
urlpatterns = [path("loi-thu/", crash), path("", include("laichau_nsc.urls"))]


def assert_security_headers(response) -> None:
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_unknown_host_is_a_400_with_headers():
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text
    assert_security_headers(response)


@pytest.mark.django_db
def test_forbidden_page_is_a_403_with_headers(ent_a):
    response = client_for(ent_a).get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 403
    assert_security_headers(response)


@pytest.mark.django_db
def test_missing_page_is_a_404_with_headers(officer):
    response = client_for(officer).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_server_error_is_a_500_with_headers_and_an_honest_page(officer):
    client = client_for(officer)
    client.raise_request_exception = False
    response = client.get("/loi-thu/")
    assert response.status_code == 500
    assert_security_headers(response)
    # Something may have been saved before the error: the page must not promise otherwise.
    assert "chưa bị thay đổi" not in response.text
    assert "No data was changed" not in response.text
    assert "kiểm tra trước khi gửi lại" in response.text
    assert "check before you send it again" in response.text


@pytest.mark.django_db
def test_csrf_failure_is_a_403_with_headers(officer):
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "canbo", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert_security_headers(response)


@pytest.mark.django_db
def test_login_lockout_is_a_429_with_headers(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "canbo", "password": "doan-mo"})
    response = client.post(reverse("login"), {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 429
    assert_security_headers(response)


@pytest.mark.django_db
def test_redirect_made_by_a_middleware_has_headers():
    response = Client().get("/doanh-nghiep")  # CommonMiddleware appends the slash
    assert response.status_code == 301
    assert_security_headers(response)


@pytest.mark.django_db
def test_https_redirect_has_headers(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/tai-khoan/dang-nhap/")  # SecurityMiddleware answers this one
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert_security_headers(response)


@pytest.mark.django_db
def test_static_file_has_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic
    response = Client().get("/static/css/portal.css")  # WhiteNoise answers this one
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_too_many_fields_is_a_400_with_headers(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = Client().post(reverse("login"), {f"f{i}": "x" for i in range(10)})
    assert response.status_code == 400
    assert_security_headers(response)
