from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_noop

from .roles import Role, roles_of

gettext_noop("Sở Khoa học và Công nghệ")  # the default PORTAL_DEPARTMENT_NAME, for makemessages


def portal(request: HttpRequest) -> dict:
    """Names and role flags every template uses for its header and navigation.

    An error page may be rendered for a request that never reached AuthenticationMiddleware
    (a Host header outside ALLOWED_HOSTS is refused before it): no user, no roles.
    """
    user = getattr(request, "user", None) or AnonymousUser()
    roles = roles_of(user)
    return {
        "PORTAL_PROVINCE_NAME": settings.PORTAL_PROVINCE_NAME,
        # The default name has an English translation; a province's own name shows as set.
        "PORTAL_DEPARTMENT_NAME": gettext(settings.PORTAL_DEPARTMENT_NAME),
        "is_officer": Role.OFFICER in roles,
        "is_leader": Role.LEADER in roles,
        "is_enterprise_user": Role.ENTERPRISE in roles,
        # The bell's count: a query only when a template shows it (the navbar, not htmx parts).
        "notification_bell": NotificationBell(user),
    }


class NotificationBell:
    """The navbar bell: the unread count, counted once, on first use (htmx parts never ask).

    Not cached across requests: the count is one index-only query on the partial index of
    unread rows (capped at ``UNREAD_COUNT_CAP``), while a cached count would go stale whenever
    a worker adds a notification, across every web process.
    """

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        from .notifications import unread_count  # this module is imported before the models

        return unread_count(self.user) if self.user.is_authenticated else 0

    @property
    def capped(self) -> bool:
        from .notifications import UNREAD_COUNT_CAP

        return self.unread >= UNREAD_COUNT_CAP
