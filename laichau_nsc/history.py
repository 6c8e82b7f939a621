"""A record's history as people read it: who changed what, when (django-simple-history)."""

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from .editing import readable

#: Fields no person needs to see in a history: bookkeeping that changes with every save.
HIDDEN_FIELDS = frozenset({"version", "updated_at", "created_at"})


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str
    changes: list[tuple[str, Any, Any]]


def record_history(
    obj: models.Model, *, limit: int = 50, hidden: Iterable[str] = HIDDEN_FIELDS
) -> list[HistoryEntry]:
    """The last ``limit`` changes of ``obj``, newest first, each with field: old → new.

    One query for the records and one per related model whose value changed (unit and sector
    names), however many records there are.
    """
    model = type(obj)
    hidden = set(hidden)
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    labels = {f.name: str(f.verbose_name) for f in model._meta.fields}
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    pairs = list(itertools.pairwise(records))[:limit]
    deltas = [
        [c for c in newer.diff_against(older).changes if c.field not in hidden]
        for newer, older in pairs
    ]
    names = _related_names(model, [c for delta in deltas for c in delta])
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
        entries.append(_entry(newer, kinds, changes))
    if len(records) <= limit and records:
        entries.append(_entry(records[-1], kinds, []))
    return entries


def _entry(record, kinds: dict[str, str], changes: list) -> HistoryEntry:
    who = record.history_user.get_username() if record.history_user else ""
    return HistoryEntry(record.history_date, who, kinds[record.history_type], changes)


def _related_names(model: type[models.Model], changes) -> dict[tuple[str, Any], str]:
    """Names of the related rows a list of changes points at, one query per related model."""
    wanted: dict[str, set] = {}
    for change in changes:
        if model._meta.get_field(change.field).is_relation:
            wanted.setdefault(change.field, set()).update(
                v for v in (change.old, change.new) if v is not None
            )
    names = {}
    for field, ids in wanted.items():
        related = model._meta.get_field(field).related_model
        for obj in related._default_manager.filter(pk__in=ids):
            names[(field, obj.pk)] = str(obj)
    return names


def _display(model: type[models.Model], field: str, value: Any, names: dict) -> Any:
    """A historical value as a person reads it: choice labels, names of related rows."""
    if value is None or value == "":
        return ""
    if model._meta.get_field(field).is_relation:
        return names.get((field, value), value)
    return readable(model, field, value)
