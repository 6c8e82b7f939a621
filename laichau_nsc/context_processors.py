from django.conf import settings
from django.http import HttpRequest

from .roles import Role, roles_of


def portal(request: HttpRequest) -> dict:
    """Names and role flags every template uses for its header and navigation."""
    roles = roles_of(request.user)
    return {
        "PORTAL_PROVINCE_NAME": settings.PORTAL_PROVINCE_NAME,
        "PORTAL_DEPARTMENT_NAME": settings.PORTAL_DEPARTMENT_NAME,
        "is_officer": Role.OFFICER in roles,
        "is_leader": Role.LEADER in roles,
        "is_enterprise_user": Role.ENTERPRISE in roles,
    }
