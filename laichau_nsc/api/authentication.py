"""API authentication: the project's own tokens (hashed keys) and the portal's session.

DRF's ``authtoken`` keeps keys in clear in the database; ours keep a SHA-256 digest only
(``ApiToken``). A key reads ``nsc_<prefix>_<secret>`` and is sent as
``Authorization: Token nsc_…`` (``Bearer`` is accepted too).
"""

import datetime
import functools
import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..models import ApiToken
from ..roles import Role

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


@functools.cache
def _token_query(vendor: str) -> tuple[str, list[str], list[str]]:
    """The SQL of ``_token_with_roles`` and the columns it reads, made once per process."""
    quote = connection.ops.quote_name
    token_columns = [f.column for f in ApiToken._meta.concrete_fields]
    user_model = get_user_model()
    user_columns = [f.column for f in user_model._meta.concrete_fields]
    memberships = user_model.groups.through._meta
    groups = f"{quote(memberships.db_table)} m JOIN {quote(Group._meta.db_table)} g"
    role_flag = (
        f"EXISTS (SELECT 1 FROM {groups} ON g.id = m.{quote('group_id')} "  # noqa: S608
        f"WHERE m.{quote('user_id')} = u.id AND g.name = %s)"
    )
    role_flags = [role_flag] * len(Role)
    # Only table and column names from the models' _meta are put in the text; values are
    # parameters.
    columns = ", ".join(
        [f"t.{quote(c)}" for c in token_columns]
        + [f"u.{quote(c)}" for c in user_columns]
        + role_flags
    )
    tables = (
        f"{quote(ApiToken._meta.db_table)} t JOIN {quote(user_model._meta.db_table)} u "
        f"ON u.id = t.{quote('user_id')}"
    )
    sql = f"SELECT {columns} FROM {tables} WHERE t.prefix = %s"  # noqa: S608
    return sql, token_columns, user_columns


@functools.cache
def _converters(vendor: str) -> list[tuple[int, object, list]]:
    """The columns of ``_token_with_roles`` whose values the database backend converts (e.g.
    SQLite's datetimes and booleans), with their converters: found once per process."""
    fields = [*ApiToken._meta.concrete_fields, *get_user_model()._meta.concrete_fields]
    found = []
    for index, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        converters = [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]
        if converters:
            found.append((index, column, converters))
    return found


def _token_with_roles(prefix: str) -> ApiToken | None:
    """The token of ``prefix`` with its user, and the user's roles read in the same query.

    One query a request instead of two (token and user, then the user's groups), and written
    once as SQL: the ORM spent longer compiling that query, with its role subqueries, than the
    database took to answer it. The role check then reads the roles from the user, as
    ``roles_of`` caches them for a request. Nothing is kept between requests, so a role
    removed, a user deactivated or a token revoked counts at the next call.
    """
    sql, token_columns, user_columns = _token_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(role.value for role in Role), prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, converters in _converters(connection.vendor):
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    n_token, n_user = len(token_columns), len(user_columns)
    token = ApiToken.from_db(connection.alias, None, values[:n_token])
    user = get_user_model().from_db(connection.alias, None, values[n_token : n_token + n_user])
    names = {role for role, has in zip(Role, values[n_token + n_user :], strict=True) if has}
    if user.is_superuser:
        names.add(Role.OFFICER)
    user._nsc_roles = frozenset(names)
    token.user = user
    return token


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
        token = _token_with_roles(prefix)
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
