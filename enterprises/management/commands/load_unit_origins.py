"""``manage.py load_unit_origins [PATH.csv]``: which former units each new unit came from.

The CSV has the columns ``commune_code,commune_name,district_code,district_name,source_note``,
like ``laichau_commune_origins.csv``: one row per (new unit, former unit) pair, so a commune
formed from two districts has two rows. The units must be loaded first (``load_admin_units``).

Codes are reused across periods (the ward of 2025 may carry the code of a former commune), so a
code is read as the newest unit with that code for the new unit, and as the unit with that code
that ended before the new one began for the former unit; the names in the file must match
them, which catches a shifted column or a wrong code. The whole file is checked first and
written in one transaction. For each new unit in the file, its origins become exactly the
file's rows: loading again changes nothing, and a corrected file replaces what it corrects.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.management.csvdata import default_data_path, raise_if_errors, read_rows
from enterprises.models import AdministrativeUnit, UnitOrigin

FILENAME = "laichau_commune_origins.csv"
COLUMNS = ("commune_code", "commune_name", "district_code", "district_name", "source_note")


@dataclass
class OriginRow:
    line: int
    successor: AdministrativeUnit
    predecessor: AdministrativeUnit
    note: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.successor.pk, self.predecessor.pk)


class Command(BaseCommand):
    help = (
        "Nạp nguồn gốc của đơn vị hành chính mới (từ đơn vị cũ nào) từ tệp CSV "
        "(commune_code,commune_name,district_code,district_name,source_note). "
        "Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help=_("Tệp CSV; mặc định là %(file)s trong dữ liệu tham chiếu.") % {"file": FILENAME},
        )

    def handle(self, *args, path: Path | None = None, **options) -> None:
        path = path or default_data_path(FILENAME)
        rows = self.parse(path)
        with transaction.atomic():
            created, updated, removed = self.save(rows)
        if options["verbosity"]:
            self.stdout.write(
                _(
                    "Nguồn gốc đơn vị hành chính từ %(path)s: %(total)d dòng cho %(units)d đơn "
                    "vị; thêm mới %(created)d, cập nhật %(updated)d, bỏ %(removed)d."
                )
                % {
                    "path": path,
                    "total": len(rows),
                    "units": len({r.successor.pk for r in rows}),
                    "created": created,
                    "updated": updated,
                    "removed": removed,
                }
            )

    # --- checking ---------------------------------------------------------------------------

    def parse(self, path: Path) -> list[OriginRow]:
        by_code: dict[str, list[AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.all():
            by_code.setdefault(unit.code, []).append(unit)
        rows: list[OriginRow] = []
        errors: list[str] = []
        seen: dict[tuple[int, int], int] = {}
        for line, raw in read_rows(path, COLUMNS):
            row, row_errors = self.parse_row(line, raw, by_code)
            if row is not None and row.key in seen:
                row_errors.append(
                    _("Dòng %(line)d: cặp %(new)s ← %(old)s đã có ở dòng %(other)d.")
                    % {
                        "line": line,
                        "new": raw["commune_code"],
                        "old": raw["district_code"],
                        "other": seen[row.key],
                    }
                )
            errors += row_errors
            if row is not None and not row_errors:
                seen[row.key] = line
                rows.append(row)
        if not rows and not errors:
            errors.append(_("Tệp không có dòng dữ liệu nào."))
        raise_if_errors(path, errors)
        return rows

    def parse_row(
        self, line: int, raw: dict[str, str], by_code: dict[str, list[AdministrativeUnit]]
    ) -> tuple[OriginRow | None, list[str]]:
        where = _("Dòng %(line)d") % {"line": line}
        errors = [
            _("%(where)s: thiếu %(column)s.") % {"where": where, "column": column}
            for column in ("commune_code", "district_code")
            if not raw[column]
        ]
        if errors:
            return None, errors
        new_code, old_code = raw["commune_code"], raw["district_code"]
        if new_code == old_code:
            return None, [
                _("%(where)s: đơn vị không thể có nguồn gốc từ chính nó.") % {"where": where}
            ]
        successor = self.newest(by_code.get(new_code, []))
        if successor is None:
            return None, [
                _(
                    "%(where)s: không tìm thấy đơn vị mới có mã %(code)s; hãy nạp đơn vị hành "
                    "chính trước."
                )
                % {"where": where, "code": new_code}
            ]
        predecessor = self.ended_before(by_code.get(old_code, []), successor.valid_from)
        if predecessor is None:
            return None, [
                _(
                    "%(where)s: không tìm thấy đơn vị cũ có mã %(code)s hết hiệu lực trước "
                    "ngày %(day)s."
                )
                % {"where": where, "code": old_code, "day": _day(successor.valid_from)}
            ]
        errors += self.check_name(where, successor, raw["commune_name"])
        errors += self.check_name(where, predecessor, raw["district_name"])
        return OriginRow(line, successor, predecessor, raw["source_note"]), errors

    @staticmethod
    def newest(units: list[AdministrativeUnit]) -> AdministrativeUnit | None:
        return max(units, key=lambda u: u.valid_from or datetime.date.min, default=None)

    @staticmethod
    def ended_before(
        units: list[AdministrativeUnit], day: datetime.date | None
    ) -> AdministrativeUnit | None:
        ended = [u for u in units if u.valid_to is not None and (day is None or u.valid_to < day)]
        return max(ended, key=lambda u: u.valid_to, default=None)

    @staticmethod
    def check_name(where: str, unit: AdministrativeUnit, name: str) -> list[str]:
        if not name or name.casefold() == unit.name.casefold():
            return []
        return [
            _("%(where)s: mã %(code)s là “%(unit)s”, không phải “%(name)s”.")
            % {"where": where, "code": unit.code, "unit": unit.name, "name": name}
        ]

    # --- writing ----------------------------------------------------------------------------

    def save(self, rows: list[OriginRow]) -> tuple[int, int, int]:
        """Each new unit in the file gets exactly its rows; returns (created, updated, removed)."""
        successors = {r.successor.pk for r in rows}
        existing = {
            (o.successor_id, o.predecessor_id): o
            for o in UnitOrigin.objects.filter(successor__in=successors)
        }
        created = updated = 0
        for row in rows:
            origin = existing.pop(row.key, None)
            if origin is None:
                UnitOrigin.objects.create(
                    successor=row.successor, predecessor=row.predecessor, note=row.note
                )
                created += 1
            elif origin.note != row.note:
                origin.note = row.note
                origin.save(update_fields=["note"])
                updated += 1
        for stale in existing.values():
            stale.delete()
        return created, updated, len(existing)


def _day(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"
