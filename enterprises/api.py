"""REST API v1 of the enterprises app: enterprises, administrative units and sectors."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from laichau_nsc.api.pagination import PortalCursorPagination
from laichau_nsc.api.permissions import EVERY_ROLE, OFFICER, STAFF, WRITERS
from laichau_nsc.api.serializers import PortalModelSerializer, WriteSerializer
from laichau_nsc.api.viewsets import (
    FORMAT_PARAMETER,
    ReadOnlyScopedViewSet,
    ServiceWriteMixin,
)
from laichau_nsc.exports import Column, ColumnKind
from laichau_nsc.listexport import spec_from_pairs
from laichau_nsc.roles import is_officer

from . import services
from .filters import EnterpriseFilterSet
from .models import AdministrativeUnit, Enterprise, Sector

# --- Serializers -------------------------------------------------------------------------------


class AdministrativeUnitSerializer(PortalModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ("id", "code", "name", "level", "parent", "valid_from", "valid_to")


class SectorSerializer(PortalModelSerializer):
    class Meta:
        model = Sector
        fields = ("id", "version", "code", "level", "parent", "name", "name_en")


class EnterpriseSerializer(PortalModelSerializer):
    sector_code = serializers.CharField(source="sector.code", read_only=True, allow_null=True)
    admin_unit_name = serializers.CharField(
        source="admin_unit.name", read_only=True, allow_null=True
    )

    class Meta:
        model = Enterprise
        fields = (
            "id",
            "name",
            "short_name",
            "tax_code",
            "legal_form",
            "size_class",
            "sector",
            "sector_code",
            "admin_unit",
            "admin_unit_name",
            "address",
            "representative",
            "representative_title",
            "phone",
            "email",
            "website",
            "employees",
            "founded_on",
            "status",
            "is_archived",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


#: What an officer records (the page's EnterpriseForm).
OFFICER_FIELDS = (
    "name",
    "short_name",
    "tax_code",
    "legal_form",
    "size_class",
    "sector",
    "admin_unit",
    "address",
    "representative",
    "representative_title",
    "phone",
    "email",
    "website",
    "employees",
    "founded_on",
    "status",
)


class EnterpriseWriteSerializer(WriteSerializer):
    """Officers send any of these; an enterprise user only its contact details
    (``Enterprise.CONTACT_FIELDS``). ``version`` is required to change a record."""

    version = serializers.IntegerField(min_value=1, required=False, write_only=True)

    class Meta:
        model = Enterprise
        fields = (*OFFICER_FIELDS, "version")


# --- Exports -----------------------------------------------------------------------------------

ENTERPRISE_EXPORT = spec_from_pairs(
    "enterprises",
    _("Doanh nghiệp"),
    Enterprise,
    EnterpriseFilterSet,
    [
        ("name", Column(_("Tên doanh nghiệp"), width=40)),
        ("short_name", Column(_("Tên viết tắt"))),
        ("tax_code", Column(_("Mã số thuế"), ColumnKind.CODE)),
        ("get_legal_form_display", Column(_("Loại hình"), width=24)),
        ("get_size_class_display", Column(_("Quy mô"), width=12)),
        ("sector.code", Column(_("Mã ngành"), ColumnKind.CODE, width=10)),
        ("sector.name", Column(_("Ngành kinh tế"), width=40)),
        ("admin_unit.name", Column(_("Đơn vị hành chính"), width=24)),
        ("address", Column(_("Địa chỉ"), width=40)),
        ("representative", Column(_("Người đại diện"), width=24)),
        ("phone", Column(_("Điện thoại"), ColumnKind.CODE)),
        ("email", Column(_("Thư điện tử"), width=28)),
        ("employees", Column(_("Số lao động"), ColumnKind.NUMBER)),
        ("founded_on", Column(_("Ngày thành lập"), ColumnKind.DATE)),
        ("get_status_display", Column(_("Trạng thái"), width=16)),
        ("is_archived", Column(_("Đã lưu trữ"), width=12)),
    ],
    prepare=lambda qs: qs.select_related("sector", "admin_unit"),
    roles=("officer", "leader"),
)

# --- Viewsets ----------------------------------------------------------------------------------

ENTERPRISE_EXAMPLE = OpenApiExample(
    "Doanh nghiệp",
    value={
        "id": 1,
        "name": "Công ty cổ phần Chè Tam Đường",
        "short_name": "Chè Tam Đường",
        "tax_code": "6200123456",
        "legal_form": "joint_stock",
        "size_class": "small",
        "sector": 12,
        "sector_code": "01",
        "admin_unit": 3,
        "admin_unit_name": "Xã Bình Lư",
        "address": "Bản Nà Tăm, xã Bình Lư",
        "representative": "Lò Văn Chiến",
        "representative_title": "Giám đốc",
        "phone": "0213 3876 123",
        "email": "lienhe@chetamduong.vn",
        "website": "https://chetamduong.vn",
        "employees": 45,
        "founded_on": "2012-05-14",
        "status": "active",
        "is_archived": False,
        "version": 3,
        "created_at": "2026-01-05T08:00:00+07:00",
        "updated_at": "2026-11-20T14:12:00+07:00",
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Danh sách doanh nghiệp"),
        parameters=[FORMAT_PARAMETER],
        examples=[ENTERPRISE_EXAMPLE],
    ),
    retrieve=extend_schema(summary=_("Một doanh nghiệp"), examples=[ENTERPRISE_EXAMPLE]),
    create=extend_schema(
        summary=_("Thêm doanh nghiệp (cán bộ)"),
        request=EnterpriseWriteSerializer,
        responses={201: EnterpriseSerializer},
        examples=[
            OpenApiExample(
                "Thêm",
                value={
                    "name": "Hợp tác xã Chè Sìn Hồ",
                    "tax_code": "6200123456",
                    "legal_form": "cooperative",
                },
                request_only=True,
            ),
            ENTERPRISE_EXAMPLE,
        ],
    ),
    partial_update=extend_schema(
        summary=_("Sửa doanh nghiệp"),
        description=_(
            "Cán bộ sửa mọi trường; người dùng doanh nghiệp chỉ sửa thông tin liên hệ của doanh "
            "nghiệp mình. Cần gửi kèm version đã đọc; bản ghi đã bị người khác sửa thì trả 409."
        ),
        request=EnterpriseWriteSerializer,
        responses={200: EnterpriseSerializer},
        examples=[
            OpenApiExample(
                "Sửa điện thoại",
                value={"phone": "0213 3876 999", "version": 3},
                request_only=True,
            ),
            ENTERPRISE_EXAMPLE,
        ],
    ),
    archive=extend_schema(
        summary=_("Lưu trữ doanh nghiệp (cán bộ)"), request=None, examples=[ENTERPRISE_EXAMPLE]
    ),
    restore=extend_schema(
        summary=_("Khôi phục doanh nghiệp (cán bộ)"), request=None, examples=[ENTERPRISE_EXAMPLE]
    ),
)
class EnterpriseViewSet(
    ServiceWriteMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyScopedViewSet
):
    """Enterprises: officers and leaders read every one, an enterprise user its own."""

    model = Enterprise
    serializer_class = EnterpriseSerializer
    write_serializer_class = EnterpriseWriteSerializer
    filterset_class = EnterpriseFilterSet
    pagination_class = PortalCursorPagination
    related = ("sector", "admin_unit")
    read_roles = EVERY_ROLE
    write_roles = WRITERS
    action_roles = {"list": STAFF, "create": OFFICER, "archive": OFFICER, "restore": OFFICER}
    export = ENTERPRISE_EXPORT
    http_method_names = ("get", "post", "patch", "head", "options")

    def perform_service_create(self, data):
        return services.enterprise_create(data=data, user=self.request.user)

    def perform_service_update(self, instance, data, version):
        if not is_officer(self.request.user):
            forbidden = sorted(set(data) - set(Enterprise.CONTACT_FIELDS))
            if forbidden:
                raise ValidationError({f: _("Bạn không được sửa trường này.") for f in forbidden})
        return services.enterprise_update(
            enterprise_id=instance.pk, data=data, version=version, user=self.request.user
        )

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        enterprise = services.enterprise_set_archived(
            enterprise=self.get_object(), archived=True, user=request.user
        )
        return self._output(enterprise)

    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        enterprise = services.enterprise_set_archived(
            enterprise=self.get_object(), archived=False, user=request.user
        )
        return self._output(enterprise)


@extend_schema_view(
    list=extend_schema(summary=_("Đơn vị hành chính")),
    retrieve=extend_schema(summary=_("Một đơn vị hành chính")),
)
class AdministrativeUnitViewSet(ReadOnlyScopedViewSet):
    """Administrative units (province, former districts, communes) with their validity."""

    model = AdministrativeUnit
    serializer_class = AdministrativeUnitSerializer
    read_roles = EVERY_ROLE
    filterset_fields = ("level", "parent")

    def annotate(self, queryset):
        return queryset.order_by("code", "pk")


@extend_schema_view(
    list=extend_schema(summary=_("Ngành kinh tế (VSIC)")),
    retrieve=extend_schema(summary=_("Một ngành kinh tế")),
)
class SectorViewSet(ReadOnlyScopedViewSet):
    """Sections and divisions of VSIC 2018 and VSIC 2025."""

    model = Sector
    serializer_class = SectorSerializer
    read_roles = EVERY_ROLE
    filterset_fields = ("version", "level", "parent")

    def annotate(self, queryset):
        return queryset.order_by("version", "code")
