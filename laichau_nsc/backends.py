"""The authentication backend: Django's ``ModelBackend``, reading a request's user and roles in
one query.

Every signed-in request loads its user (``AuthenticationMiddleware`` → ``get_user``) and then
asks for its roles: two queries before the view starts, each compiled by the ORM again. Here the
user row comes with its group names (a left join: one row per group), so the roles are known
without a second query, and the query's SQL is compiled once per process (compiling it cost
more than running it). Both are read fresh on every request: a deactivated user, a removed role
or a changed password (the session's hash, checked by ``django.contrib.auth.get_user``) takes
effect on the next request.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import router
from django.db.models import F

from .prepared import one_parameter_sql
from .roles import remember_roles

# The user id the SQL is compiled with; no user has it.
_PLACEHOLDER_ID = -1_234_567


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id) -> AbstractBaseUser | None:
        user_model = get_user_model()
        alias = router.db_for_read(user_model)
        # One row per group; raw() applies the database's converters (time zones, booleans).
        rows = list(
            user_model._default_manager.raw(_user_with_groups_sql(alias), [user_id], using=alias)
        )
        if not rows:
            return None
        user = rows[0]
        remember_roles(user, (row.nsc_group for row in rows))
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_with_groups_sql(alias: str) -> str:
    """The SQL of "the user with this id, and each of its groups' names" (``nsc_group``)."""
    user_model = get_user_model()
    fields = [field.attname for field in user_model._meta.concrete_fields]
    query = (
        user_model._default_manager.using(alias)
        .filter(pk=_PLACEHOLDER_ID)
        .annotate(nsc_group=F("groups__name"))
        .values_list(*fields, "nsc_group")
        .order_by()
    )
    return one_parameter_sql(query, _PLACEHOLDER_ID)
