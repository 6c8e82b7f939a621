"""The scoped queryset base: ``Model.objects.for_user(user, action)`` is the only door to records
for a request (NetBox's ``RestrictedQuerySet.restrict``).

Officers see and change everything; leaders see everything and change nothing; an enterprise user
sees the records of the enterprises they hold an approved membership of, and changes what the
model allows; anybody else sees nothing. Views start from ``for_user``, so an object outside the
user's scope is a 404.
"""

from typing import Literal, Self

from django.apps import apps
from django.db import models

from .roles import AnyUser, Role, roles_of

Action = Literal["view", "change"]


class ScopedQuerySet(models.QuerySet):
    #: Lookup from this model to the owning enterprise's primary key, e.g. ``"pk"`` on
    #: Enterprise, ``"enterprise_id"`` on a product. ``None``: enterprise users see nothing.
    enterprise_field: str | None = None
    #: Whether an enterprise user may change records of their own enterprise.
    enterprise_may_change: bool = False
    #: Whether a leader may see the records (False for e.g. private account data).
    leader_may_view: bool = True

    def for_user(self, user: AnyUser, action: Action = "view") -> Self:
        roles = roles_of(user)
        if Role.OFFICER in roles:
            return self.all()
        if Role.LEADER in roles and action == "view" and self.leader_may_view:
            return self.all()
        if Role.ENTERPRISE in roles and self.enterprise_field:
            if action == "change" and not self.enterprise_may_change:
                return self.none()
            return self.filter(**{f"{self.enterprise_field}__in": member_enterprise_ids(user)})
        return self.none()


def member_enterprise_ids(user: AnyUser) -> models.QuerySet:
    """Ids of the enterprises the user holds an approved membership of (a subquery)."""
    membership = apps.get_model("enterprises", "Membership")
    return membership.objects.filter(user=user, state=membership.State.APPROVED).values(
        "enterprise_id"
    )


class CatalogueQuerySet(models.QuerySet):
    """Reference data (administrative units, industry sectors): every signed-in user reads it,
    officers change it."""

    def for_user(self, user: AnyUser, action: Action = "view") -> Self:
        if action == "view" and user.is_authenticated:
            return self.all()
        return self.all() if Role.OFFICER in roles_of(user) else self.none()
