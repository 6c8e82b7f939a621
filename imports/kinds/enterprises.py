"""Enterprises, by tax code."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
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
from ..history import import_reason
from .base import (
    CREATED,
    TAX_CODE,
    UNCHANGED,
    BatchResult,
    BatchRow,
    ImportSpec,
    RowError,
    _code_key,
    _format_as_text,
    _phone,
    _restored,
    call_service,
    differences,
    errors_from,
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
        value = values["tax_code"]
        if not isinstance(value, NumericCode):
            return tax_code_text(value)
        header = str(TAX_CODE.header)
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

    def _data(self, values, ctx) -> dict:
        """The row as the service's ``data``, its codes restored and its sector and unit found;
        ``RowError`` otherwise."""
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
        return data

    def _compare(self, existing: Enterprise, data: dict, headers: dict | None = None) -> str:
        found = differences(existing, data, {n: n for n in data}, headers or self.headers())
        if found:
            raise RowError(found)
        return UNCHANGED

    def apply(self, values, ctx):
        from enterprises.services import enterprise_create

        data = self._data(values, ctx)
        existing = Enterprise.objects.filter(tax_code=data["tax_code"]).first()
        if existing is not None:
            return self._compare(existing, data)
        call_service(enterprise_create, self.field_columns, data=data, user=ctx.user)
        return CREATED

    def apply_batch(self, rows: list[BatchRow], ctx) -> list[BatchResult]:
        """A batch of rows with ``apply``'s rules in a few queries: the tax codes looked up
        together, the new rows checked as ``enterprise_create`` checks them (without its
        queries) and inserted together with their history (``enterprise_create_many``). When
        the database refuses the insert, the batch's new rows go one by one through
        ``enterprise_create``, which says which row and why."""
        from enterprises.services import (
            enterprise_create,
            enterprise_create_many,
            enterprise_validate_new,
        )

        headers = self.headers()
        results: list[Any] = [None] * len(rows)
        notes: list[list] = [[] for _row in rows]
        prepared: dict[int, dict] = {}
        for index, row in enumerate(rows):
            ctx.notes = notes[index]
            try:
                prepared[index] = self._data(row.values, ctx)
            except RowError as error:
                results[index] = error
        existing = Enterprise.objects.in_bulk(
            [data["tax_code"] for data in prepared.values()], field_name="tax_code"
        )
        new: list[tuple[int, Enterprise]] = []
        for index, data in prepared.items():
            try:
                found = existing.get(data["tax_code"])
                if found is not None:
                    results[index] = self._compare(found, data, headers)
                else:
                    new.append((index, enterprise_validate_new(data=data)))
            except RowError as error:
                results[index] = error
            except ValidationError as error:
                results[index] = errors_from(error, self.field_columns)
        if new:
            try:
                enterprise_create_many(
                    enterprises=[enterprise for _index, enterprise in new],
                    user=ctx.user,
                    reasons=[rows[index].reason for index, _enterprise in new],
                )
                for index, _enterprise in new:
                    results[index] = CREATED
            except IntegrityError:
                for index, _enterprise in new:
                    with import_reason(rows[index].reason):
                        try:
                            call_service(
                                enterprise_create,
                                self.field_columns,
                                data=prepared[index],
                                user=ctx.user,
                            )
                            results[index] = CREATED
                        except RowError as error:
                            results[index] = error
        return [BatchResult(result, note) for result, note in zip(results, notes, strict=True)]
