"""Writes of plans and targets and of the values entered by hand (HackSoft's services).

Officers write; everyone else is refused. A year's plan is versioned like every record. The
targets of a year (or of a period) and the entered values of a year are saved together from one
form: the form carries a fingerprint of what it showed, and a save is refused when someone
changed them meanwhile, so two officers cannot silently overwrite each other.
"""

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laichau_nsc.editing import lock_for_update
from laichau_nsc.files import discard_on_error, replace_file
from laichau_nsc.roles import is_officer

from .indicators import all_indicators, get
from .models import AnnualPlan, ManualIndicatorValue, Target

PLAN_FIELDS = ("year", "title", "document_number", "document_date", "note")
#: The periods of the national programme (Decision 1322/QĐ-TTg and its successor).
PROGRAMME_PERIODS = ((2021, 2025), (2026, 2030))
YEARS = (2015, 2100)


class StaleFormError(Exception):
    """What the form showed was changed by someone else before it was saved."""


def _require_officer(user) -> None:
    if not is_officer(user):
        raise PermissionDenied


def _check_year(year: int, field: str = "year") -> None:
    first, last = YEARS
    if not first <= year <= last:
        message = _("Năm phải từ %(first)s đến %(last)s.") % {"first": first, "last": last}
        raise ValidationError({field: message})


@transaction.atomic
def plan_create(*, data: Mapping[str, Any], user, file=None) -> AnnualPlan:
    _require_officer(user)
    _check_year(data["year"])
    if AnnualPlan.objects.filter(year=data["year"]).exists():
        raise ValidationError({"year": _("Năm %(year)s đã có kế hoạch.") % {"year": data["year"]}})
    plan = AnnualPlan(**{f: data[f] for f in PLAN_FIELDS if f in data})
    return _save_plan(plan, user, file)


@transaction.atomic
def plan_update(
    *, plan_id: int, data: Mapping[str, Any], version: int, user, file=None
) -> AnnualPlan:
    """Change a plan loaded at ``version`` (its year stays: the targets hang on it)."""
    _require_officer(user)
    plan = lock_for_update(AnnualPlan, pk=plan_id, version=version)
    for field in PLAN_FIELDS:
        if field in data and field != "year":
            setattr(plan, field, data[field])
    plan.version += 1
    return _save_plan(plan, user, file)


def _save_plan(plan: AnnualPlan, user, file) -> AnnualPlan:
    if file is not None:
        replace_file(plan, "file", file)
    plan._history_user = user
    try:
        plan.full_clean()
        plan.save()
    except Exception:
        if file is not None:
            discard_on_error(plan.file)
        raise
    return plan


# --- Targets ------------------------------------------------------------------------------------


def targets_of(first_year: int, last_year: int) -> dict[str, Decimal]:
    return dict(
        Target.objects.filter(first_year=first_year, last_year=last_year).values_list(
            "indicator", "value"
        )
    )


def fingerprint(values: Mapping[str, Any]) -> str:
    """A short digest of what a form showed (indicator → value), to detect a change meanwhile."""
    text = ";".join(f"{k}={_plain(v)}" for k, v in sorted(values.items()) if v is not None)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple):
        return "|".join(_plain(v) for v in value)
    return str(value)


@transaction.atomic
def targets_set(
    *,
    first_year: int,
    last_year: int,
    values: Mapping[str, Decimal | None],
    shown: str,
    user,
) -> int:
    """Set the targets of a year (``first_year == last_year``: under that year's plan, which
    must exist) or of a period; an empty value removes the target. ``shown`` is the
    fingerprint of the targets the form showed. Returns how many changed."""
    _require_officer(user)
    _check_year(first_year, "first_year")
    _check_year(last_year, "last_year")
    plan = None
    if first_year == last_year:
        plan = AnnualPlan.objects.select_for_update().filter(year=first_year).first()
        if plan is None:
            raise ValidationError(_("Năm %(year)s chưa có kế hoạch.") % {"year": first_year})
    elif (first_year, last_year) not in PROGRAMME_PERIODS:
        raise ValidationError(_("Giai đoạn không thuộc Chương trình."))
    unknown = [code for code in values if code not in {i.code for i in all_indicators()}]
    if unknown:
        raise ValidationError(
            _("Chỉ tiêu không tồn tại: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if any(v is not None and v < 0 for v in values.values()):
        raise ValidationError(_("Giá trị chỉ tiêu không được âm."))
    rows = {
        t.indicator: t
        for t in Target.objects.select_for_update().filter(
            first_year=first_year, last_year=last_year
        )
    }
    if fingerprint({code: t.value for code, t in rows.items()}) != shown:
        raise StaleFormError
    changed = 0
    for code, value in values.items():
        current = rows.get(code)
        if value is None and current is not None:
            current._history_user = user
            current.delete()
            changed += 1
        elif value is not None and (current is None or current.value != value):
            target = current or Target(
                indicator=code, plan=plan, first_year=first_year, last_year=last_year
            )
            target.value = value
            target._history_user = user
            target.save()
            changed += 1
    return changed


# --- Values entered by hand ----------------------------------------------------------------------


def entered_of(year: int) -> dict[str, tuple[Decimal, str]]:
    return {
        m.indicator: (m.value, m.source) for m in ManualIndicatorValue.objects.filter(year=year)
    }


@transaction.atomic
def entered_values_set(
    *, year: int, values: Mapping[str, tuple[Decimal | None, str]], shown: str, user
) -> int:
    """Set the values of the hand-entered indicators of ``year`` (value, where it comes from);
    an empty value removes it. Only indicators no record backs may be entered."""
    _require_officer(user)
    _check_year(year)
    for code, (value, source) in values.items():
        if not get(code).manual:
            raise ValidationError(
                _("Chỉ tiêu %(code)s được tính từ dữ liệu, không nhập tay.") % {"code": code}
            )
        if value is not None and not source:
            raise ValidationError(
                {code: _("Ghi nguồn số liệu của giá trị nhập tay (ví dụ: Cục Thống kê tỉnh).")}
            )
    rows = {
        m.indicator: m for m in ManualIndicatorValue.objects.select_for_update().filter(year=year)
    }
    if fingerprint({c: (m.value, m.source) for c, m in rows.items()}) != shown:
        raise StaleFormError
    changed = 0
    for code, (value, source) in values.items():
        current = rows.get(code)
        if value is None:
            if current is not None:
                current._history_user = user
                current.delete()
                changed += 1
            continue
        if current is not None and (current.value, current.source) == (value, source):
            continue
        entry = current or ManualIndicatorValue(indicator=code, year=year)
        entry.value, entry.source, entry.entered_by = value, source, user
        entry._history_user = user
        entry.save()
        changed += 1
    return changed
