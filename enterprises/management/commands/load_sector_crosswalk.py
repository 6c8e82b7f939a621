"""``manage.py load_sector_crosswalk [PATH.csv]``: the official VSIC 2018 → 2025 crosswalk.

The CSV has the columns ``code_2018,code_2025,note``, like ``vsic2018_to_2025.csv``: one row
per pair, so a split division has a row for each division it went to. Both versions must be
loaded first (``load_sectors --version VSIC2018`` and ``--version VSIC2025``). The file is the
whole crosswalk: it is checked first and written in one transaction, loading it again changes
nothing, and pairs that a corrected file no longer has are removed.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.choices import ClassificationVersion
from enterprises.management.csvdata import default_data_path, raise_if_errors, read_rows
from enterprises.models import Sector, SectorCrosswalk

FILENAME = "vsic2018_to_2025.csv"
SOURCE, TARGET = ClassificationVersion.VSIC2018, ClassificationVersion.VSIC2025
COLUMNS = ("code_2018", "code_2025", "note")


@dataclass
class PairRow:
    line: int
    source: Sector
    target: Sector
    note: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.source.pk, self.target.pk)


class Command(BaseCommand):
    help = (
        "Nạp bảng chuyển đổi ngành kinh tế VSIC 2018 → VSIC 2025 từ tệp CSV "
        "(code_2018,code_2025,note). Chạy lại nhiều lần không tạo bản ghi trùng."
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
                    "Bảng chuyển đổi %(source)s → %(target)s từ %(path)s: %(total)d cặp; thêm "
                    "mới %(created)d, cập nhật %(updated)d, bỏ %(removed)d."
                )
                % {
                    "source": SOURCE,
                    "target": TARGET,
                    "path": path,
                    "total": len(rows),
                    "created": created,
                    "updated": updated,
                    "removed": removed,
                }
            )

    # --- checking ---------------------------------------------------------------------------

    def parse(self, path: Path) -> list[PairRow]:
        sectors = {
            version: {s.code: s for s in Sector.objects.filter(version=version)}
            for version in (SOURCE, TARGET)
        }
        rows: list[PairRow] = []
        errors: list[str] = []
        seen: dict[tuple[int, int], int] = {}
        for line, raw in read_rows(path, COLUMNS):
            row_errors = []
            found = {}
            for column, version in (("code_2018", SOURCE), ("code_2025", TARGET)):
                code = raw[column]
                if not code:
                    row_errors.append(
                        _("Dòng %(line)d: thiếu %(column)s.") % {"line": line, "column": column}
                    )
                elif code not in sectors[version]:
                    row_errors.append(
                        _("Dòng %(line)d: không có ngành mã %(code)s trong %(version)s.")
                        % {"line": line, "code": code, "version": version}
                    )
                else:
                    found[version] = sectors[version][code]
            if not row_errors:
                row = PairRow(line, found[SOURCE], found[TARGET], raw["note"])
                if row.key in seen:
                    row_errors.append(
                        _("Dòng %(line)d: cặp %(source)s → %(target)s đã có ở dòng %(other)d.")
                        % {
                            "line": line,
                            "source": raw["code_2018"],
                            "target": raw["code_2025"],
                            "other": seen[row.key],
                        }
                    )
                else:
                    seen[row.key] = line
                    rows.append(row)
            errors += row_errors
        if not rows and not errors:
            errors.append(_("Tệp không có dòng dữ liệu nào."))
        raise_if_errors(path, errors)
        return rows

    # --- writing ----------------------------------------------------------------------------

    def save(self, rows: list[PairRow]) -> tuple[int, int, int]:
        """The crosswalk becomes the file's pairs; returns (created, updated, removed)."""
        existing = {
            (p.source_id, p.target_id): p
            for p in SectorCrosswalk.objects.filter(source__version=SOURCE, target__version=TARGET)
        }
        created = updated = 0
        for row in rows:
            pair = existing.pop(row.key, None)
            if pair is None:
                SectorCrosswalk.objects.create(source=row.source, target=row.target, note=row.note)
                created += 1
            elif pair.note != row.note:
                pair.note = row.note
                pair.save(update_fields=["note"])
                updated += 1
        for stale in existing.values():
            stale.delete()
        return created, updated, len(existing)
