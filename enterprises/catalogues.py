"""Administrative units and sectors as the pages use them, built once per process and change.

Every list page needs the whole unit tree (the filter's choices, the units under the one asked
for, a commune's origins) and the sectors, but they change a few times a year. Each catalogue is
built by two queries and kept in the process's memory under a version token held in the Django
cache. Saving or deleting a unit, an origin, a sector or a crosswalk row sets a new token (at
once and again after the commit), so every process rebuilds on its next request; with a
per-process cache (the development default) a process also rebuilds after ``MAX_AGE`` seconds,
so a change made by a command reaches the web processes.

A national tree has tens of thousands of units: the catalogue costs one cache read per request
instead of a query returning all of them, and the filter computes a unit's subtree here.
"""

import datetime
import functools
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laichau_nsc.cache import ride_with_counter
from laichau_nsc.collation import VietnameseCollate

from .choices import ClassificationVersion, SectorLevel, UnitLevel
from .models import AdministrativeUnit, Sector, SectorCrosswalk, UnitOrigin, sector_label

#: Seconds a process keeps a catalogue without seeing a new token (per-process caches).
MAX_AGE = 300
CACHE_KEY = "catalogue-version:{}"
UNITS, SECTORS = "units", "sectors"

Choices = list[tuple]
T = TypeVar("T")


@functools.lru_cache(maxsize=256)  # a few distinct dates, thousands of units
def _dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- Administrative units -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    def has_ceased(self, day: datetime.date) -> bool:
        return self.valid_to is not None and self.valid_to < day

    def has_started(self, day: datetime.date) -> bool:
        return self.valid_from is None or self.valid_from <= day


# Higher levels first in the choices; the rest by name.
_LEVEL_RANK = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1}


class UnitCatalogue:
    """The unit tree with the origins of merged units; ``units`` in Vietnamese name order."""

    def __init__(self, units: Iterable[Unit], origins: Iterable[tuple[int, int]]) -> None:
        self.ordered = list(units)
        self.units = {u.id: u for u in self.ordered}
        self.children: dict[int, list[int]] = defaultdict(list)
        for unit in self.ordered:
            if unit.parent_id is not None:
                self.children[unit.parent_id].append(unit.id)
        self.origins: dict[int, list[int]] = defaultdict(list)
        for successor, predecessor in origins:
            if successor in self.units and predecessor in self.units:
                self.origins[successor].append(predecessor)
        self._choices: dict[tuple, Choices] = {}
        self._lock = threading.Lock()

    def get(self, unit_id: int | None) -> Unit | None:
        return self.units.get(unit_id) if unit_id is not None else None

    def subtree(self, unit_id: int) -> list[int]:
        """The unit and every unit under it, at any depth."""
        found, stack, seen = [], [unit_id], set()
        while stack:
            current = stack.pop()
            if current in seen:  # a loop in bad data must not hang a request
                continue
            seen.add(current)
            found.append(current)
            stack.extend(self.children.get(current, ()))
        return found

    def origin_names(self, unit_id: int) -> list[str]:
        """Names of the units this one was formed from: ["Thành phố Lai Châu", …]."""
        return [self.units[p].name for p in self.origins.get(unit_id, ())]

    def origins_text(self, unit_id: int | None, template: str | None = None) -> str:
        """ "từ Huyện Tam Đường, Thành phố Lai Châu", or "" for a unit with no recorded origin."""
        names = self.origin_names(unit_id) if unit_id is not None else []
        if not names:
            return ""
        return (template or _("từ %(units)s")) % {"units": ", ".join(names)}

    def label(self, unit: Unit, today: datetime.date, texts: dict[str, str] | None = None) -> str:
        """The unit's name with what tells it apart in time: its end, start or origins."""
        texts = texts or _label_texts()  # translated once per list, not once per unit
        if unit.has_ceased(today):
            return texts["ended"] % {"name": unit.name, "day": _dmy(unit.valid_to)}
        if not unit.has_started(today):
            return texts["future"] % {"name": unit.name, "day": _dmy(unit.valid_from)}
        origins = self.origins_text(unit.id, texts["origins"])
        return f"{unit.name} ({origins})" if origins else unit.name

    def labels(self, units: Iterable[Unit], today: datetime.date) -> list[tuple[int, str]]:
        texts = _label_texts()
        return [(u.id, self.label(u, today, texts)) for u in units]

    def in_force(self, today: datetime.date, keep: int | None = None) -> list[Unit]:
        """Units in force on ``today`` (higher levels first, then by name), and ``keep``."""
        units = [
            u
            for u in self.ordered
            if (u.has_started(today) and not u.has_ceased(today)) or u.id == keep
        ]
        units.sort(key=lambda u: _LEVEL_RANK.get(u.level, 2))  # stable: names stay in order
        return units

    def choices(self, today: datetime.date) -> Choices:
        """The filter's choices: units in force, then former units grouped by their last day
        (newest first), then units not yet in force. Memoised per day and language."""
        key = (today, get_language())
        with self._lock:
            if key not in self._choices:
                self._choices[key] = self._build_choices(today)
            return self._choices[key]

    def _build_choices(self, today: datetime.date) -> Choices:
        current = self.in_force(today)
        groups: Choices = []
        if current:
            groups.append((_("Đơn vị hiện nay"), self.labels(current, today)))
        ceased: dict[datetime.date, list[Unit]] = defaultdict(list)
        for unit in self.ordered:
            if unit.has_ceased(today):
                ceased[unit.valid_to].append(unit)
        for last_day in sorted(ceased, reverse=True):
            title = _("Đơn vị cũ (đến %(day)s)") % {"day": _dmy(last_day)}
            groups.append((title, self.labels(ceased[last_day], today)))
        future = [u for u in self.ordered if not u.has_started(today)]
        if future:
            groups.append((_("Đơn vị sắp có hiệu lực"), self.labels(future, today)))
        return groups


def _label_texts() -> dict[str, str]:
    return {
        "ended": _("%(name)s (đến %(day)s)"),
        "future": _("%(name)s (từ ngày %(day)s)"),
        "origins": _("từ %(units)s"),
    }


def _build_units() -> UnitCatalogue:
    units = AdministrativeUnit.objects.order_by(VietnameseCollate("name"), "code", "pk")
    rows = units.values_list("id", "code", "name", "level", "parent_id", "valid_from", "valid_to")
    origins = UnitOrigin.objects.order_by("predecessor__code", "predecessor_id").values_list(
        "successor_id", "predecessor_id"
    )
    return UnitCatalogue((Unit(*row) for row in rows), origins)


# --- Sectors ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectorEntry:
    id: int
    version: str
    code: str
    level: str
    parent_id: int | None
    name: str
    name_en: str

    def __str__(self) -> str:
        return sector_label(self.code, self.name, self.name_en)


class SectorCatalogue:
    """Every version's sections and divisions (newest version first, by code) and the
    crosswalk between versions."""

    def __init__(self, sectors: Iterable[SectorEntry], crosswalk: Iterable[tuple[int, int]]):
        self.ordered = list(sectors)
        self.sectors = {s.id: s for s in self.ordered}
        self.children: dict[int, list[int]] = defaultdict(list)
        for sector in self.ordered:
            if sector.parent_id is not None:
                self.children[sector.parent_id].append(sector.id)
        self.targets: dict[int, list[int]] = defaultdict(list)
        for source, target in crosswalk:
            self.targets[source].append(target)
        self._choices: dict[str, Choices] = {}

    def get(self, sector_id: int | None) -> SectorEntry | None:
        return self.sectors.get(sector_id) if sector_id is not None else None

    def subtree(self, sector_id: int) -> list[int]:
        """A section and its divisions; a division alone."""
        return [sector_id, *self.children.get(sector_id, ())]

    def counterparts(self, sector_id: int) -> list[SectorEntry]:
        """The sectors of the newer version the crosswalk maps this one to."""
        return [self.sectors[t] for t in self.targets.get(sector_id, ()) if t in self.sectors]

    def versions(self) -> list[str]:
        return list(dict.fromkeys(s.version for s in self.ordered))

    def divisions(self, version: str) -> Choices:
        """A version's divisions grouped by section, for the enterprise form."""
        groups: Choices = []
        for section in self.ordered:
            if section.version == version and section.level == SectorLevel.SECTION:
                members = [
                    (d, str(self.sectors[d]))
                    for d in self.children.get(section.id, ())
                    if self.sectors[d].level == SectorLevel.DIVISION
                ]
                if members:
                    groups.append((str(section), members))
        return groups

    def choices(self) -> Choices:
        """The filter's choices, one group per version: sections and their divisions.
        Memoised per language, as the units' are (a few hundred labels a request otherwise)."""
        language = get_language()
        choices = self._choices.get(language)
        if choices is None:
            choices = self._choices[language] = self._build_choices()
        return choices

    def _build_choices(self) -> Choices:
        labels = dict(ClassificationVersion.choices)
        groups: Choices = []
        for version in self.versions():
            options = []
            for sector in self.ordered:
                if sector.version != version or sector.parent_id is not None:
                    continue
                options.append((sector.id, str(sector)))
                options.extend(
                    (d, f"\u00a0\u00a0{self.sectors[d]}") for d in self.children.get(sector.id, ())
                )
            groups.append((str(labels.get(version, version)), options))
        return groups


def _build_sectors() -> SectorCatalogue:
    rows = Sector.objects.order_by("-version", "code").values_list(
        "id", "version", "code", "level", "parent_id", "name", "name_en"
    )
    crosswalk = SectorCrosswalk.objects.order_by("target__code").values_list(
        "source_id", "target_id"
    )
    return SectorCatalogue((SectorEntry(*row) for row in rows), crosswalk)


# --- Memo and invalidation ----------------------------------------------------------------------

_memo: dict[str, tuple[str, float, object]] = {}
#: Every kind of catalogue with a token (``renew_on_change`` adds the other apps' kinds).
_kinds: set[str] = {UNITS, SECTORS}
#: The tokens read during the current request, per thread: a list page asks for three or four
#: catalogues, and one cache round trip answers them all. Outside a request (a worker, a
#: command) every call reads the cache, as a long-running process must.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.tokens = {}


def _request_finished(**kwargs) -> None:
    _request.tokens = None


def _token(kind: str) -> str:
    tokens = getattr(_request, "tokens", None)
    if tokens is not None and kind in tokens:
        return tokens[kind]
    key = CACHE_KEY.format(kind)
    if tokens is None:
        token = cache.get(key)
    else:
        # The first catalogue a request uses reads every kind's token at once.
        keys = {k: CACHE_KEY.format(k) for k in sorted(_kinds | {kind})}
        found = cache.get_many(list(keys.values()))
        tokens.update({k: found[key_of_k] for k, key_of_k in keys.items() if key_of_k in found})
        token = found.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key) or ""
    if tokens is not None:
        tokens[kind] = token
    return token


def _tokens_wanted() -> tuple[list[str], Callable[[dict], None]] | None:
    """Every kind's token, read by a request's first cache round trip (the API's counter,
    ``laichau_nsc.cache.ride_with_counter``) when the request has read none yet."""
    tokens = getattr(_request, "tokens", None)
    if tokens is None or tokens:
        return None
    keys = {CACHE_KEY.format(k): k for k in sorted(_kinds)}

    def receive(found: dict) -> None:
        # A token missing from the cache is left to _token, which makes it.
        tokens.update({keys[key]: token for key, token in found.items()})

    return list(keys), receive


def _memoised(kind: str, build: Callable[[], T]) -> T:
    token = _token(kind)
    entry = _memo.get(kind)
    if entry is not None and entry[0] == token and time.monotonic() - entry[1] < MAX_AGE:
        return entry[2]  # type: ignore[return-value]
    value = build()
    _memo[kind] = (token, time.monotonic(), value)
    return value


def units() -> UnitCatalogue:
    return _memoised(UNITS, _build_units)


def sectors() -> SectorCatalogue:
    return _memoised(SECTORS, _build_sectors)


_versions: dict[str, tuple[str, float, object]] = {}


def version(kind: str) -> object:
    """A new object whenever the rows of ``kind`` change (a new token), and at least every
    ``MAX_AGE`` seconds: a key for what is drawn from those rows, such as a select's options
    (``FastSelect.options_key``), without reading them."""
    token = _token(kind)
    entry = _versions.get(kind)
    if entry is not None and entry[0] == token and time.monotonic() - entry[1] < MAX_AGE:
        return entry[2]
    value = object()
    _versions[kind] = (token, time.monotonic(), value)
    return value


def renew_on_change(model: type, kind: str) -> None:
    """Saving or deleting a ``model`` row renews ``kind`` (for apps that build on this one)."""
    _kinds.add(kind)
    receiver = _receiver(kind)
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"catalogue-{model}")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"catalogue-{model}")


def invalidate(kind: str) -> None:
    """Make every process rebuild the catalogue: now (this transaction's reads) and after the
    commit (other processes, which could have rebuilt from the old rows meanwhile)."""

    def renew() -> None:
        _memo.pop(kind, None)
        tokens = getattr(_request, "tokens", None)
        if tokens is not None:
            tokens.pop(kind, None)
        cache.set(CACHE_KEY.format(kind), uuid.uuid4().hex, timeout=None)

    renew()
    transaction.on_commit(renew)


def connect_signals() -> None:
    """Any change to the rows a catalogue is built from renews it (admin, loaders, tests)."""
    request_started.connect(_request_started, dispatch_uid="catalogue-tokens-start")
    ride_with_counter(_tokens_wanted)
    request_finished.connect(_request_finished, dispatch_uid="catalogue-tokens-end")
    for model, kind in (
        (AdministrativeUnit, UNITS),
        (UnitOrigin, UNITS),
        (Sector, SECTORS),
        (SectorCrosswalk, SECTORS),
    ):
        renew_on_change(model, kind)


def _receiver(kind: str) -> Callable:
    def receiver(sender, **kwargs) -> None:
        invalidate(kind)

    return receiver
