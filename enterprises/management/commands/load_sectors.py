"""``manage.py load_sectors [PATH.csv] --version VSIC2018``: load one classification version.

Without a path, ``--version VSIC2025`` loads ``vsic2025.csv`` and no option ``vsic2018.csv``.

The CSV has the columns ``code,level,parent_code,name_vi,name_en`` (sections and divisions, each
division's parent is its section), like ``vsic2018.csv``. Rows are keyed by ``(version, code)``,
so loading again changes nothing and VSIC 2025 loads beside VSIC 2018 without touching it. The
file is checked first and written in one transaction.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.choices import ClassificationVersion, SectorLevel
from enterprises.management.csvdata import default_data_path, raise_if_errors, read_rows
from enterprises.models import Sector

COLUMNS = ("code", "level", "parent_code", "name_vi", "name_en")
DEFAULT_VERSION = ClassificationVersion.VSIC2018
DEFAULT_FILES = {
    ClassificationVersion.VSIC2018: "vsic2018.csv",
    ClassificationVersion.VSIC2025: "vsic2025.csv",
}
# A division's parent is a section; a section has none.
PARENT_LEVEL = {SectorLevel.DIVISION: SectorLevel.SECTION}


@dataclass
class SectorRow:
    line: int
    code: str
    level: str
    parent_code: str
    name: str
    name_en: str


class Command(BaseCommand):
    help = (
        "Nạp hệ thống ngành kinh tế (ngành cấp 1 và cấp 2) của một phiên bản từ tệp CSV "
        "(code,level,parent_code,name_vi,name_en). Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Django gives every command a ``--version`` (Django's version); ours names the
        # classification and replaces it.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help=_("Tệp CSV."))
        parser.add_argument(
            "--version",
            choices=ClassificationVersion.values,
            help=_(
                "Phiên bản hệ thống ngành của tệp. Bắt buộc khi chỉ định tệp; không chỉ định "
                "tệp thì nạp tệp của phiên bản đó (mặc định VSIC2018) từ dữ liệu tham chiếu."
            ),
        )

    def handle(self, *args, path: Path | None = None, version: str | None = None, **options):
        if path is None:
            version = version or DEFAULT_VERSION
            if version not in DEFAULT_FILES:
                raise CommandError(
                    _("Chưa có tệp mặc định cho %(version)s; hãy chỉ định tệp CSV.")
                    % {"version": version}
                )
            path = default_data_path(DEFAULT_FILES[version])
        elif not version:
            raise CommandError(
                _("Hãy cho biết phiên bản của tệp, ví dụ --version %(example)s.")
                % {"example": ClassificationVersion.VSIC2018}
            )
        rows = self.parse(path, version)
        with transaction.atomic():
            created, updated = self.save(rows, version)
        if options["verbosity"]:
            counts = {level: sum(r.level == level for r in rows) for level in SectorLevel.values}
            self.stdout.write(
                _(
                    "Ngành kinh tế %(version)s từ %(path)s: %(sections)d ngành cấp 1, "
                    "%(divisions)d ngành cấp 2; thêm mới %(created)d, cập nhật %(updated)d."
                )
                % {
                    "version": version,
                    "path": path,
                    "sections": counts[SectorLevel.SECTION],
                    "divisions": counts[SectorLevel.DIVISION],
                    "created": created,
                    "updated": updated,
                }
            )

    # --- checking ---------------------------------------------------------------------------

    def parse(self, path: Path, version: str) -> list[SectorRow]:
        rows: list[SectorRow] = []
        errors: list[str] = []
        seen: dict[str, int] = {}
        for line, raw in read_rows(path, COLUMNS):
            row_errors = self.check_row(line, raw)
            if not row_errors and raw["code"] in seen:
                row_errors.append(
                    _("Dòng %(line)d: mã ngành %(code)s đã có ở dòng %(other)d.")
                    % {"line": line, "code": raw["code"], "other": seen[raw["code"]]}
                )
            errors += row_errors
            if not row_errors:
                seen[raw["code"]] = line
                rows.append(
                    SectorRow(
                        line,
                        raw["code"],
                        raw["level"],
                        raw["parent_code"],
                        raw["name_vi"],
                        raw["name_en"],
                    )
                )
        if not rows and not errors:
            errors.append(_("Tệp không có dòng dữ liệu nào."))
        errors += self.check_parents(rows, version)
        raise_if_errors(path, errors)
        return rows

    def check_row(self, line: int, raw: dict[str, str]) -> list[str]:
        where = _("Dòng %(line)d") % {"line": line}
        errors = []
        if not raw["code"]:
            errors.append(_("%(where)s: thiếu mã ngành (code).") % {"where": where})
        elif len(raw["code"]) > 10:
            errors.append(_("%(where)s: mã ngành dài quá 10 ký tự.") % {"where": where})
        if raw["level"] not in SectorLevel.values:
            errors.append(
                _("%(where)s: cấp “%(level)s” không hợp lệ; dùng một trong: %(allowed)s.")
                % {"where": where, "level": raw["level"], "allowed": ", ".join(SectorLevel.values)}
            )
        if not raw["name_vi"]:
            errors.append(_("%(where)s: thiếu tên ngành (name_vi).") % {"where": where})
        for column in ("name_vi", "name_en"):
            if len(raw[column]) > 300:
                errors.append(
                    _("%(where)s: %(column)s dài quá 300 ký tự.")
                    % {"where": where, "column": column}
                )
        return errors

    def check_parents(self, rows: list[SectorRow], version: str) -> list[str]:
        """A division names a section of the same version, in the file or already loaded."""
        levels = dict(Sector.objects.filter(version=version).values_list("code", "level"))
        levels.update({r.code: r.level for r in rows})
        errors = []
        for row in rows:
            wanted = PARENT_LEVEL.get(row.level)
            if wanted is None:
                if row.parent_code:
                    errors.append(
                        _("Dòng %(line)d: ngành cấp 1 %(code)s không được có ngành cấp trên.")
                        % {"line": row.line, "code": row.code}
                    )
            elif not row.parent_code:
                errors.append(
                    _("Dòng %(line)d: ngành %(code)s thiếu mã ngành cấp trên (parent_code).")
                    % {"line": row.line, "code": row.code}
                )
            elif levels.get(row.parent_code) != wanted:
                errors.append(
                    _(
                        "Dòng %(line)d: không tìm thấy ngành cấp 1 có mã %(parent)s "
                        "trong phiên bản %(version)s."
                    )
                    % {"line": row.line, "parent": row.parent_code, "version": version}
                )
        return errors

    # --- writing ----------------------------------------------------------------------------

    def save(self, rows: list[SectorRow], version: str) -> tuple[int, int]:
        """Create or update sections first, then divisions; returns (created, updated)."""
        sectors = {s.code: s for s in Sector.objects.filter(version=version)}
        created = updated = 0
        order = {SectorLevel.SECTION: 0, SectorLevel.DIVISION: 1}
        for row in sorted(rows, key=lambda r: order[r.level]):
            fields = {
                "level": row.level,
                "name": row.name,
                "name_en": row.name_en,
                "parent_id": sectors[row.parent_code].pk if row.parent_code else None,
            }
            sector = sectors.get(row.code)
            if sector is None:
                sectors[row.code] = Sector.objects.create(version=version, code=row.code, **fields)
                created += 1
            elif any(getattr(sector, f) != v for f, v in fields.items()):
                for field, value in fields.items():
                    setattr(sector, field, value)
                sector.save(update_fields=["level", "name", "name_en", "parent"])
                updated += 1
        return created, updated
