"""Declarations that were recorded, not filed with the Department."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from laichau_nsc.text import fold
from standards import gs1
from standards.choices import (
    DeclarationBasis,
    DeclarationKind,
    DeclarationState,
)
from standards.models import (
    Certificate,
    Declaration,
    Product,
)

from ..choices import ImportKind
from ..columns import Column, Kind
from .base import (
    CREATED,
    TAX_CODE,
    UNCHANGED,
    ImportSpec,
    RowContext,
    RowError,
    _code_key,
    call_service,
    differences,
    fail,
    find_body,
    find_enterprise,
    find_standard,
)

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

    def _products(self, enterprise, text: str, ctx: RowContext) -> list[Product]:
        """Products named by GTIN or by their exact name (case and diacritics aside)."""

        def load():
            return list(
                Product.objects.filter(enterprise=enterprise, is_archived=False).only(
                    "pk", "enterprise_id", "name", "gtin"
                )
            )

        own = ctx.cached(("products", enterprise.pk), load)
        by_gtin = {p.gtin: p for p in own if p.gtin}
        by_name = {fold(p.name): p for p in own}
        found, missing = [], []
        for item in [p.strip() for p in text.replace("\n", ";").split(";") if p.strip()]:
            digits = gs1.compact(item)
            product = by_gtin.get(digits.removeprefix("0") if len(digits) == 14 else digits)
            product = product or by_name.get(fold(item))
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
        products = self._products(enterprise, values["products"], ctx)
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
