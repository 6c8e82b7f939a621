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
def test_password_reset_sends_vietnamese_mail(client, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
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


# --- Password reset -------------------------------------------------------------------------

RESET = reverse("password_reset")


@pytest.mark.django_db
def test_password_reset_mail_goes_through_the_outbox_with_the_site_address(
    client, officer, settings, django_capture_on_commit_callbacks
):
    from laichau_nsc.models import OutboundEmail

    settings.SITE_URL = "https://nsc.laichau.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": officer.email})
    assert response.status_code == 302
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "https://nsc.laichau.gov.vn/tai-khoan/dat-lai-mat-khau/" in mail.outbox[0].body


@pytest.mark.django_db
def test_password_reset_is_limited_per_address(client, officer, settings):
    settings.PORTAL_PASSWORD_RESETS_PER_HOUR = 2
    statuses = [client.post(RESET, {"email": f"nguoi{n}@example.vn"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]


@pytest.mark.django_db
def test_password_reset_is_limited_per_account_without_telling(
    settings, officer, django_capture_on_commit_callbacks
):
    from django.test import Client

    from laichau_nsc.models import OutboundEmail

    settings.PORTAL_PASSWORD_RESETS_PER_ACCOUNT = 2
    with django_capture_on_commit_callbacks(execute=True):
        # From different addresses: the per-address limit does not stop this.
        answers = [
            Client(REMOTE_ADDR=f"203.0.113.{n}").post(RESET, {"email": officer.email})
            for n in range(4)
        ]
    # Every answer looks the same, whether a message was sent or not.
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert OutboundEmail.objects.count() == 2


def test_deploy_check_fails_when_mail_would_only_reach_the_log(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with pytest.raises(SystemCheckError, match=r"nsc\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")


# --- Account requests -----------------------------------------------------------------------


@pytest.mark.django_db
def test_officers_are_told_of_a_request_and_the_applicant_gets_an_acknowledgement(
    client, officer, enterprise_a, django_capture_on_commit_callbacks
):
    from tests.enterprises.test_views import account_request

    officer.email = "canbo@sokhcn.laichau.gov.vn"
    officer.save()
    client.cookies["django_language"] = "en"  # the applicant uses the English pages
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:account_request"), account_request(enterprise_a.tax_code)
        )
    assert response.status_code == 302
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {("canbo@sokhcn.laichau.gov.vn",), ("mai@example.vn",)}
    to_officer = by_recipient[("canbo@sokhcn.laichau.gov.vn",)]
    assert "Yêu cầu tài khoản mới chờ duyệt" in to_officer.subject  # officers: Vietnamese
    assert "/doanh-nghiep/tai-khoan/" in to_officer.body
    assert "Account request received" in by_recipient[("mai@example.vn",)].subject


@pytest.mark.django_db
def test_the_same_person_asking_twice_is_told_the_request_exists(client, enterprise_a):
    from enterprises.models import Membership
    from tests.enterprises.test_views import account_request

    url = reverse("enterprises:account_request")
    client.post(url, account_request(enterprise_a.tax_code))
    again = client.post(url, account_request(enterprise_a.tax_code, username="lothimai2"))
    assert again.status_code == 200
    assert "Bạn đã gửi yêu cầu tài khoản cho doanh nghiệp này" in again.text
    assert Membership.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "heading"),
    [
        ("requested", "Tài khoản đang chờ duyệt"),
        ("refused", "Yêu cầu tài khoản bị từ chối"),
        ("revoked", "Tài khoản đã bị thu hồi"),
    ],
)
def test_applicant_page_heading_says_the_state(client, state, heading):
    import re

    membership = MembershipFactory(state=state, reason="Không xác minh được")
    client.force_login(membership.user)
    text = client.get(reverse("home")).text
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1)
    assert heading in h1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "post", "message"),
    [
        ("membership_approve", {}, "Đã duyệt yêu cầu tài khoản của Lò Thị Hoa"),
        ("membership_refuse", {"reason": "Sai"}, "Đã từ chối yêu cầu tài khoản của Lò Thị Hoa"),
    ],
)
def test_after_a_decision_the_officer_is_back_at_the_pending_queue(
    officer, enterprise_a, decision, post, message
):
    from tests.conftest import client_for

    membership = MembershipFactory(enterprise=enterprise_a, state="requested")
    response = client_for(officer).post(
        reverse(f"enterprises:{decision}", args=[membership.pk]), post, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("enterprises:membership_list")
    assert message in response.text
    assert enterprise_a.name in response.text
