"""Reads that views, tasks and reports share (HackSoft's selectors)."""

import datetime
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

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


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str
    changes: list[tuple[str, Any, Any]]


def enterprise_history(enterprise: Enterprise, limit: int = 50) -> list[HistoryEntry]:
    """The last ``limit`` changes, newest first, each with field: old → new.

    One query for the records and one per related model whose value changed (unit and sector
    names), however many records there are.
    """
    records = list(
        enterprise.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    labels = {f.name: str(f.verbose_name) for f in Enterprise._meta.fields}
    hidden = {"version", "updated_at", "created_at", "archived_at"}
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    pairs = list(itertools.pairwise(records))[:limit]
    deltas = [
        [c for c in newer.diff_against(older).changes if c.field not in hidden]
        for newer, older in pairs
    ]
    names = _related_names([c for delta in deltas for c in delta])
    entries = []
    for (newer, _older), delta in zip(pairs, deltas, strict=True):
        changes = [
            (
                labels.get(c.field, c.field),
                _display(c.field, c.old, names),
                _display(c.field, c.new, names),
            )
            for c in delta
        ]
        entries.append(_entry(newer, kinds, changes))
    if len(records) <= limit and records:
        entries.append(_entry(records[-1], kinds, []))
    return entries


def _entry(record, kinds: dict[str, str], changes: list) -> HistoryEntry:
    who = record.history_user.get_username() if record.history_user else ""
    return HistoryEntry(record.history_date, who, kinds[record.history_type], changes)


def _related_names(changes) -> dict[tuple[str, Any], str]:
    """Names of the related rows a list of changes points at, one query per related model."""
    wanted: dict[str, set] = {}
    for change in changes:
        if Enterprise._meta.get_field(change.field).is_relation:
            wanted.setdefault(change.field, set()).update(
                v for v in (change.old, change.new) if v is not None
            )
    names = {}
    for field, ids in wanted.items():
        model = Enterprise._meta.get_field(field).related_model
        for obj in model.objects.filter(pk__in=ids):
            names[(field, obj.pk)] = str(obj)
    return names


def _display(field: str, value: Any, names: dict[tuple[str, Any], str]) -> Any:
    """A historical value as a person reads it: choice labels, names of related rows."""
    if value is None or value == "":
        return ""
    model_field = Enterprise._meta.get_field(field)
    if model_field.is_relation:
        return names.get((field, value), value)
    return readable(field, value)


def readable(field: str, value: Any) -> str:
    """A field's value as a person reads it: choice labels, names, Có/Không, dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    model_field = Enterprise._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


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
