"""Reads that views, tasks and reports share (HackSoft's selectors)."""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy

from laichau_nsc import editing
from laichau_nsc.history import HIDDEN_FIELDS, HistoryEntry, record_history
from laichau_nsc.roles import Role

from .choices import EnterpriseStatus, LegalForm, MembershipState, SizeClass
from .filters import EnterpriseFilterSet
from .models import Enterprise, Membership, UnitAssignment


def filtered_enterprises(*, user, params: dict[str, Any] | QueryDict) -> QuerySet[Enterprise]:
    """The user's enterprises narrowed by the list's filters; invalid filters give no rows."""
    data = params if isinstance(params, QueryDict) else _to_querydict(params)
    filterset = EnterpriseFilterSet(data, queryset=Enterprise.objects.for_user(user))
    return filterset.qs if filterset.is_valid() else Enterprise.objects.none()


def _to_querydict(params: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def enterprise_export_rows(
    *, user, params: dict[str, Any], fields: Sequence[str], limit: int
) -> Iterator[list[Any]]:
    """Rows of the export in list order, choice codes shown as their labels."""
    labels = {
        "legal_form": dict(LegalForm.choices),
        "size_class": dict(SizeClass.choices),
        "status": dict(EnterpriseStatus.choices),
    }
    rows = filtered_enterprises(user=user, params=params).values_list(*fields)[:limit]
    for row in rows.iterator(chunk_size=2000):
        yield [
            str(labels[f].get(v, v)) if f in labels and v else v
            for f, v in zip(fields, row, strict=True)
        ]


def unit_on(day: datetime.date) -> Subquery:
    """Annotation: the enterprise's administrative unit id on ``day``.

    ``Enterprise.objects.annotate(unit_id_on=unit_on(date(2023, 12, 31)))``.
    """
    return Subquery(
        UnitAssignment.objects.filter(enterprise=OuterRef("pk"))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by(F("valid_from").desc(nulls_last=True))
        .values("unit_id")[:1]
    )


def enterprise_history(enterprise: Enterprise, limit: int = 50) -> list[HistoryEntry]:
    """The last ``limit`` changes, newest first, each with field: old → new."""
    hidden = {*HIDDEN_FIELDS, "archived_at"}
    return record_history(enterprise, limit=limit, hidden=hidden)


def readable(field: str, value: Any) -> str:
    """A field's value as a person reads it: choice labels, names, Có/Không, dd/mm/yyyy."""
    return editing.readable(Enterprise, field, value)


@dataclass(frozen=True)
class HomeFigure:
    """A count on a role's home page, linked to the list that shows what it counts."""

    key: str
    label: str
    value: int
    url: str


# key, label, what the figure counts, and the enterprise-list query that shows the same rows
# (the list hides archived records by default, as the figures leave them out).
HOME_FIGURES: tuple[tuple[str, Any, Q, dict[str, str]], ...] = (
    ("total", gettext_lazy("Đơn vị đang theo dõi"), Q(), {}),
    (
        "active",
        gettext_lazy("Đang hoạt động"),
        Q(status=EnterpriseStatus.ACTIVE),
        {"status": EnterpriseStatus.ACTIVE},
    ),
    (
        "cooperatives",
        gettext_lazy("Hợp tác xã"),
        Q(legal_form=LegalForm.COOPERATIVE),
        {"legal_form": LegalForm.COOPERATIVE},
    ),
    (
        "households",
        gettext_lazy("Hộ kinh doanh"),
        Q(legal_form=LegalForm.HOUSEHOLD),
        {"legal_form": LegalForm.HOUSEHOLD},
    ),
)


def home_figures(*, user) -> list[HomeFigure]:
    """The enterprise figures of the staff home pages, in one query."""
    counts = (
        Enterprise.objects.for_user(user)
        .active()
        .aggregate(**{key: Count("pk", filter=q) for key, _label, q, _query in HOME_FIGURES})
    )
    base = reverse("enterprises:enterprise_list")
    return [
        HomeFigure(key, str(label), counts[key], f"{base}?{urlencode(query)}" if query else base)
        for key, label, _q, query in HOME_FIGURES
    ]


def home_context(*, user, role: Role) -> dict[str, Any]:
    """Figures and records for a role's home page, each counted by the database."""
    if role in (Role.OFFICER, Role.LEADER):
        context: dict[str, Any] = {"figures": home_figures(user=user)}
        if role == Role.OFFICER:
            # The request queue shows the pending requests by default.
            context["pending_requests"] = Membership.objects.for_user(user).pending().count()
        return context
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("enterprise", "enterprise__admin_unit")
        .order_by("-requested_at")
    )
    return {
        "memberships": memberships,
        "approved": [m for m in memberships if m.state == MembershipState.APPROVED],
    }
