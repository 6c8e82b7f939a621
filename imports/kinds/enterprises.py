"""Enterprises, by tax code."""

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

from ..choices import ImportKind
from ..columns import Column, Kind, NumericCode
from .base import (
    CREATED,
    TAX_CODE,
    UNCHANGED,
    ImportSpec,
    RowError,
    _code_key,
    _format_as_text,
    _phone,
    _restored,
    call_service,
    differences,
    fail,
    tax_code_readings,
    tax_code_text,
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
