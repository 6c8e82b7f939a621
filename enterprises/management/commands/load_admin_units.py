"""``manage.py load_admin_units [PATH.csv]``: load a province's administrative units.

The CSV has the columns ``code,name,level,parent_code,valid_from,valid_to`` (dates
``yyyy-mm-dd`` or empty), like ``laichau_admin_units.csv``. A unit is keyed by
``(code, valid_from)``: loading the same file again changes nothing, and a corrected file
updates names, levels, end dates and parents in place. The whole file is checked first and
written in one transaction, so a bad row leaves the database as it was.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.choices import UnitLevel
from enterprises.management.csvdata import default_data_path, parse_date, raise_if_errors, read_rows
from enterprises.models import AdministrativeUnit

FILENAME = "laichau_admin_units.csv"
COLUMNS = ("code", "name", "level", "parent_code", "valid_from", "valid_to")

Key = tuple[str, datetime.date | None]


@dataclass
class UnitRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    parent_key: Key | None = None

    @property
    def key(self) -> Key:
        return (self.code, self.valid_from)


@dataclass(frozen=True)
class Period:
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    def covers(self, day: datetime.date | None) -> bool:
        if day is None:  # a child that always existed needs a parent that always existed
            return self.valid_from is None
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Command(BaseCommand):
    help = (
        "Nạp đơn vị hành chính từ tệp CSV (code,name,level,parent_code,valid_from,valid_to). "
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
            created, updated = self.save(rows)
        if options["verbosity"]:
            self.stdout.write(
                _(
                    "Đơn vị hành chính từ %(path)s: %(total)d dòng, thêm mới %(created)d, "
                    "cập nhật %(updated)d, giữ nguyên %(same)d."
                )
                % {
                    "path": path,
                    "total": len(rows),
                    "created": created,
                    "updated": updated,
                    "same": len(rows) - created - updated,
                }
            )

    # --- checking ---------------------------------------------------------------------------

    def parse(self, path: Path) -> list[UnitRow]:
        rows: list[UnitRow] = []
        errors: list[str] = []
        seen: dict[Key, int] = {}
        for line, raw in read_rows(path, COLUMNS):
            row, row_errors = self.parse_row(line, raw)
            errors += row_errors
            if row is None:
                continue
            if row.key in seen:
                errors.append(
                    _("Dòng %(line)d: mã %(code)s với cùng ngày hiệu lực đã có ở dòng %(other)d.")
                    % {"line": line, "code": row.code, "other": seen[row.key]}
                )
                continue
            seen[row.key] = line
            rows.append(row)
        if not rows and not errors:
            errors.append(_("Tệp không có dòng dữ liệu nào."))
        errors += self.resolve_parents(rows)
        raise_if_errors(path, errors)
        return rows

    def parse_row(self, line: int, raw: dict[str, str]) -> tuple[UnitRow | None, list[str]]:
        errors = []
        where = _("Dòng %(line)d") % {"line": line}
        if not raw["code"]:
            errors.append(_("%(where)s: thiếu mã đơn vị (code).") % {"where": where})
        elif len(raw["code"]) > 10:
            errors.append(_("%(where)s: mã đơn vị dài quá 10 ký tự.") % {"where": where})
        if not raw["name"]:
            errors.append(_("%(where)s: thiếu tên đơn vị (name).") % {"where": where})
        elif len(raw["name"]) > 200:
            errors.append(_("%(where)s: tên đơn vị dài quá 200 ký tự.") % {"where": where})
        if raw["level"] not in UnitLevel.values:
            errors.append(
                _("%(where)s: cấp “%(level)s” không hợp lệ; dùng một trong: %(allowed)s.")
                % {"where": where, "level": raw["level"], "allowed": ", ".join(UnitLevel.values)}
            )
        dates = {}
        for column in ("valid_from", "valid_to"):
            try:
                dates[column] = parse_date(raw[column])
            except ValueError:
                errors.append(
                    _("%(where)s: ngày “%(value)s” ở cột %(column)s không hợp lệ (yyyy-mm-dd).")
                    % {"where": where, "value": raw[column], "column": column}
                )
        start, end = dates.get("valid_from"), dates.get("valid_to")
        if start and end and end < start:
            errors.append(
                _("%(where)s: ngày hết hiệu lực trước ngày bắt đầu hiệu lực.") % {"where": where}
            )
        if raw["parent_code"] and raw["parent_code"] == raw["code"]:
            errors.append(
                _("%(where)s: đơn vị không thể là cấp trên của chính nó.") % {"where": where}
            )
        if errors:
            return None, errors
        row = UnitRow(line, raw["code"], raw["name"], raw["level"], raw["parent_code"], start, end)
        return row, []

    def resolve_parents(self, rows: list[UnitRow]) -> list[str]:
        """Point each row at the unit of ``parent_code`` valid on the row's first day.

        Candidates are the file's rows and the units already loaded. When none of them was valid
        on that day, the latest one is taken and a warning printed.
        """
        periods: dict[str, dict[Key, Period]] = {}
        for code, start, end in AdministrativeUnit.objects.values_list(
            "code", "valid_from", "valid_to"
        ):
            periods.setdefault(code, {})[(code, start)] = Period(start, end)
        for row in rows:
            periods.setdefault(row.code, {})[row.key] = Period(row.valid_from, row.valid_to)
        errors = []
        for row in rows:
            if not row.parent_code:
                continue
            candidates = periods.get(row.parent_code)
            if not candidates:
                errors.append(
                    _("Dòng %(line)d: không tìm thấy đơn vị cấp trên có mã %(parent)s.")
                    % {"line": row.line, "parent": row.parent_code}
                )
                continue
            row.parent_key = self.pick_parent(row, candidates)
        return errors

    def pick_parent(self, row: UnitRow, candidates: dict[Key, Period]) -> Key:
        def latest(keys: list[Key]) -> Key:
            return max(keys, key=lambda k: k[1] or datetime.date.min)

        valid = [k for k, period in candidates.items() if period.covers(row.valid_from)]
        if valid:
            return latest(valid)
        chosen = latest(list(candidates))
        self.stderr.write(
            _(
                "Cảnh báo – dòng %(line)d: không có đơn vị cấp trên mã %(parent)s còn hiệu lực "
                "vào ngày %(day)s; dùng đơn vị hiệu lực từ %(start)s."
            )
            % {
                "line": row.line,
                "parent": row.parent_code,
                "day": row.valid_from or "…",
                "start": chosen[1] or "…",
            }
        )
        return chosen

    # --- writing ----------------------------------------------------------------------------

    def save(self, rows: list[UnitRow]) -> tuple[int, int]:
        """Create or update every row, then link parents; returns (created, updated)."""
        units: dict[Key, AdministrativeUnit] = {
            (u.code, u.valid_from): u for u in AdministrativeUnit.objects.all()
        }
        created: set[Key] = set()
        updated: set[Key] = set()
        for row in rows:
            fields = {"name": row.name, "level": row.level, "valid_to": row.valid_to}
            unit = units.get(row.key)
            if unit is None:
                units[row.key] = AdministrativeUnit.objects.create(
                    code=row.code, valid_from=row.valid_from, **fields
                )
                created.add(row.key)
            elif any(getattr(unit, f) != v for f, v in fields.items()):
                for field, value in fields.items():
                    setattr(unit, field, value)
                unit.save(update_fields=list(fields))
                updated.add(row.key)
        for row in rows:
            unit = units[row.key]
            parent_id = units[row.parent_key].pk if row.parent_key else None
            if unit.parent_id != parent_id:
                unit.parent_id = parent_id
                unit.save(update_fields=["parent"])
                if row.key not in created:
                    updated.add(row.key)
        return len(created), len(updated)
