"""Writes to the catalogue: standards and certification bodies (officers, from the portal).

Each function runs in a transaction, validates with ``full_clean`` and records who acted in the
history. Edits carry the version the officer loaded: a save based on a stale copy raises
``laichau_nsc.editing.EditConflictError`` (one class for every versioned record) instead of
silently overwriting another officer's change. Nothing is deleted: a standard or body that is no
longer used is deactivated, and its history, adoptions and certificates stay.
"""

from typing import Any, TypeVar

from django.db import models, transaction

from laichau_nsc.editing import lock_for_update

from .models import CertificationBody, Standard

Versioned = TypeVar("Versioned", Standard, CertificationBody)


def _as_user(obj: models.Model, user) -> None:
    # simple-history takes the author from the request; outside one (tasks, commands) from here.
    obj._history_user = user


def _create(model: type[Versioned], data: dict[str, Any], user) -> Versioned:
    obj = model(**data)
    obj.full_clean()
    _as_user(obj, user)
    obj.save()
    return obj


def _update(model: type[Versioned], pk: int, data: dict[str, Any], version: int, user) -> Versioned:
    obj = lock_for_update(model, pk=pk, version=version)
    for field, value in data.items():
        setattr(obj, field, value)
    obj.full_clean()
    # The row is locked (select_for_update), so incrementing here cannot race.
    obj.version += 1
    _as_user(obj, user)
    obj.save()
    return obj


def _set_active(model: type[Versioned], pk: int, active: bool, user) -> Versioned:
    obj = model.objects.select_for_update().get(pk=pk)
    if obj.is_active == active:
        return obj
    obj.is_active = active
    obj.version += 1
    _as_user(obj, user)
    obj.save()
    return obj


# --- Standards ---------------------------------------------------------------------------------


@transaction.atomic
def standard_create(*, data: dict[str, Any], user) -> Standard:
    return _create(Standard, data, user)


@transaction.atomic
def standard_update(*, standard_id: int, data: dict[str, Any], version: int, user) -> Standard:
    """Apply ``data`` if nobody saved the standard since ``version`` was read; otherwise raise
    ``EditConflictError``. ``Standard.clean`` refuses a cycle of supersession."""
    return _update(Standard, standard_id, data, version, user)


@transaction.atomic
def standard_set_active(*, standard_id: int, active: bool, user) -> Standard:
    """Deactivate (no longer offered for new adoptions and certificates; everything recorded
    stays and still counts) or reactivate a standard."""
    return _set_active(Standard, standard_id, active, user)


# --- Certification bodies ----------------------------------------------------------------------


@transaction.atomic
def body_create(*, data: dict[str, Any], user) -> CertificationBody:
    return _create(CertificationBody, data, user)


@transaction.atomic
def body_update(*, body_id: int, data: dict[str, Any], version: int, user) -> CertificationBody:
    return _update(CertificationBody, body_id, data, version, user)


@transaction.atomic
def body_set_active(*, body_id: int, active: bool, user) -> CertificationBody:
    return _set_active(CertificationBody, body_id, active, user)
