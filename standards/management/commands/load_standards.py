"""``manage.py load_standards [PATH.csv]``: load the catalogue of standards, schemes and tools.

The CSV has the columns ``code,title_vi,kind,third_party_certified,validity_months,superseded_by,
notes``, like ``standards_catalogue.csv`` (a province's own file of the same shape loads the same
way). A standard is keyed by its code:

- the whole file is checked first (kind, boolean, validity, duplicate codes, a successor that
  names no row, a cycle of supersession) and every problem is reported with its line number;
  nothing is written while any row is bad. Codes are compared ignoring case, as the portal's
  form does ("iso 9001:2015" is the row "ISO 9001:2015", and takes the file's spelling);
- it is written in one transaction; loading the same file again changes nothing (no history
  either), and a row whose title, validity … changed in the file is updated, with a history
  record saying the file changed it;
- the file wins for the columns it has: a value an officer changed in the portal is put back
  (the history keeps both). ``--new-only`` adds the codes not yet in the catalogue and leaves
  existing rows as they are; ``seed_demo`` uses it so that a second ``make run`` keeps what was
  edited in the portal. Rows in the catalogue but not in the file are left alone, and whether a
  standard is in use (deactivated in the portal) is never touched.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.management.csvdata import raise_if_errors, read_rows
from laichau_nsc.text import fold, normalize_code, normalize_text
from standards.choices import StandardKind
from standards.models import Standard

FILENAME = "standards_catalogue.csv"
BUNDLED_DIR = Path(__file__).resolve().parent.parent.parent / "data"
COLUMNS = (
    "code",
    "title_vi",
    "kind",
    "third_party_certified",
    "validity_months",
    "superseded_by",
    "notes",
)
TRUE_WORDS = frozenset({"true", "1", "yes", "co", "x"})
FALSE_WORDS = frozenset({"false", "0", "no", "khong"})
# PositiveSmallIntegerField's ceiling; a real scheme stays far below it.
MAX_VALIDITY = 32767
CODE_MAX = Standard._meta.get_field("code").max_length
TITLE_MAX = Standard._meta.get_field("title").max_length


def default_path() -> Path:
    """The shared reference file when the shared folder is there, else the copy in the repo."""
    shared = Path(settings.BASE_DIR).parent / "shared" / "data" / FILENAME
    return shared if shared.is_file() else BUNDLED_DIR / FILENAME


@dataclass
class StandardRow:
    line: int
    code: str
    title: str
    kind: str
    third_party_certified: bool
    validity_months: int | None
    superseded_by: str  # a code, or ""
    notes: str

    @property
    def key(self) -> str:
        return self.code.casefold()

    @property
    def successor_key(self) -> str:
        return self.superseded_by.casefold()

    def values(self) -> dict:
        """The model fields this row sets (the successor is resolved when writing)."""
        return {
            "code": self.code,
            "title": self.title,
            "kind": self.kind,
            "third_party_certified": self.third_party_certified,
            "validity_months": self.validity_months,
            "notes": self.notes,
        }


class Command(BaseCommand):
    help = (
        "Nạp danh mục tiêu chuẩn, chương trình chứng nhận và công cụ năng suất từ tệp CSV "
        "(code,title_vi,kind,third_party_certified,validity_months,superseded_by,notes). "
        "Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help=_("Tệp CSV; mặc định là %(file)s trong dữ liệu tham chiếu.") % {"file": FILENAME},
        )
        parser.add_argument(
            "--new-only",
            action="store_true",
            help=_(
                "Chỉ thêm các số hiệu chưa có trong danh mục; không sửa các dòng đã có "
                "(giữ những gì cán bộ đã sửa trên cổng)."
            ),
        )

    def handle(self, *args, path: Path | None = None, new_only: bool = False, **options) -> None:
        path = path or default_path()
        rows = self.parse(path, new_only=new_only)
        with transaction.atomic():
            created, updated = self.save(rows, path=path, new_only=new_only)
        if options["verbosity"]:
            self.stdout.write(
                _(
                    "Danh mục tiêu chuẩn từ %(path)s: %(total)d dòng, thêm mới %(created)d, "
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

    def parse(self, path: Path, *, new_only: bool = False) -> list[StandardRow]:
        rows: list[StandardRow] = []
        errors: list[str] = []
        seen: dict[str, int] = {}
        for line, raw in read_rows(path, COLUMNS):
            row, row_errors = self.parse_row(line, raw)
            errors += row_errors
            if row is None:
                continue
            if row.key in seen:
                errors.append(
                    _("Dòng %(line)d: số hiệu %(code)s đã có ở dòng %(other)d.")
                    % {"line": line, "code": row.code, "other": seen[row.key]}
                )
                continue
            seen[row.key] = line
            rows.append(row)
        if not rows and not errors:
            errors.append(_("Tệp không có dòng dữ liệu nào."))
        errors += self.check_successors(rows, new_only=new_only)
        raise_if_errors(path, errors)
        return rows

    def parse_row(self, line: int, raw: dict[str, str]) -> tuple[StandardRow | None, list[str]]:
        where = _("Dòng %(line)d") % {"line": line}
        errors: list[str] = []
        code = normalize_code(raw["code"])
        title = normalize_text(raw["title_vi"])
        successor = normalize_code(raw["superseded_by"])
        if not code:
            errors.append(_("%(where)s: thiếu số hiệu (code).") % {"where": where})
        elif len(code) > CODE_MAX:
            errors.append(
                _("%(where)s: số hiệu dài quá %(max)d ký tự.") % {"where": where, "max": CODE_MAX}
            )
        if not title:
            errors.append(_("%(where)s: thiếu tên (title_vi).") % {"where": where})
        elif len(title) > TITLE_MAX:
            errors.append(
                _("%(where)s: tên dài quá %(max)d ký tự.") % {"where": where, "max": TITLE_MAX}
            )
        if raw["kind"] not in StandardKind.values:
            errors.append(
                _("%(where)s: loại “%(kind)s” không hợp lệ; dùng một trong: %(allowed)s.")
                % {"where": where, "kind": raw["kind"], "allowed": ", ".join(StandardKind.values)}
            )
        certified = self.parse_boolean(raw["third_party_certified"])
        if certified is None:
            errors.append(
                _(
                    "%(where)s: third_party_certified là “%(value)s”; chỉ nhận true hoặc false "
                    "(hoặc 1/0, có/không)."
                )
                % {"where": where, "value": raw["third_party_certified"]}
            )
        validity, validity_error = self.parse_validity(raw["validity_months"])
        if validity_error:
            errors.append(f"{where}: {validity_error}")
        elif validity is not None and certified is False:
            errors.append(
                _(
                    "%(where)s: chỉ ghi thời hạn chứng chỉ (validity_months) cho tiêu chuẩn được "
                    "tổ chức bên thứ ba chứng nhận (third_party_certified = true)."
                )
                % {"where": where}
            )
        if code and successor.casefold() == code.casefold():
            errors.append(
                _("%(where)s: %(code)s không thể được thay thế bởi chính nó.")
                % {"where": where, "code": code}
            )
        if errors:
            return None, errors
        row = StandardRow(
            line=line,
            code=code,
            title=title,
            kind=raw["kind"],
            third_party_certified=bool(certified),
            validity_months=validity,
            superseded_by=successor,
            notes=normalize_text(raw["notes"], multiline=True),
        )
        return row, []

    @staticmethod
    def parse_boolean(value: str) -> bool | None:
        word = fold(value)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return None

    @staticmethod
    def parse_validity(value: str) -> tuple[int | None, str]:
        """(months or None, error message or "")."""
        if not value:
            return None, ""
        try:
            months = int(value)
        except ValueError:
            return None, _("validity_months “%(value)s” không phải số nguyên.") % {"value": value}
        if months <= 0:
            return None, _("validity_months phải là số tháng lớn hơn 0 (đang là %(value)s).") % {
                "value": value
            }
        if months > MAX_VALIDITY:
            return None, _("validity_months quá lớn (%(value)s tháng).") % {"value": value}
        return months, ""

    def check_successors(self, rows: list[StandardRow], *, new_only: bool) -> list[str]:
        """Every successor names a row of the file or a standard already loaded, and following
        the successors as they will be after loading never comes back to where it started."""
        pairs = list(Standard.objects.values_list("code", "superseded_by__code"))
        loaded = {code.casefold(): (successor or "").casefold() for code, successor in pairs}
        spelled = {code.casefold(): code for code, _successor in pairs}
        in_file = {row.key for row in rows}
        errors = []
        for row in rows:
            known = row.successor_key in in_file or row.successor_key in loaded
            if row.superseded_by and not known:
                errors.append(
                    _(
                        "Dòng %(line)d: superseded_by “%(code)s” không phải số hiệu của dòng nào "
                        "trong tệp, cũng chưa có trong danh mục."
                    )
                    % {"line": row.line, "code": row.superseded_by}
                )
        if errors:
            return errors
        successor = dict(loaded)
        for row in rows:
            if not (new_only and row.key in loaded):
                successor[row.key] = row.successor_key
        by_key = {row.key: row for row in rows}
        spelled.update((row.key, row.code) for row in rows)
        reported: set[str] = set()
        for row in rows:
            cycle = self.cycle_from(row.key, successor)
            if cycle and not reported.intersection(cycle):
                reported.update(cycle)
                names = [spelled[k] for k in cycle]
                errors.append(
                    _("Dòng %(line)d: vòng thay thế khép kín: %(chain)s.")
                    % {
                        "line": min(by_key[k].line for k in cycle if k in by_key),
                        "chain": " → ".join([*names, names[0]]),
                    }
                )
        return errors

    @staticmethod
    def cycle_from(key: str, successor: dict[str, str]) -> list[str]:
        """The keys of the cycle reached by following successors from ``key`` ([] if none)."""
        path: list[str] = []
        while key and key not in path:
            path.append(key)
            key = successor.get(key, "")
        return path[path.index(key) :] if key else []

    # --- writing ----------------------------------------------------------------------------

    def save(self, rows: list[StandardRow], *, path: Path, new_only: bool) -> tuple[int, int]:
        """Create or update each row, a successor before the rows it replaces, so that a new
        standard is created with its link (one history record, not two)."""
        standards = {s.code.casefold(): s for s in Standard.objects.all()}
        reason = _("Nạp từ tệp %(file)s") % {"file": path.name}
        created = updated = 0
        for row in self.successors_first(rows):
            fields = row.values()
            target = standards.get(row.successor_key)
            fields["superseded_by_id"] = target.pk if target else None
            standard = standards.get(row.key)
            if standard is None:
                standard = Standard(**fields)
                standard._change_reason = reason
                standard.save()
                standards[row.key] = standard
                created += 1
            elif not new_only and any(getattr(standard, f) != v for f, v in fields.items()):
                for field, value in fields.items():
                    setattr(standard, field, value)
                # A portal edit form opened before this load must not overwrite it unseen.
                standard.version += 1
                standard._change_reason = reason
                standard.save()
                updated += 1
        return created, updated

    @staticmethod
    def successors_first(rows: list[StandardRow]) -> list[StandardRow]:
        by_key = {row.key: row for row in rows}
        ordered: list[StandardRow] = []
        placed: set[str] = set()
        for row in rows:
            chain = []
            node: StandardRow | None = row
            while node is not None and node.key not in placed:  # no cycles: checked above
                chain.append(node)
                placed.add(node.key)
                node = by_key.get(node.successor_key)
            ordered.extend(reversed(chain))
        return ordered
