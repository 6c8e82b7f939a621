from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

from .roles import Role, roles_of

gettext_noop("Sở Khoa học và Công nghệ")  # the default PORTAL_DEPARTMENT_NAME, for makemessages


def portal(request: HttpRequest) -> dict:
    """Names and role flags every template uses for its header and navigation.

    An error page may be rendered for a request that never reached AuthenticationMiddleware
    (a Host header outside ALLOWED_HOSTS is refused before it): no user, no roles.
    """
    roles = roles_of(getattr(request, "user", None) or AnonymousUser())
    return {
        "PORTAL_PROVINCE_NAME": settings.PORTAL_PROVINCE_NAME,
        # The default name has an English translation; a province's own name shows as set.
        "PORTAL_DEPARTMENT_NAME": gettext(settings.PORTAL_DEPARTMENT_NAME),
        "is_officer": Role.OFFICER in roles,
        "is_leader": Role.LEADER in roles,
        "is_enterprise_user": Role.ENTERPRISE in roles,
    }
