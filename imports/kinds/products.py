"""Products and their GTINs (enterprise users: their own)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laichau_nsc.text import fold
from standards import gs1
from standards.choices import (
    ProductCategory,
)
from standards.models import (
    BarcodeRegistration,
    Product,
)

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
    call_service,
    differences,
    fail,
    find_enterprise,
)


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
