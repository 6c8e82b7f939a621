"""Adoptions of standards, each with its certificate when it has one."""

from django.db.models import Q, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laichau_nsc.text import fold
from standards.choices import (
    AdoptionStatus,
)
from standards.models import (
    Adoption,
    Certificate,
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
    find_body,
    find_enterprise,
    find_standard,
)

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


#: The columns that describe a certificate (all blank when a row has none).
CERTIFICATE_COLUMNS = (
    "cert_body",
    "scope",
    "sites",
    "first_issued_on",
    "issued_on",
    "expires_on",
    "last_audit_on",
)


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
            extra = [name for name in CERTIFICATE_COLUMNS if values.get(name) is not None]
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
            headers = self.headers()
            headers.update(body=headers["cert_body"], enterprise=headers["tax_code"])
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
