"""Participants of one training course."""

from typing import Any

from django.utils.translation import gettext_lazy

from ..choices import ImportKind
from ..columns import Column, Kind
from .base import (
    CREATED,
    UNCHANGED,
    ImportSpec,
    RowError,
    _phone,
    call_service,
    differences,
    find_enterprise,
)


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
            # The key already says it is the same person (folded name, phone digits).
            compare = {k: v for k, v in data.items() if k not in ("full_name", "phone")}
            found = differences(existing, compare, {k: k for k in compare}, self.headers())
            if found:
                raise RowError([(c if c != "enterprise" else "tax_code", m) for c, m in found])
            return UNCHANGED
        call_service(
            enrollment_create, self.field_columns, course_id=course_id, data=data, user=ctx.user
        )
        return CREATED
