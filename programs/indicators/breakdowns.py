"""Where a counted row belongs in a breakdown, as SQL, and the names of the groups.

- **unit**: the administrative unit of the period's last day. Before 1 July 2025 Lai Châu
  reported by district, since then by commune. An enterprise's unit on a day is its
  ``UnitAssignment`` covering that day; without one, its current unit, or — for a day before
  the merger — the former district its current commune came from (``UnitOrigin``; the first by
  code when it came from two). A commune of the old structure reports under its district.
- **sector**: the enterprise's main sector in the VSIC version in force on the last day (VSIC
  2018 until 14/11/2025, VSIC 2025 from 15/11/2025), through the official crosswalk when the
  enterprise was classified in the other version (the first division by code when a division
  was split), summed up to the section (A, C, …).
- **standard**: the standard, scheme or tool itself (its code).

Each key is one SQL expression, so a breakdown is one GROUP BY query; the names of the groups
come from one more query per breakdown for the whole table.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, Expression, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from enterprises.choices import ClassificationVersion, UnitLevel
from enterprises.models import (
    AdministrativeUnit,
    Sector,
    SectorCrosswalk,
    UnitAssignment,
    UnitOrigin,
)
from standards.models import Standard

from .base import Breakdown

#: The first day of the communes of the two-level local government (Resolution 1670/NQ-UBTVQH15).
MERGER_DAY = datetime.date(2025, 7, 1)
#: The first day of VSIC 2025 (Decision 36/2025/QĐ-TTg).
VSIC2025_FROM = datetime.date(2025, 11, 15)
UNKNOWN = ""
ID = BigIntegerField()
BELOW_DISTRICT = (UnitLevel.COMMUNE, UnitLevel.WARD, UnitLevel.TOWNSHIP)


def sector_version_on(day: datetime.date) -> str:
    return (
        ClassificationVersion.VSIC2025 if day >= VSIC2025_FROM else ClassificationVersion.VSIC2018
    )


def unit_level_on(day: datetime.date) -> str:
    """ "district" before the merger, "commune" after (wards and townships included)."""
    return UnitLevel.DISTRICT if day < MERGER_DAY else UnitLevel.COMMUNE


def enterprise_unit_key(enterprise: str, day: datetime.date) -> Expression:
    """The id of the unit an enterprise (``enterprise``: a lookup to it) was in on ``day``."""
    ref = f"{enterprise}_id"
    assigned = (
        UnitAssignment.objects.filter(enterprise=OuterRef(ref))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by(F("valid_from").desc(nulls_last=True))
        .values("unit_id")[:1]
    )
    current = f"{enterprise}__admin_unit_id"
    return Coalesce(Subquery(assigned), _former_unit(current, day), F(current), output_field=ID)


def direct_unit_key(unit: str, day: datetime.date) -> Expression:
    """The unit a record names itself (``unit``: a lookup to it), or the unit it came from
    when ``day`` is before that unit existed."""
    return Coalesce(_former_unit(f"{unit}_id", day), F(f"{unit}_id"), output_field=ID)


def _former_unit(unit_id: str, day: datetime.date) -> Subquery:
    """The unit ``unit_id`` was formed from that existed on ``day`` (None if none)."""
    return Subquery(
        UnitOrigin.objects.filter(successor=OuterRef(unit_id))
        .filter(
            Q(predecessor__valid_from__isnull=True) | Q(predecessor__valid_from__lte=day),
            Q(predecessor__valid_to__isnull=True) | Q(predecessor__valid_to__gte=day),
        )
        .order_by("predecessor__code", "predecessor_id")
        .values("predecessor_id")[:1]
    )


def sector_key(enterprise: str, day: datetime.date) -> Expression:
    """The id of the enterprise's sector in the version in force on ``day``."""
    version = sector_version_on(day)
    own = f"{enterprise}__sector_id"
    forward = (
        SectorCrosswalk.objects.filter(source=OuterRef(own), target__version=version)
        .order_by("target__code")
        .values("target_id")[:1]
    )
    backward = (
        SectorCrosswalk.objects.filter(target=OuterRef(own), source__version=version)
        .order_by("source__code")
        .values("source_id")[:1]
    )
    return Case(
        When(**{f"{enterprise}__sector__version": version}, then=F(own)),
        default=Coalesce(Subquery(forward), Subquery(backward), output_field=ID),
        output_field=ID,
    )


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    order: tuple


class Labels:
    """Group keys and names for one breakdown on one day: maps the ids the GROUP BY gives to
    the reported group (a commune of the old structure to its district, a division to its
    section). Loaded once per table (one query)."""

    def __init__(self, by: Breakdown, day: datetime.date) -> None:
        self.by, self.day = by, day
        self._groups: dict[int | None, Group] = {}
        self._loaded = False

    def group(self, raw_id: int | None) -> Group:
        return self._groups.get(raw_id) or Group(UNKNOWN, _("Chưa xác định"), (1, ""))

    def load(self) -> "Labels":
        if self._loaded:
            return self
        self._loaded = True
        if self.by == "unit":
            self._load_units()
        elif self.by == "sector":
            self._load_sectors()
        else:
            self._load_standards()
        return self

    def _load_units(self) -> None:
        units = {
            u["pk"]: u
            for u in AdministrativeUnit.objects.values("pk", "code", "name", "level", "parent_id")
        }
        rollup = unit_level_on(self.day) == UnitLevel.DISTRICT
        for pk, unit in units.items():
            shown = unit
            if rollup and unit["level"] in BELOW_DISTRICT and unit["parent_id"] in units:
                shown = units[unit["parent_id"]]
            self._groups[pk] = Group(shown["code"], shown["name"], (0, shown["code"]))

    def _load_sectors(self) -> None:
        sectors = {
            s["pk"]: s
            for s in Sector.objects.filter(version=sector_version_on(self.day)).values(
                "pk", "code", "name", "parent_id"
            )
        }
        for pk, sector in sectors.items():
            shown = sectors.get(sector["parent_id"], sector)
            label = f"{shown['code']} – {shown['name']}"
            self._groups[pk] = Group(shown["code"], label, (0, shown["code"]))

    def _load_standards(self) -> None:
        for pk, code in Standard.objects.values_list("pk", "code"):
            self._groups[pk] = Group(code, code, (0, code))
