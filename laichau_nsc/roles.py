"""The portal's roles and the one place that says which role a user has.

Roles are Django groups (created by a data migration): ``officer``, ``leader``, ``enterprise``.
A superuser is treated as an officer in the portal; the admin site is theirs as well.
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

AnyUser = AbstractBaseUser | AnonymousUser


class Role(StrEnum):
    OFFICER = "officer"
    LEADER = "leader"
    ENTERPRISE = "enterprise"


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The roles of an active user, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_nsc_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.OFFICER)
        cached = frozenset(Role(n) for n in names if n in Role._value2member_map_)
        user._nsc_roles = cached
    return cached


def has_role(user: AnyUser, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def is_officer(user: AnyUser) -> bool:
    return has_role(user, Role.OFFICER)


def is_staff_reader(user: AnyUser) -> bool:
    """Officers and leaders read every record."""
    return has_role(user, Role.OFFICER, Role.LEADER)


def primary_role(user: AnyUser) -> Role | None:
    """The role whose home page a user lands on (officer before leader before enterprise)."""
    roles = roles_of(user)
    return next((r for r in (Role.OFFICER, Role.LEADER, Role.ENTERPRISE) if r in roles), None)
