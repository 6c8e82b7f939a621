"""What every kind of import shares: row errors, the row's context, lookups by code, the
call into a service and the comparison with an existing record."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from enterprises.validators import normalize_tax_code, validate_tax_code
from laichau_nsc.text import fold
from standards.models import (
    CertificationBody,
    Standard,
)

from ..columns import Column, Kind, NumericCode

CREATED = "created"
UNCHANGED = "unchanged"


class RowError(Exception):
    """A row refused: ``errors`` is [(column name or "", message)]."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


def fail(column: str, message: str) -> RowError:
    return RowError([(column, message)])


@dataclass
class RowContext:
    """What a row is read with: who imports, the job's parameters, per-run caches, notes."""

    user: Any
    params: dict[str, Any]
    officer: bool = False
    notes: list[tuple[str, str]] = field(default_factory=list)
    cache: dict[Any, Any] = field(default_factory=dict)

    def cached(self, key: Any, load: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]


def _format_as_text(column_header: str, digits: str) -> str:
    return _(
        "%(column)s là số %(digits)s (Excel bỏ số 0 ở đầu khi cột không định dạng Văn bản) "
        "và không khôi phục được một cách chắc chắn. Hãy định dạng cột là Văn bản (Text) và "
        "nhập lại đủ các chữ số."
    ) % {"column": column_header, "digits": digits}


# --- Shared lookups ----------------------------------------------------------------------------


def tax_code_readings(digits: str) -> list[str]:
    """Every valid tax code the digits of a number can have come from (0-2 zeros lost)."""
    found = []
    for zeros in range(3):
        text = "0" * zeros + digits
        if len(text) not in (10, 12, 13):
            continue
        code = normalize_tax_code(text)
        try:
            validate_tax_code(code)
        except ValidationError:
            continue
        found.append(code)
    return found


def _restored(ctx: RowContext, column: str, header: str, digits: str, value: str) -> str:
    if value != digits:
        ctx.notes.append(
            (
                column,
                _("%(column)s %(digits)s được đọc là %(value)s (khôi phục số 0 ở đầu).")
                % {"column": header, "digits": digits, "value": value},
            )
        )
    return value


def tax_code_text(value: str) -> str:
    code = normalize_tax_code(value)
    digits = code.replace("-", "")
    try:
        validate_tax_code(code)
    except ValidationError as error:
        message = " ".join(error.messages)
        if digits.isascii() and digits.isdigit() and len(digits) in (9, 11):
            message += " " + _(
                "Có thể Excel đã bỏ số 0 ở đầu: hãy định dạng cột là Văn bản (Text) và nhập "
                "lại đủ các chữ số."
            )
        raise fail("tax_code", message) from None
    return code


def enterprise_scope(ctx: RowContext):
    """Enterprises the importing user may write for: all for officers, their own otherwise."""
    if ctx.officer:
        return Enterprise.objects.all()
    return Enterprise.objects.for_user(ctx.user, "change")


def find_enterprise(ctx: RowContext, value: Any, column: str = "tax_code") -> Enterprise:
    """The enterprise a row refers to by tax code, within the user's scope."""
    header = str(gettext_lazy("Mã số thuế"))
    scope = enterprise_scope(ctx)
    if isinstance(value, NumericCode):
        readings = tax_code_readings(value.digits)
        existing = list(scope.filter(tax_code__in=readings).values_list("tax_code", flat=True))
        if len(existing) != 1:
            raise fail(column, _format_as_text(header, value.digits))
        code = _restored(ctx, column, header, value.digits, existing[0])
    else:
        code = normalize_tax_code(value)

    def load():
        return scope.filter(tax_code=code).first()

    enterprise = ctx.cached(("enterprise", code), load)
    if enterprise is None:
        if ctx.officer:
            message = _(
                "Chưa có doanh nghiệp mã số thuế %(code)s; hãy nhập doanh nghiệp trước."
            ) % {"code": code}
        else:
            message = _(
                "Mã số thuế %(code)s không phải của doanh nghiệp mà tài khoản của bạn được "
                "quyền nhập."
            ) % {"code": code}
        raise fail(column, message)
    return enterprise


def find_standard(ctx: RowContext, value: Any, column: str = "standard") -> Standard:
    code = value.digits if isinstance(value, NumericCode) else value
    standard = ctx.cached(
        ("standard", fold(code)), lambda: Standard.objects.filter(code__iexact=code).first()
    )
    if standard is None:
        raise fail(
            column,
            _(
                "Không có tiêu chuẩn, công cụ có số hiệu “%(code)s” trong danh mục (ghi đúng số "
                "hiệu, ví dụ TCVN ISO 9001:2015)."
            )
            % {"code": code},
        )
    return standard


def find_body(ctx: RowContext, value: str, column: str = "body") -> CertificationBody:
    body = ctx.cached(
        ("body", fold(value)),
        lambda: (
            CertificationBody.objects.filter(Q(name__iexact=value) | Q(acronym__iexact=value))
            .order_by("pk")
            .first()
        ),
    )
    if body is None:
        raise fail(
            column,
            _(
                "Không có tổ chức chứng nhận “%(name)s” trong danh mục (ghi tên hoặc tên viết "
                "tắt như trong danh mục)."
            )
            % {"name": value},
        )
    return body


def errors_from(error: ValidationError, fields: dict[str, str]) -> RowError:
    """A service's ValidationError as row errors, each under the column of its field."""
    if hasattr(error, "error_dict"):
        found = []
        for name, messages in error.message_dict.items():
            column = fields.get(name, "")
            found += [(column, message) for message in messages]
        return RowError(found)
    return RowError([("", message) for message in error.messages])


def call_service(function: Callable, fields: dict[str, str], **kwargs) -> Any:
    try:
        return function(**kwargs)
    except ValidationError as error:
        raise errors_from(error, fields) from None
    except PermissionDenied:
        raise fail("", _("Tài khoản của bạn không được ghi bản ghi này.")) from None


def differences(
    obj, values: dict[str, Any], attrs: dict[str, str], headers: dict[str, str]
) -> list[tuple[str, str]]:
    """Filled columns whose value differs from the record's: [(column, message)]."""
    found = []
    for name, attr in attrs.items():
        given = values.get(name)
        if given is None or given == "":
            continue
        current = getattr(obj, attr)
        if hasattr(current, "pk"):
            current_cmp, given_cmp = current.pk, getattr(given, "pk", given)
        else:
            current_cmp, given_cmp = current, given
        if isinstance(current_cmp, str) and isinstance(given_cmp, str):
            same = current_cmp.strip() == given_cmp.strip()
        else:
            same = current_cmp == given_cmp
        if not same:
            found.append(
                (
                    name,
                    _(
                        "Bản ghi đã có trong hệ thống với %(column)s khác: trong hệ thống "
                        "“%(current)s”, trong tệp “%(given)s”. Nhập dữ liệu không sửa bản ghi "
                        "đã có: hãy sửa trên trang của bản ghi, hoặc bỏ dòng này."
                    )
                    % {
                        "column": headers.get(name, name),
                        "current": _shown(current),
                        "given": _shown(given),
                    },
                )
            )
    return found


def _shown(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return "" if value is None else str(value)


# --- The kinds -----------------------------------------------------------------------------------


@dataclass
class BatchRow:
    """A parsed row handed to ``ImportSpec.apply_batch``: its number in the file, its values
    and the history reason naming the import and the row."""

    number: int
    values: dict[str, Any]
    reason: str


@dataclass
class BatchResult:
    """What ``apply_batch`` made of a row: ``CREATED``, ``UNCHANGED`` or a ``RowError``, and
    the notes (restored codes) of that row."""

    result: Any
    notes: list[tuple[str, str]]


class ImportSpec:
    """One kind of import: its columns, who may use it, its key and how a row is written.

    A kind may also write a batch of rows at once (``apply_batch``), with the same rules and
    results as ``apply`` row by row; the import then hands it ``BATCH_SIZE`` rows at a time.
    """

    apply_batch: Callable[[list[BatchRow], RowContext], list[BatchResult]] | None = None

    kind: str
    file_stem: str
    columns: list[Column]
    officer_only = True
    #: Field of the model → column, to put a service's errors under the right column.
    field_columns: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        return {c.name: str(c.header) for c in self.columns}

    def key(self, values: dict[str, Any]) -> tuple | None:
        raise NotImplementedError

    def describe(self, values: dict[str, Any]) -> str:
        raise NotImplementedError

    def apply(self, values: dict[str, Any], ctx: RowContext) -> str:
        raise NotImplementedError


def _code_key(value: Any) -> str:
    return value.digits if isinstance(value, NumericCode) else str(value or "")


TAX_CODE = Column(
    "tax_code",
    gettext_lazy("Mã số thuế"),
    Kind.CODE,
    required=True,
    help=gettext_lazy(
        "10 số; chi nhánh 0123456789-001; hộ kinh doanh: số định danh cá nhân 12 số. Định dạng "
        "ô là Văn bản để giữ số 0 ở đầu."
    ),
    example="6200123456",
)


def _phone(value: Any) -> str:
    if isinstance(value, NumericCode):
        if len(value.digits) in (9, 10) and not value.digits.startswith("0"):
            return "0" + value.digits
        return value.digits
    return value
