"""Optimistic concurrency for every versioned record: two people cannot silently overwrite each
other's edits.

A versioned model has ``version = PositiveIntegerField(editable=False, default=1)`` and
django-simple-history. A service locks the row, compares the version the editor loaded
(``lock_for_update``), saves with ``version + 1``, and otherwise raises ``EditConflictError``
saying what changed meanwhile and who changed it. ``ConflictFormMixin`` turns that error into
the form shown again (HTTP 409) with the other person's changes and the user's own input.
"""

import datetime
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)

#: Fields every versioned record changes on each save: never shown as "changed meanwhile".
BOOKKEEPING_FIELDS = frozenset({"version", "updated_at"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


class EditConflictError(Exception):
    """The record changed since the editor loaded it; ``changes`` says what changed meanwhile."""

    def __init__(self, current: models.Model, changes: list[FieldChange], changed_by: str):
        super().__init__("edit conflict")
        self.current = current
        self.changes = changes
        self.changed_by = changed_by


def lock_for_update(model: type[M], *, pk: Any, version: int | None) -> M:
    """The row, locked until the transaction ends; ``EditConflictError`` when it is no longer
    at ``version`` (``None``: the caller does not check, e.g. a new event appended)."""
    obj = model._default_manager.select_for_update().get(pk=pk)
    if version is not None and obj.version != version:
        raise edit_conflict(obj, version)
    return obj


def edit_conflict(current: models.Model, base_version: int) -> EditConflictError:
    """The error for an edit based on ``base_version``: the changes from that version to now."""
    base = current.history.filter(version=base_version).order_by("-history_date").first()
    latest = current.history.order_by("-history_date").first()
    changes: list[FieldChange] = []
    if base is not None and latest is not None:
        delta = latest.diff_against(base, foreign_keys_are_objs=True)
        labels = {f.name: f.verbose_name for f in type(current)._meta.fields}
        changes = [
            FieldChange(c.field, str(labels.get(c.field, c.field)), c.old, c.new)
            for c in delta.changes
            if c.field not in BOOKKEEPING_FIELDS
        ]
    who = latest.history_user.get_username() if latest and latest.history_user else _("người khác")
    return EditConflictError(current, changes, who)


def readable(model: type[models.Model], field: str, value: Any) -> str:
    """A field's value as a person reads it: choice labels, names, Có/Không, dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    model_field = model._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def form_value(field, value) -> str:
    """A model value as the form's widget posts it (a key for a choice of records)."""
    if hasattr(value, "pk"):
        return str(value.pk)
    if value is None:
        return ""
    return str(field.widget.format_value(value))


class ConflictFormMixin:
    """For an edit view (``UpdateView`` or alike) whose form carries the record's ``version``.

    ``form_invalid`` treats a missing or tampered version as a stale page (409, the form
    reloaded from the record); ``conflict_response`` re-shows the form after an
    ``EditConflictError``. The template gets ``conflict`` and ``conflict_changes`` (label, old,
    new) and ``form_notice``.
    """

    def form_invalid(self, form):
        if "version" in form.errors:
            # A tampered or truncated page: start again from the record as it is now.
            notice = _(
                "Không xác định được bản hồ sơ bạn đã mở. Đã tải lại bản hiện tại; vui lòng "
                "nhập lại thay đổi."
            )
            form = self.get_form_class()(**self.conflict_form_kwargs(instance=self.object))
            context = self.get_context_data(form=form, form_notice=notice)
            return self.render_to_response(context, status=409)
        return super().form_invalid(form)

    def conflict_form_kwargs(self, **kwargs) -> dict[str, Any]:
        """Extra arguments a view's form class needs (override to add, e.g., the user)."""
        return kwargs

    def conflict_response(self, form, conflict: EditConflictError) -> HttpResponse:
        """Re-show the form on the current record, keeping what the user changed.

        A field the user left as it was when they opened the form takes the other person's
        new value, so saving again overwrites only what this user meant to change.
        """
        data = form.data.copy()
        data["version"] = conflict.current.version
        for change in conflict.changes:
            untouched = form.cleaned_data.get(change.field) == change.old
            if change.field in form.fields and untouched:
                data[change.field] = form_value(form.fields[change.field], change.new)
        form = self.get_form_class()(
            **self.conflict_form_kwargs(data=data, files=form.files, instance=conflict.current)
        )
        form.is_valid()
        model = type(conflict.current)
        shown = [
            (c.label, readable(model, c.field, c.old), readable(model, c.field, c.new))
            for c in conflict.changes
        ]
        context = self.get_context_data(form=form, conflict=conflict, conflict_changes=shown)
        return self.render_to_response(context, status=409)
