"""Log in, log out, passwords, throttling, role home pages."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from tests.enterprises.factories import MembershipFactory
from tests.factories import UserFactory

LOGIN = reverse("login")
PASSWORD = "mat-khau-Thu-nghiem-1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("officer", "Trang làm việc của cán bộ"),
        ("leader", "Tổng quan chương trình năng suất chất lượng"),
        ("ent_a", "Trang của doanh nghiệp"),
    ],
)
def test_each_role_lands_on_its_home(client, persona, heading, request):
    user = request.getfixturevalue(persona)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert heading in response.text


@pytest.mark.django_db
def test_enterprise_home_names_only_its_enterprise(client, ent_a, enterprise_b):
    client.force_login(ent_a)
    text = client.get(reverse("home")).text
    assert "Công ty cổ phần Chè Tam Đường" in text
    assert enterprise_b.name not in text


@pytest.mark.django_db
def test_pending_user_sees_waiting_page(client):
    membership = MembershipFactory(state="requested")
    client.force_login(membership.user)
    assert "đang chờ cán bộ" in client.get(reverse("home")).text


@pytest.mark.django_db
def test_wrong_password_gets_vietnamese_message(client, officer, caplog):
    with caplog.at_level(logging.WARNING, logger="laichau_nsc.auth"):
        response = client.post(LOGIN, {"username": "canbo", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
    assert "login_failed user=canbo" in caplog.text


@pytest.mark.django_db
def test_login_and_logout_are_logged(client, officer, caplog):
    with caplog.at_level(logging.INFO, logger="laichau_nsc.auth"):
        client.post(LOGIN, {"username": "canbo", "password": PASSWORD})
        client.post(reverse("logout"))
    assert "login user=canbo" in caplog.text
    assert "logout user=canbo" in caplog.text
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_password_guessing_is_locked_out(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "canbo", "password": "doan-mo"})
    # Even the right password is refused while the lock lasts.
    response = client.post(LOGIN, {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_vietnamese_mail(client, officer):
    response = client.post(reverse("password_reset"), {"email": officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Đặt lại mật khẩu" in mail.outbox[0].subject
    assert "/tai-khoan/dat-lai-mat-khau/" in mail.outbox[0].body


@pytest.mark.django_db
def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post(reverse("password_reset"), {"email": "khong-co@example.vn"})
    assert response.status_code == 302
    assert not mail.outbox


@pytest.mark.django_db
def test_password_change(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Che-Shan-Tuyet-2026",
            "new_password2": "Che-Shan-Tuyet-2026",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Che-Shan-Tuyet-2026")


@pytest.mark.django_db
def test_user_without_role_sees_no_records(client):
    client.force_login(UserFactory(username="khach"))
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 403
    assert "chưa được phân quyền" in client.get(reverse("home")).text


@pytest.mark.django_db
def test_error_pages_are_vietnamese(client, officer):
    client.force_login(officer)
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_security_headers(client, db):
    response = client.get(LOGIN)
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
