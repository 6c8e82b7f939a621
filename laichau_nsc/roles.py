"""The portal's roles and the one place that says which role a user has.

Roles are Django groups (created by a data migration): ``officer``, ``leader``, ``enterprise``.
A superuser is treated as an officer in the portal; the admin site is theirs as well.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

AnyUser = AbstractBaseUser | AnonymousUser


class Role(StrEnum):
    OFFICER = "officer"
    LEADER = "leader"
    ENTERPRISE = "enterprise"


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The roles of an active user, cached on the user object for the request.

    A request's user comes from ``PortalModelBackend.get_user``, which reads the group names
    with the user row and remembers them here; other users cost one query on first use.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_nsc_roles", None)
    if cached is None:
        cached = remember_roles(user, user.groups.values_list("name", flat=True))
    return cached


def remember_roles(user: AbstractBaseUser, group_names: Iterable[str | None]) -> frozenset[Role]:
    """Keep on ``user`` the roles its groups (``group_names``) and superuser flag give."""
    names = {name for name in group_names if name in Role._value2member_map_}
    if user.is_superuser:
        names.add(Role.OFFICER)
    user._nsc_roles = frozenset(Role(name) for name in names)
    return user._nsc_roles


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
