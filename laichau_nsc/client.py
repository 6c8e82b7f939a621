"""The client's address, read in one place: login throttling (django-axes), rate limits and the
authentication log all call ``client_ip``.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each proxy appends the address it received the
request from to ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``), so the client is
the entry that many places from the right; whatever stands further left was written by the client
and is not trusted. Without proxies the header is ignored: anybody can send it.

django-ipware was tried and left out: its ``proxy_count`` expects each proxy to list itself in the
header as well, and answers ``None`` for the usual one-nginx set-up.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` ("" if none can be read)."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < proxies:
        # Not through all our proxies (a direct request to the app server): the peer is the
        # client, as far as anything can be known.
        return peer
    return _address(hops[-proxies]) or peer


def _address(text: str) -> str:
    """A valid IP address from ``text`` (a port or IPv6 brackets removed), else ""."""
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # 203.0.113.5:51234
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""
