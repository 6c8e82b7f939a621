"""Which roles may call a viewset: the same roles as the pages, for reading and for writing.

Anonymous → 401; signed in without one of the roles → 403; the record itself then comes from
``for_user(user, action)``, so another enterprise's record is a 404.
"""

from rest_framework import permissions

from ..roles import Role, has_role

EVERY_ROLE = (Role.OFFICER, Role.LEADER, Role.ENTERPRISE)
STAFF = (Role.OFFICER, Role.LEADER)
OFFICER = (Role.OFFICER,)
WRITERS = (Role.OFFICER, Role.ENTERPRISE)


class PortalRolePermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        roles = view.roles_for(request)
        return has_role(request.user, *roles)
