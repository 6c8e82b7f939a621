"""What each kind of import reads and how a row becomes records, through the pages' services.

A row is written with the same service a page calls (``enterprise_create``, ``adoption_create``,
``certificate_create``, ``product_create``, ``enrollment_create``), so its rules, its scoping and
its history are the pages'. Declarations that were only recorded (not filed) have no page service
yet; ``declaration_record`` below checks them with ``full_clean`` and the cross-checks a page
would make.

**Natural keys, and why re-importing changes nothing.** Every row names its record by a key:
tax code (enterprise), enterprise + standard (adoption), certification body + number
(certificate, numbers compared as the certificate services compare them), GTIN or enterprise +
name (product), enterprise + kind + standard + date + number (declaration), course + person
(participant: folded name and phone digits). A row whose record already exists with the same
values in the filled columns is "unchanged" and writes nothing. A row whose record exists with
*other* values is refused (it names the column and both values): an import never overwrites what
someone edited on a page. Blank cells mean "not given" and never conflict.

**Codes that Excel turned into numbers.** A number in a code column is restored only when exactly
one reading is valid, and the row notes it; otherwise it is refused asking for a text column:

- tax code: the digits with 0, 1 or 2 leading zeros written back, read as 10 digits, 12 digits
  (personal ID: only for a household business or production establishment) or a branch
  (10 + 3); for an enterprise row the reading must be a valid code, for rows that refer to an
  enterprise it must exist in the database. So 102345678 becomes 0102345678 when that is the
  only valid reading; 6200123456 is refused for a household business (both it and 006200123456
  read as valid);
- GTIN: Vietnamese GTINs start with 893, so no zero can have been lost: kept when valid; a
  12-digit number is read as 0 + 12 digits (a UPC-A) when that is valid;
- phone: a Vietnamese number starts with 0 or +84, so a 9- or 10-digit number gets its 0 back;
- VSIC division: two digits (1 → 01); administrative unit: the one existing unit among the
  digits padded to 2, 3 or 5 digits;
- any other code (a certificate number, a prefix): refused.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.choices import (
    CURRENT_SECTOR_VERSION,
    EnterpriseStatus,
    LegalForm,
    SectorLevel,
    SizeClass,
)
from enterprises.models import AdministrativeUnit, Enterprise, Sector
from enterprises.validators import normalize_tax_code, validate_tax_code
from laichau_nsc.roles import is_officer
from laichau_nsc.text import fold
from standards import gs1
from standards.choices import (
    AdoptionStatus,
    DeclarationBasis,
    DeclarationKind,
    DeclarationState,
    ProductCategory,
)
from standards.models import (
    Adoption,
    BarcodeRegistration,
    Certificate,
    CertificationBody,
    Declaration,
    Product,
    Standard,
)

from .choices import ImportKind
from .columns import Column, Kind, NumericCode

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


def tax_code_text(value: str, header: str) -> str:
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


def _errors_from(error: ValidationError, fields: dict[str, str]) -> RowError:
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
        raise _errors_from(error, fields) from None
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
            same = fold(current_cmp) == fold(given_cmp) and current_cmp.strip() == given_cmp.strip()
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


class ImportSpec:
    """One kind of import: its columns, who may use it, its key and how a row is written."""

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


class EnterpriseImport(ImportSpec):
    kind = ImportKind.ENTERPRISES
    file_stem = "doanh-nghiep"
    columns = [
        TAX_CODE,
        Column(
            "name",
            gettext_lazy("Tên doanh nghiệp"),
            required=True,
            example="Hợp tác xã Chè Tam Đường",
        ),
        Column("short_name", gettext_lazy("Tên viết tắt"), example="HTX Chè Tam Đường"),
        Column(
            "legal_form",
            gettext_lazy("Loại hình"),
            Kind.CHOICE,
            required=True,
            choices=LegalForm.choices,
            example=str(LegalForm.COOPERATIVE.label),
        ),
        Column("size_class", gettext_lazy("Quy mô"), Kind.CHOICE, choices=SizeClass.choices),
        Column(
            "sector",
            gettext_lazy("Mã ngành VSIC 2025 (cấp 2)"),
            Kind.CODE,
            help=gettext_lazy("Mã ngành cấp 2 theo VSIC 2025, ví dụ 01 hoặc 10."),
            example="01",
        ),
        Column(
            "admin_unit",
            gettext_lazy("Mã đơn vị hành chính"),
            Kind.CODE,
            help=gettext_lazy("Mã xã, phường hoặc tỉnh đang có hiệu lực."),
        ),
        Column("address", gettext_lazy("Địa chỉ trụ sở"), example="Xã Tam Đường, tỉnh Lai Châu"),
        Column("representative", gettext_lazy("Người đại diện")),
        Column("representative_title", gettext_lazy("Chức vụ")),
        Column("phone", gettext_lazy("Điện thoại"), Kind.CODE, example="0213 3876 123"),
        Column("email", gettext_lazy("Thư điện tử")),
        Column("website", gettext_lazy("Trang web")),
        Column("employees", gettext_lazy("Số lao động"), Kind.INT, example="25"),
        Column("founded_on", gettext_lazy("Ngày thành lập"), Kind.DATE, example="15/03/2015"),
        Column("status", gettext_lazy("Trạng thái"), Kind.CHOICE, choices=EnterpriseStatus.choices),
    ]
    field_columns = {c.name: c.name for c in columns}

    def key(self, values):
        return ("tax_code", _code_key(values.get("tax_code")))

    def describe(self, values):
        return f"{_code_key(values.get('tax_code'))} – {values.get('name') or ''}"

    def _tax_code(self, values, ctx) -> str:
        header = str(TAX_CODE.header)
        value = values["tax_code"]
        if not isinstance(value, NumericCode):
            return tax_code_text(value, header)
        personal_ok = values.get("legal_form") in (LegalForm.HOUSEHOLD, LegalForm.ESTABLISHMENT)
        readings = [
            code
            for code in tax_code_readings(value.digits)
            if personal_ok or len(code) != 12 or "-" in code
        ]
        if len(readings) != 1:
            raise fail("tax_code", _format_as_text(header, value.digits))
        return _restored(ctx, "tax_code", header, value.digits, readings[0])

    def _sector(self, value, ctx) -> Sector | None:
        if value is None:
            return None
        code = value.digits.zfill(2) if isinstance(value, NumericCode) else value
        sector = ctx.cached(
            ("sector", code),
            lambda: Sector.objects.filter(
                version=CURRENT_SECTOR_VERSION, level=SectorLevel.DIVISION, code=code
            ).first(),
        )
        if sector is None:
            raise fail(
                "sector",
                _("Không có ngành cấp 2 mã %(code)s trong VSIC 2025.") % {"code": code},
            )
        return sector

    def _unit(self, value, ctx) -> AdministrativeUnit | None:
        if value is None:
            return None
        today = timezone.localdate()
        codes = (
            [value.digits.zfill(n) for n in (2, 3, 5)]
            if isinstance(value, NumericCode)
            else [value]
        )

        def load():
            return list(AdministrativeUnit.objects.valid_on(today).filter(code__in=set(codes)))

        units = ctx.cached(("units", tuple(codes)), load)
        if len(units) != 1:
            if isinstance(value, NumericCode) and len(units) > 1:
                raise fail("admin_unit", _format_as_text(_("Mã đơn vị hành chính"), value.digits))
            raise fail(
                "admin_unit",
                _("Không có đơn vị hành chính đang có hiệu lực mã %(code)s.")
                % {"code": _code_key(value)},
            )
        return units[0]

    def apply(self, values, ctx):
        from enterprises.services import enterprise_create

        data = {
            name: values[name]
            for name in (
                "name",
                "short_name",
                "legal_form",
                "size_class",
                "address",
                "representative",
                "representative_title",
                "email",
                "employees",
                "founded_on",
                "status",
            )
            if values.get(name) is not None
        }
        data["tax_code"] = self._tax_code(values, ctx)
        if values.get("phone") is not None:
            data["phone"] = _phone(values["phone"])
        if values.get("website"):
            website = values["website"]
            data["website"] = website if "://" in website else f"https://{website}"
        errors: list[tuple[str, str]] = []
        for name, resolve in (("sector", self._sector), ("admin_unit", self._unit)):
            try:
                if values.get(name) is not None:
                    data[name] = resolve(values[name], ctx)
            except RowError as error:
                errors += error.errors
        if errors:
            raise RowError(errors)
        existing = Enterprise.objects.filter(tax_code=data["tax_code"]).first()
        if existing is not None:
            found = differences(existing, data, {n: n for n in data}, self.headers())
            if found:
                raise RowError(found)
            return UNCHANGED
        call_service(enterprise_create, self.field_columns, data=data, user=ctx.user)
        return CREATED


def _phone(value: Any) -> str:
    if isinstance(value, NumericCode):
        if len(value.digits) in (9, 10) and not value.digits.startswith("0"):
            return "0" + value.digits
        return value.digits
    return value


ADOPTION_FIELDS = {
    "standard": "standard",
    "status": "status",
    "started_on": "started_on",
    "ended_on": "ended_on",
    "programme_supported": "programme_supported",
    "support_note": "support_note",
    "note": "note",
}
CERTIFICATE_FIELDS = {
    "number": "cert_number",
    "body": "cert_body",
    "scope": "scope",
    "sites": "sites",
    "first_issued_on": "first_issued_on",
    "issued_on": "issued_on",
    "expires_on": "expires_on",
    "last_audit_on": "last_audit_on",
    "standard": "standard",
    "adoption": "standard",
}


class AdoptionImport(ImportSpec):
    kind = ImportKind.ADOPTIONS
    file_stem = "ap-dung-chung-chi"
    columns = [
        TAX_CODE,
        Column(
            "standard",
            gettext_lazy("Số hiệu tiêu chuẩn, công cụ"),
            Kind.CODE,
            required=True,
            help=gettext_lazy("Như trong danh mục tiêu chuẩn, ví dụ TCVN ISO 9001:2015, 5S."),
            example="TCVN ISO 9001:2015",
        ),
        Column(
            "status",
            gettext_lazy("Tình trạng áp dụng"),
            Kind.CHOICE,
            required=True,
            choices=AdoptionStatus.choices,
            example=str(AdoptionStatus.CERTIFIED.label),
        ),
        Column("started_on", gettext_lazy("Áp dụng từ ngày"), Kind.DATE, example="01/06/2021"),
        Column("ended_on", gettext_lazy("Kết thúc ngày"), Kind.DATE),
        Column(
            "programme_supported",
            gettext_lazy("Được Chương trình hỗ trợ"),
            Kind.BOOL,
            example="Có",
        ),
        Column("support_note", gettext_lazy("Nội dung hỗ trợ"), Kind.LONG_TEXT),
        Column("note", gettext_lazy("Ghi chú"), Kind.LONG_TEXT),
        Column(
            "cert_number",
            gettext_lazy("Số chứng chỉ"),
            Kind.CODE,
            help=gettext_lazy(
                "Bỏ trống nếu chưa có chứng chỉ; khi có thì ghi đủ các cột chứng chỉ."
            ),
            example="HT 1234/2021",
        ),
        Column("cert_body", gettext_lazy("Tổ chức chứng nhận"), example="QUACERT"),
        Column("scope", gettext_lazy("Phạm vi chứng nhận"), Kind.LONG_TEXT, example="Sản xuất chè"),
        Column("sites", gettext_lazy("Địa điểm được chứng nhận"), Kind.LONG_TEXT),
        Column("first_issued_on", gettext_lazy("Ngày cấp lần đầu"), Kind.DATE),
        Column("issued_on", gettext_lazy("Ngày cấp"), Kind.DATE, example="15/07/2021"),
        Column("expires_on", gettext_lazy("Ngày hết hạn"), Kind.DATE, example="14/07/2024"),
        Column("last_audit_on", gettext_lazy("Ngày đánh giá gần nhất"), Kind.DATE),
    ]
    field_columns = {**ADOPTION_FIELDS}

    def key(self, values):
        number = values.get("cert_number")
        if number:
            return (
                "certificate",
                fold(values.get("cert_body") or ""),
                _number_key(_code_key(number)),
            )
        return (
            "adoption",
            _code_key(values.get("tax_code")),
            fold(_code_key(values.get("standard"))),
        )

    def describe(self, values):
        parts = [_code_key(values.get("tax_code")), _code_key(values.get("standard"))]
        if values.get("cert_number"):
            parts.append(_code_key(values["cert_number"]))
        return " – ".join(parts)

    def apply(self, values, ctx):
        enterprise = find_enterprise(ctx, values["tax_code"])
        standard = find_standard(ctx, values["standard"])
        adoption, outcome = self._adoption(enterprise, standard, values, ctx)
        if values.get("cert_number") is not None:
            if self._certificate(enterprise, standard, adoption, values, ctx) == CREATED:
                outcome = CREATED
        else:
            extra = [c.name for c in self.columns[9:] if values.get(c.name) is not None]
            if extra:
                raise fail("cert_number", _("Ghi số chứng chỉ, hoặc bỏ trống các cột chứng chỉ."))
        return outcome

    def _adoption(self, enterprise, standard, values, ctx) -> tuple[Adoption, str]:
        from standards.services import adoption_create

        data = {
            name: values[name]
            for name in ADOPTION_FIELDS
            if name != "standard" and values.get(name) is not None
        }
        existing = Adoption.objects.filter(
            enterprise=enterprise, standard=standard, is_archived=False
        ).first()
        if existing is not None:
            found = differences(existing, data, {n: n for n in data}, self.headers())
            if found:
                raise RowError(found)
            return existing, UNCHANGED
        adoption = call_service(
            adoption_create,
            self.field_columns,
            enterprise=enterprise,
            data={"standard": standard, **data},
            user=ctx.user,
        )
        return adoption, CREATED

    def _certificate(self, enterprise, standard, adoption, values, ctx) -> str:
        from standards.services import certificate_create, number_key

        missing = [
            (name, _("Bắt buộc nhập khi có số chứng chỉ."))
            for name in ("cert_body", "scope", "issued_on", "expires_on")
            if values.get(name) is None
        ]
        if missing:
            raise RowError(missing)
        number = values["cert_number"]
        if isinstance(number, NumericCode):
            raise fail("cert_number", _format_as_text(_("Số chứng chỉ"), number.digits))
        body = find_body(ctx, values["cert_body"], "cert_body")
        existing = (
            Certificate.objects.filter(body=body)
            .annotate(key=number_key("number"))
            .filter(Q(number=number) | Q(key=number_key(Value(number))))
            .first()
        )
        data = {
            "number": number,
            "body": body,
            "standard": standard,
            "scope": values["scope"],
            "issued_on": values["issued_on"],
            "expires_on": values["expires_on"],
        }
        for name in ("sites", "first_issued_on", "last_audit_on"):
            if values.get(name) is not None:
                data[name] = values[name]
        if existing is not None:
            compare = {k: v for k, v in data.items() if k != "number"}
            compare["enterprise"] = enterprise
            attrs = {k: k for k in compare}
            headers = {**self.headers(), "body": str(self.columns[10].header)}
            headers["enterprise"] = str(TAX_CODE.header)
            found = differences(existing, compare, attrs, headers)
            if found:
                raise RowError([(CERTIFICATE_FIELDS.get(c, c), m) for c, m in found])
            return UNCHANGED
        call_service(
            certificate_create,
            CERTIFICATE_FIELDS,
            enterprise=enterprise,
            data={**data, "adoption": adoption},
            user=ctx.user,
        )
        return CREATED


def _number_key(number: str) -> str:
    for char in (" ", "-", ".", "_"):
        number = number.replace(char, "")
    return number.upper()


def _gtin(value: Any) -> str:
    if not isinstance(value, NumericCode):
        return value
    for candidate in (value.digits, "0" + value.digits):
        try:
            return gs1.validate_gtin(candidate)
        except ValidationError:
            continue
    raise fail("gtin", _format_as_text(_("Mã GTIN"), value.digits))


class ProductImport(ImportSpec):
    kind = ImportKind.PRODUCTS
    file_stem = "san-pham"
    officer_only = False
    columns = [
        TAX_CODE,
        Column("name", gettext_lazy("Tên sản phẩm"), required=True, example="Chè xanh Tam Đường"),
        Column(
            "category",
            gettext_lazy("Nhóm sản phẩm"),
            Kind.CHOICE,
            required=True,
            choices=ProductCategory.choices,
            example=str(ProductCategory.TEA.label),
        ),
        Column("unit", gettext_lazy("Đơn vị tính"), example="gói 200 g"),
        Column(
            "gtin",
            gettext_lazy("Mã GTIN"),
            Kind.CODE,
            help=gettext_lazy(
                "GTIN-13 bắt đầu bằng mã doanh nghiệp GS1 của doanh nghiệp, hoặc GTIN-8."
            ),
            example="8930000000019",
        ),
        Column(
            "prefix",
            gettext_lazy("Mã doanh nghiệp GS1 (cho GTIN-8)"),
            Kind.CODE,
            help=gettext_lazy("Chỉ cần với GTIN-8: mã doanh nghiệp GS1 mà GTIN-8 được cấp theo."),
        ),
        Column("description", gettext_lazy("Mô tả"), Kind.LONG_TEXT),
        Column(
            "ocop_stars",
            gettext_lazy("Hạng OCOP (sao)"),
            Kind.INT,
            help=gettext_lazy("Chỉ cán bộ Sở ghi; ghi đủ số sao, điểm và năm hoặc bỏ trống cả ba."),
        ),
        Column("ocop_score", gettext_lazy("Điểm OCOP"), Kind.DECIMAL),
        Column("ocop_year", gettext_lazy("Năm công nhận OCOP"), Kind.INT),
    ]
    field_columns = {
        "name": "name",
        "category": "category",
        "unit": "unit",
        "gtin": "gtin",
        "barcode_registration": "prefix",
        "description": "description",
        "ocop_stars": "ocop_stars",
        "ocop_score": "ocop_score",
        "ocop_year": "ocop_year",
    }

    def key(self, values):
        gtin = values.get("gtin")
        if gtin:
            return ("gtin", gs1.compact(_code_key(gtin)).removeprefix("0"))
        return ("name", _code_key(values.get("tax_code")), fold(values.get("name") or ""))

    def describe(self, values):
        return f"{_code_key(values.get('gtin')) or ''} {values.get('name') or ''}".strip()

    def apply(self, values, ctx):
        from standards.services_products import product_create

        enterprise = find_enterprise(ctx, values["tax_code"])
        data = {
            name: values[name]
            for name in (
                "name",
                "category",
                "unit",
                "description",
                "ocop_stars",
                "ocop_score",
                "ocop_year",
            )
            if values.get(name) is not None
        }
        if not ctx.officer and any(k.startswith("ocop_") for k in data):
            raise fail("ocop_stars", _("Hạng OCOP do cán bộ Sở ghi; hãy bỏ trống các cột OCOP."))
        if values.get("gtin") is not None:
            data["gtin"] = _gtin(values["gtin"])
        if values.get("prefix") is not None:
            prefix = _code_key(values["prefix"])
            registration = BarcodeRegistration.objects.filter(
                enterprise=enterprise, prefix=gs1.compact(prefix)
            ).first()
            if registration is None:
                raise fail(
                    "prefix",
                    _("Doanh nghiệp không có mã doanh nghiệp GS1 %(prefix)s.") % {"prefix": prefix},
                )
            data["barcode_registration"] = registration
        existing = self._existing(enterprise, data)
        if existing is not None:
            compare = {k: v for k, v in data.items() if k != "barcode_registration"}
            compare["enterprise"] = enterprise
            headers = {**self.headers(), "enterprise": str(TAX_CODE.header)}
            found = differences(existing, compare, {k: k for k in compare}, headers)
            if found:
                raise RowError([(c if c != "enterprise" else "tax_code", m) for c, m in found])
            return UNCHANGED
        call_service(
            product_create, self.field_columns, enterprise=enterprise, data=data, user=ctx.user
        )
        return CREATED

    def _existing(self, enterprise, data) -> Product | None:
        gtin = data.get("gtin")
        if gtin:
            try:
                gtin = gs1.validate_gtin(gtin)
            except ValidationError:
                return None  # the service says why
            return Product.objects.filter(gtin=gtin).first()
        return Product.objects.filter(
            enterprise=enterprise, gtin="", search_text=Product.build_search_text(data["name"], "")
        ).first()


DECLARATION_FIELDS = {
    "kind": "kind",
    "standard": "standard",
    "basis": "basis",
    "certificate": "cert_number",
    "document_number": "document_number",
    "declared_on": "declared_on",
    "valid_until": "valid_until",
    "products": "products",
}


def declaration_record(
    *, enterprise: Enterprise, data: dict[str, Any], products: list[Product], user
) -> Declaration:
    """Record a declaration the enterprise published (not filed with the Department): state
    ``recorded``, in force from its date. Officers only."""
    from django.db import transaction

    from standards.services import _as_user, _check_enterprise_active, _require_officer

    _require_officer(user)
    _check_enterprise_active(enterprise)
    declaration = Declaration(
        enterprise=enterprise,
        state=DeclarationState.RECORDED,
        must_be_filed=False,
        effective_on=data.get("declared_on"),
        **data,
    )
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if declaration.declared_on and declaration.declared_on > today:
        errors.setdefault("declared_on", []).append(_("Ngày công bố không thể ở tương lai."))
    if (
        declaration.valid_until
        and declaration.declared_on
        and declaration.valid_until < declaration.declared_on
    ):
        errors.setdefault("valid_until", []).append(_("Ngày hết hiệu lực trước ngày công bố."))
    certificate = declaration.certificate
    if declaration.basis == DeclarationBasis.CERTIFICATE and certificate is None:
        errors.setdefault("certificate", []).append(
            _("Công bố dựa trên chứng nhận: ghi số chứng chỉ và tổ chức chứng nhận.")
        )
    if certificate is not None and certificate.enterprise_id != enterprise.pk:
        errors.setdefault("certificate", []).append(
            _("Chứng chỉ làm căn cứ không phải của doanh nghiệp này.")
        )
    if any(p.enterprise_id != enterprise.pk for p in products):
        errors.setdefault("products", []).append(_("Sản phẩm không thuộc doanh nghiệp này."))
    if errors:
        raise ValidationError(errors)
    declaration.full_clean()
    with transaction.atomic():
        _as_user(declaration, user)
        declaration.save()
        declaration.products.set(products)
    return declaration


class DeclarationImport(ImportSpec):
    kind = ImportKind.DECLARATIONS
    file_stem = "ban-cong-bo"
    columns = [
        TAX_CODE,
        Column(
            "kind",
            gettext_lazy("Loại công bố"),
            Kind.CHOICE,
            required=True,
            choices=DeclarationKind.choices,
            example=str(DeclarationKind.COMPANY_STANDARD.label),
        ),
        Column(
            "standard",
            gettext_lazy("Số hiệu tiêu chuẩn, quy chuẩn"),
            Kind.CODE,
            required=True,
            example="TCVN 9740:2013",
        ),
        Column(
            "products",
            gettext_lazy("Sản phẩm (GTIN hoặc tên, cách nhau bằng ;)"),
            Kind.LONG_TEXT,
            required=True,
            example="8930000000019; Chè xanh Tam Đường",
        ),
        Column(
            "basis",
            gettext_lazy("Căn cứ công bố"),
            Kind.CHOICE,
            choices=DeclarationBasis.choices,
            example=str(DeclarationBasis.SELF_ASSESSMENT.label),
        ),
        Column("cert_number", gettext_lazy("Số chứng chỉ làm căn cứ"), Kind.CODE),
        Column("cert_body", gettext_lazy("Tổ chức chứng nhận")),
        Column(
            "document_number", gettext_lazy("Số hiệu bản công bố"), Kind.CODE, example="01/2022/CB"
        ),
        Column(
            "declared_on",
            gettext_lazy("Ngày công bố"),
            Kind.DATE,
            required=True,
            example="10/05/2022",
        ),
        Column("valid_until", gettext_lazy("Hiệu lực đến ngày"), Kind.DATE),
    ]
    field_columns = DECLARATION_FIELDS

    def key(self, values):
        return (
            _code_key(values.get("tax_code")),
            values.get("kind"),
            fold(_code_key(values.get("standard"))),
            values.get("declared_on"),
            fold(_code_key(values.get("document_number"))),
        )

    def describe(self, values):
        return f"{_code_key(values.get('tax_code'))} – {_code_key(values.get('standard'))}"

    def _products(self, enterprise, text: str) -> list[Product]:
        found, missing = [], []
        for item in [p.strip() for p in text.replace("\n", ";").split(";") if p.strip()]:
            digits = gs1.compact(item)
            product = None
            if digits.isascii() and digits.isdigit():
                try:
                    product = Product.objects.filter(
                        enterprise=enterprise, gtin=gs1.validate_gtin(digits)
                    ).first()
                except ValidationError:
                    product = None
            if product is None:
                product = (
                    Product.objects.filter(
                        enterprise=enterprise, is_archived=False, search_text__startswith=fold(item)
                    )
                    .filter(Q(search_text=fold(item)) | Q(search_text__startswith=fold(item) + " "))
                    .first()
                )
            if product is None:
                missing.append(item)
            else:
                found.append(product)
        if missing:
            raise fail(
                "products",
                _("Doanh nghiệp không có sản phẩm: %(items)s. Hãy nhập sản phẩm trước.")
                % {"items": "; ".join(missing)},
            )
        return found

    def apply(self, values, ctx):
        from standards.services import number_key

        enterprise = find_enterprise(ctx, values["tax_code"])
        standard = find_standard(ctx, values["standard"])
        products = self._products(enterprise, values["products"])
        data: dict[str, Any] = {
            "kind": values["kind"],
            "standard": standard,
            "declared_on": values["declared_on"],
            "basis": values.get("basis") or DeclarationBasis.SELF_ASSESSMENT,
        }
        for name in ("document_number", "valid_until"):
            if values.get(name) is not None:
                data[name] = _code_key(values[name]) if name == "document_number" else values[name]
        if values.get("cert_number") is not None:
            if not values.get("cert_body"):
                raise fail("cert_body", _("Bắt buộc nhập khi có số chứng chỉ."))
            body = find_body(ctx, values["cert_body"], "cert_body")
            number = _code_key(values["cert_number"])
            certificate = (
                Certificate.objects.filter(body=body)
                .annotate(key=number_key("number"))
                .filter(key=number_key(Value(number)))
                .first()
            )
            if certificate is None:
                raise fail(
                    "cert_number",
                    _("Chưa có chứng chỉ số %(number)s của %(body)s trong hệ thống.")
                    % {"number": number, "body": body},
                )
            data["certificate"] = certificate
        existing = Declaration.objects.filter(
            enterprise=enterprise,
            kind=data["kind"],
            standard=standard,
            declared_on=data["declared_on"],
            document_number=data.get("document_number", ""),
        ).first()
        if existing is not None:
            found = differences(existing, data, {k: k for k in data}, self.headers())
            if found:
                raise RowError([(DECLARATION_FIELDS.get(c, c), m) for c, m in found])
            return UNCHANGED
        call_service(
            declaration_record,
            DECLARATION_FIELDS,
            enterprise=enterprise,
            data=data,
            products=products,
            user=ctx.user,
        )
        return CREATED


class ParticipantImport(ImportSpec):
    kind = ImportKind.PARTICIPANTS
    file_stem = "hoc-vien"
    columns = [
        Column("full_name", gettext_lazy("Họ và tên"), required=True, example="Nguyễn Thị Hoa"),
        Column("position", gettext_lazy("Chức vụ"), example="Kế toán"),
        Column("phone", gettext_lazy("Điện thoại"), Kind.CODE, example="0912345678"),
        Column("email", gettext_lazy("Thư điện tử")),
        Column(
            "tax_code",
            gettext_lazy("Mã số thuế doanh nghiệp"),
            Kind.CODE,
            help=gettext_lazy("Doanh nghiệp cử học viên; bỏ trống nếu học viên tự do."),
        ),
    ]
    field_columns = {
        "full_name": "full_name",
        "position": "position",
        "phone": "phone",
        "email": "email",
        "enterprise": "tax_code",
    }

    def key(self, values):
        from programs.services_training import person_key

        phone = values.get("phone")
        return ("person", person_key(values.get("full_name") or "", _phone(phone) if phone else ""))

    def describe(self, values):
        return values.get("full_name") or ""

    def apply(self, values, ctx):
        from programs.models import Enrollment
        from programs.services_training import enrollment_create, person_key

        course_id = ctx.params.get("course")
        data: dict[str, Any] = {"full_name": values["full_name"]}
        for name in ("position", "email"):
            if values.get(name) is not None:
                data[name] = values[name]
        if values.get("phone") is not None:
            data["phone"] = _phone(values["phone"])
        if values.get("tax_code") is not None:
            data["enterprise"] = find_enterprise(ctx, values["tax_code"])
        key = person_key(data["full_name"], data.get("phone"))
        existing = Enrollment.objects.active().filter(course_id=course_id, person_key=key).first()
        if existing is not None:
            compare = {k: v for k, v in data.items() if k != "phone"}
            found = differences(existing, compare, {k: k for k in compare}, self.headers())
            if found:
                raise RowError([(c if c != "enterprise" else "tax_code", m) for c, m in found])
            return UNCHANGED
        call_service(
            enrollment_create, self.field_columns, course_id=course_id, data=data, user=ctx.user
        )
        return CREATED


SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in (
        EnterpriseImport(),
        AdoptionImport(),
        ProductImport(),
        DeclarationImport(),
        ParticipantImport(),
    )
}


def kinds_for(user) -> list[ImportSpec]:
    """The kinds ``user`` may import: officers all; enterprise users their own products."""
    from laichau_nsc.roles import Role, has_role

    if is_officer(user):
        return list(SPECS.values())
    if has_role(user, Role.ENTERPRISE):
        return [spec for spec in SPECS.values() if not spec.officer_only]
    return []
