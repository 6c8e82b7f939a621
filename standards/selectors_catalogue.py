"""Reads for the catalogue pages: search, use counts and the history of a standard or body."""

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext

from laichau_nsc.text import fold

from .models import Adoption, Certificate, CertificationBody, Standard

#: Fields a history never lists (bookkeeping).
HISTORY_HIDDEN = frozenset({"version"})


def search_catalogue(queryset: QuerySet, text: str, *fields: str) -> QuerySet:
    """Rows whose ``fields`` contain ``text``, blind to case and diacritics ("he thong quan ly"
    finds "Hệ thống quản lý").

    The catalogue is reference data (tens to a few thousand rows, never per enterprise), so the
    folding is done here, over the ids and searched columns of the rows the other filters left
    (one query), rather than in a stored search column with its own migration and index.
    """
    folded = fold(text)
    if not folded:
        return queryset
    ids = [
        pk
        for pk, *values in queryset.values_list("pk", *fields)
        if any(folded in fold(value) for value in values if value)
    ]
    return queryset.filter(pk__in=ids)


@dataclass(frozen=True)
class StandardUse:
    """How many adoptions and certificates the user may see use a standard (or a body)."""

    adoptions: int
    adoptions_applying: int
    certificates: int
    certificates_valid: int


def standard_use(*, standard: Standard, user, today: datetime.date) -> StandardUse:
    """Counts by the database (four queries), through ``for_user``: an enterprise user counts
    only their own enterprise's records; "valid" is ``Certificate.objects.valid_on``."""
    adoptions = Adoption.objects.for_user(user).filter(standard=standard)
    certificates = Certificate.objects.for_user(user).filter(standard=standard)
    return StandardUse(
        adoptions=adoptions.active().verified().count(),
        adoptions_applying=adoptions.applying_on(today).count(),
        certificates=certificates.active().verified().count(),
        certificates_valid=certificates.valid_on(today).count(),
    )


def body_use(*, body: CertificationBody, user, today: datetime.date) -> dict[str, int]:
    certificates = Certificate.objects.for_user(user).filter(body=body)
    return {
        "certificates": certificates.active().verified().count(),
        "certificates_valid": certificates.valid_on(today).count(),
    }


# --- History -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str  # created / changed / deleted
    reason: str
    changes: list[tuple[str, Any, Any]]


def record_history(obj: models.Model, limit: int = 50) -> list[HistoryEntry]:
    """The last ``limit`` changes of ``obj``, newest first, each with field: old → new.

    One query for the records and one per related model whose value changed (a successor's
    code), however many records there are.
    """
    model = type(obj)
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    pairs = list(itertools.pairwise(records))[:limit]
    deltas = [
        [c for c in newer.diff_against(older).changes if c.field not in HISTORY_HIDDEN]
        for newer, older in pairs
    ]
    names = _related_names(model, [c for delta in deltas for c in delta])
    labels = {f.name: str(f.verbose_name) for f in model._meta.fields}
    entries = []
    for (newer, _older), delta in zip(pairs, deltas, strict=True):
        changes = [
            (
                labels.get(c.field, c.field),
                _display(model, c.field, c.old, names),
                _display(model, c.field, c.new, names),
            )
            for c in delta
        ]
        entries.append(_entry(newer, changes))
    if len(records) <= limit and records:
        entries.append(_entry(records[-1], []))
    return entries


_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def _entry(record, changes: list) -> HistoryEntry:
    who = record.history_user.get_username() if record.history_user else ""
    return HistoryEntry(
        record.history_date,
        who,
        _KINDS[record.history_type],
        record.history_change_reason or "",
        changes,
    )


def _related_names(model: type[models.Model], changes) -> dict[tuple[str, Any], str]:
    wanted: dict[str, set] = {}
    for change in changes:
        if model._meta.get_field(change.field).is_relation:
            wanted.setdefault(change.field, set()).update(
                v for v in (change.old, change.new) if v is not None
            )
    names = {}
    for field, ids in wanted.items():
        related = model._meta.get_field(field).related_model
        for row in related.objects.filter(pk__in=ids):
            names[(field, row.pk)] = str(row)
    return names


def _display(model: type[models.Model], field: str, value: Any, names: dict) -> str:
    """A historical value as a person reads it: choice labels, names, Có/Không, dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    model_field = model._meta.get_field(field)
    if model_field.is_relation:
        return names.get((field, value), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def readable(model: type[models.Model], field: str, value: Any) -> str:
    """A current value as the conflict page shows it."""
    if hasattr(value, "pk"):
        return str(value)
    return _display(model, field, value, {})
