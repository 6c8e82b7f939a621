"""Reading the reference CSV files that the loading commands take.

Errors are collected per row and raised together, so an officer fixing a file sees every
problem at once, and nothing is written until the whole file is valid.
"""

import csv
import datetime
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from laichau_nsc.text import nfc

ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "data"


def default_data_path(filename: str) -> Path:
    """The shared reference file when the shared folder is there, else the copy in the repo."""
    shared = Path(settings.BASE_DIR).parent / "shared" / "data" / filename
    return shared if shared.is_file() else BUNDLED_DIR / filename


def read_rows(path: Path, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, row)`` with every value stripped and in NFC.

    Raises ``CommandError`` when the file cannot be read or lacks one of ``columns``.
    """
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CommandError(
            _("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(
                _("Tệp %(path)s thiếu cột: %(columns)s (cần có: %(expected)s).")
                % {"path": path, "columns": ", ".join(missing), "expected": ", ".join(columns)}
            )
        try:
            for row in reader:
                if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                    continue  # a blank line
                yield reader.line_num, {c: nfc((row.get(c) or "").strip()) for c in columns}
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(
                _("Tệp %(path)s không phải CSV UTF-8 hợp lệ (dòng %(line)s): %(error)s")
                % {"path": path, "line": reader.line_num, "error": exc}
            ) from None


def parse_date(value: str) -> datetime.date | None:
    """``yyyy-mm-dd`` or empty; ``ValueError`` otherwise (also for 2025-02-30)."""
    if not value:
        return None
    if not ISO_DATE_RE.fullmatch(value):
        raise ValueError(value)
    return datetime.date.fromisoformat(value)


def raise_if_errors(path: Path, errors: list[str]) -> None:
    if errors:
        raise CommandError(
            _("Tệp %(path)s có %(count)d lỗi, chưa ghi dòng nào:\n%(errors)s")
            % {"path": path, "count": len(errors), "errors": "\n".join(errors)}
        )
