"""The client's address comes from one place, behind the configured number of proxies, and drives
login throttling, the account-request and password-reset limits, and the authentication log."""

import logging

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from enterprises.models import Membership
from laichau_nsc.client import client_ip
from tests.enterprises.test_views import account_request

PROXY = "10.0.0.2"  # the reverse proxy, as the app server sees it


def request(xff: str | None = None, remote: str = PROXY):
    headers = {"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("proxies", "xff", "expected"),
    [
        (0, None, PROXY),
        # No proxy configured: the header is the client's own words, ignored.
        (0, "203.0.113.5", PROXY),
        (1, "203.0.113.5", "203.0.113.5"),
        # A client that writes the header itself: nginx appends the real address after it.
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "203.0.113.5:51234", "203.0.113.5"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "2001:db8::7", "2001:db8::7"),
        # Not through the proxy at all, or garbage: fall back to the peer.
        (1, None, PROXY),
        (2, "203.0.113.5", PROXY),
        (1, "not-an-address", PROXY),
    ],
)
def test_client_address_behind_the_configured_proxies(settings, proxies, xff, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(xff)) == expected


def login_attempts(client_address: str, username: str, password: str, times: int) -> list[int]:
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)
    data = {"username": username, "password": password}
    return [client.post(reverse("login"), data).status_code for _ in range(times)]


@pytest.mark.django_db
def test_one_client_behind_the_proxy_locked_out_does_not_lock_out_the_others(settings, officer):
    settings.TRUSTED_PROXY_COUNT = 1
    # The fifth wrong password locks this client out.
    assert login_attempts("203.0.113.5", "canbo", "sai", 5) == [200, 200, 200, 200, 429]
    # Another client behind the same proxy, right password: not locked out.
    assert login_attempts("198.51.100.7", "canbo", "mat-khau-Thu-nghiem-1", 1) == [302]


@pytest.mark.django_db
def test_a_spoofed_header_without_a_proxy_does_not_escape_the_lockout(settings, officer):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        login_attempts(f"203.0.113.{n}", "canbo", "sai", 1)  # a new "address" every time
    assert login_attempts("203.0.113.99", "canbo", "sai", 1) == [429]


@pytest.mark.django_db
def test_account_request_limit_is_per_client_behind_the_proxy(settings, enterprise_a):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PORTAL_ACCOUNT_REQUESTS_PER_HOUR = 1
    url = reverse("enterprises:account_request")
    first = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert first.post(url, account_request(enterprise_a.tax_code)).status_code == 302
    data = account_request(enterprise_a.tax_code, username="khac", email="khac@example.vn")
    assert first.post(url, data).status_code == 429
    assert second.post(url, data).status_code == 302
    assert Membership.objects.count() == 2


@pytest.mark.django_db
def test_the_auth_log_names_the_client_not_the_proxy(settings, officer, caplog):
    settings.TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.INFO, logger="laichau_nsc.auth"):
        login_attempts("203.0.113.5", "canbo", "sai", 1)
    assert "ip=203.0.113.5" in caplog.text
    assert f"ip={PROXY}" not in caplog.text
