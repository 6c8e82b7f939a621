"""API authentication: the project's own tokens (hashed keys) and the portal's session.

DRF's ``authtoken`` keeps keys in clear in the database; ours keep a SHA-256 digest only
(``ApiToken``). A key reads ``nsc_<prefix>_<secret>`` and is sent as
``Authorization: Token nsc_…`` (``Bearer`` is accepted too).
"""

import datetime
import hashlib
import hmac
import secrets

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..models import ApiToken

KEY_PREFIX = "nsc"
#: ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with the key, which is never shown again."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    expires = timezone.now() + datetime.timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, key_digest=digest(secret), expires_at=expires
    )
    return token, f"{KEY_PREFIX}_{prefix}_{secret}"


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")
    invalid = _("Khóa API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(self.invalid)
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(self.invalid) from None
        return self.authenticate_key(key)

    def authenticate_key(self, key: str):
        scheme, _sep, rest = key.partition("_")
        prefix, _sep, secret = rest.partition("_")
        if scheme != KEY_PREFIX or not prefix or not secret:
            raise exceptions.AuthenticationFailed(self.invalid)
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        now = timezone.now()
        if (
            token is None
            or not hmac.compare_digest(token.key_digest, digest(secret))
            or not token.is_usable(now)
            or not token.user.is_active
        ):
            raise exceptions.AuthenticationFailed(self.invalid)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 to a request without one.
        return 'Token realm="api"'


class PortalSessionAuthentication(authentication.SessionAuthentication):
    """The portal's login session; writes need the CSRF token, as the pages' forms do."""
