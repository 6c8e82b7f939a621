"""REST API v1 of the standards app: the catalogue (standards, certification bodies), adoptions,
certificates, products, barcode registrations and declarations.

Writes call the same services as the pages, which check who acts and which fields each may set
(an enterprise user proposes; only an officer verifies, returns or sets what the Department
decides). Declarations: an enterprise user (its own) or an officer writes a draft and submits
it or answers a supplement request; only an officer requests a supplement, accepts or rejects
(``services_declarations``, which sets the state, deadlines and receipt notice).
"""

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from enterprises.models import Enterprise
from laichau_nsc.api.pagination import PortalCursorPagination
from laichau_nsc.api.permissions import EVERY_ROLE, OFFICER, STAFF, WRITERS
from laichau_nsc.api.serializers import (
    PortalModelSerializer,
    PortalSerializer,
    ReasonVersionSerializer,
    ScopedPrimaryKeyRelatedField,
    StrictInputMixin,
    VersionSerializer,
    WriteSerializer,
)
from laichau_nsc.api.viewsets import FORMAT_PARAMETER, ReadOnlyScopedViewSet, ServiceWriteMixin
from laichau_nsc.exports import Column, ColumnKind
from laichau_nsc.listexport import spec_from_pairs

from . import services, services_catalogue, services_declarations, services_products
from .filters import AdoptionFilterSet, CertificateFilterSet
from .filters_catalogue import CertificationBodyFilterSet, StandardFilterSet
from .filters_products import BarcodeRegistrationFilterSet, ProductFilterSet
from .models import (
    Adoption,
    BarcodeRegistration,
    Certificate,
    CertificationBody,
    Declaration,
    Product,
    Standard,
)

# --- Serializers -------------------------------------------------------------------------------


class EnterpriseField(serializers.PrimaryKeyRelatedField):
    """The enterprise a new record belongs to: only one the caller may change (an enterprise
    user's own); any other id reads as unknown, so it tells nothing about other enterprises."""

    def get_queryset(self):
        return Enterprise.objects.for_user(self.context["request"].user, "change")


class StandardSerializer(PortalModelSerializer):
    class Meta:
        model = Standard
        fields = (
            "id",
            "code",
            "title",
            "kind",
            "third_party_certified",
            "validity_months",
            "superseded_by",
            "notes",
            "is_active",
            "version",
        )
        read_only_fields = fields


class StandardWriteSerializer(WriteSerializer):
    version = serializers.IntegerField(min_value=1, required=False, write_only=True)

    class Meta:
        model = Standard
        fields = (
            "code",
            "title",
            "kind",
            "third_party_certified",
            "validity_months",
            "superseded_by",
            "notes",
            "version",
        )


class CertificationBodySerializer(PortalModelSerializer):
    class Meta:
        model = CertificationBody
        fields = (
            "id",
            "name",
            "acronym",
            "address",
            "phone",
            "email",
            "website",
            "accredited",
            "accredited_by",
            "accreditation_number",
            "accredited_until",
            "is_active",
            "version",
        )
        read_only_fields = fields


class CertificationBodyWriteSerializer(WriteSerializer):
    version = serializers.IntegerField(min_value=1, required=False, write_only=True)

    class Meta:
        model = CertificationBody
        fields = (*CertificationBodySerializer.Meta.fields[1:-2], "version")


class AdoptionSerializer(PortalModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    standard_code = serializers.CharField(source="standard.code", read_only=True)

    class Meta:
        model = Adoption
        fields = (
            "id",
            "enterprise",
            "enterprise_name",
            "standard",
            "standard_code",
            "status",
            "started_on",
            "ended_on",
            "programme_supported",
            "support_note",
            "note",
            "review_state",
            "review_reason",
            "reviewed_at",
            "is_archived",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class AdoptionWriteSerializer(WriteSerializer):
    """An enterprise user sends standard, status, dates and note (a proposal); officers also
    whether and how the programme supported it."""

    enterprise = EnterpriseField(required=False)
    version = serializers.IntegerField(min_value=1, required=False, write_only=True)

    class Meta:
        model = Adoption
        fields = (
            "enterprise",
            *services.OFFICER_ADOPTION_FIELDS,
            "version",
        )


class CertificateSerializer(PortalModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    standard_code = serializers.CharField(source="standard.code", read_only=True)
    body_name = serializers.CharField(source="body.name", read_only=True, allow_null=True)
    status_today = serializers.CharField(read_only=True)

    class Meta:
        model = Certificate
        fields = (
            "id",
            "enterprise",
            "enterprise_name",
            "standard",
            "standard_code",
            "adoption",
            "number",
            "body",
            "body_name",
            "scope",
            "sites",
            "first_issued_on",
            "issued_on",
            "expires_on",
            "last_audit_on",
            "surveillance_due_on",
            "withdrawn_on",
            "status_today",
            "review_state",
            "review_reason",
            "reviewed_at",
            "is_archived",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class CertificateWriteSerializer(WriteSerializer):
    enterprise = EnterpriseField(required=False)
    version = serializers.IntegerField(min_value=1, required=False, write_only=True)

    class Meta:
        model = Certificate
        fields = ("enterprise", *services.OFFICER_CERTIFICATE_FIELDS, "version")


class ProductSerializer(PortalModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    declared_today = serializers.BooleanField(read_only=True)

    class Meta:
        model = Product
        fields = (
            "id",
            "enterprise",
            "enterprise_name",
            "name",
            "category",
            "unit",
            "description",
            "gtin",
            "barcode_registration",
            "ocop_stars",
            "ocop_score",
            "ocop_year",
            "public_code",
            "is_published",
            "declared_today",
            "is_archived",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class ProductWriteSerializer(WriteSerializer):
    """Officers and the enterprise's own users; the OCOP rating is the officers' alone."""

    enterprise = EnterpriseField(required=False)
    version = serializers.IntegerField(min_value=1, required=False, write_only=True)

    class Meta:
        model = Product
        fields = ("enterprise", *services_products.OFFICER_PRODUCT_FIELDS, "version")


class BarcodeRegistrationSerializer(PortalModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_today = serializers.CharField(read_only=True)

    class Meta:
        model = BarcodeRegistration
        fields = (
            "id",
            "enterprise",
            "enterprise_name",
            "prefix",
            "registered_on",
            "certificate_number",
            "declared_on_national_db",
            "revoked_on",
            "status_today",
            "note",
            "is_archived",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class DeclarationSerializer(PortalModelSerializer):
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Declaration
        fields = (
            "id",
            "enterprise",
            "kind",
            "standard",
            "basis",
            "certificate",
            "products",
            "document_number",
            "declared_on",
            "state",
            "must_be_filed",
            "submitted_at",
            "decision_due_on",
            "supplement_due_on",
            "receipt_number",
            "receipt_date",
            "effective_on",
            "valid_until",
            "reason",
            "is_archived",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class DeclarationWriteSerializer(WriteSerializer):
    """A draft: what the enterprise fills in (``services_declarations.ENTERPRISE_FIELDS``) and
    its products. State, deadlines, receipt notice and reasons are refused (400) here and by the
    service; only the workflow steps set them."""

    enterprise = EnterpriseField(required=False)
    certificate = ScopedPrimaryKeyRelatedField(
        queryset=Certificate.objects.all(), required=False, allow_null=True
    )
    products = ScopedPrimaryKeyRelatedField(
        queryset=Product.objects.all(), many=True, required=False
    )
    version = serializers.IntegerField(min_value=1, required=False, write_only=True)

    class Meta:
        model = Declaration
        fields = (
            "enterprise",
            *services_declarations.ENTERPRISE_FIELDS,
            "products",
            "version",
        )


class NoteVersionSerializer(VersionSerializer):
    note = serializers.CharField(max_length=1000)


class AcceptSerializer(StrictInputMixin, PortalSerializer):
    version = serializers.IntegerField(min_value=1)
    receipt_number = serializers.CharField(max_length=50)
    receipt_date = serializers.DateField()


# --- Exports -----------------------------------------------------------------------------------

ENTERPRISE_COLUMNS = [
    ("enterprise.name", Column(_("Doanh nghiệp"), width=36)),
    ("enterprise.tax_code", Column(_("Mã số thuế"), ColumnKind.CODE)),
]

STANDARD_EXPORT = spec_from_pairs(
    "standards",
    _("Tiêu chuẩn"),
    Standard,
    StandardFilterSet,
    [
        ("code", Column(_("Mã"), width=24)),
        ("title", Column(_("Tên"), width=48)),
        ("get_kind_display", Column(_("Loại"), width=24)),
        ("third_party_certified", Column(_("Bên thứ ba chứng nhận"))),
        ("validity_months", Column(_("Hiệu lực (tháng)"), ColumnKind.NUMBER)),
        ("superseded_by.code", Column(_("Được thay thế bởi"), width=24)),
        ("is_active", Column(_("Đang sử dụng"))),
    ],
    prepare=lambda qs: qs.select_related("superseded_by"),
)
BODY_EXPORT = spec_from_pairs(
    "certification-bodies",
    _("Tổ chức chứng nhận"),
    CertificationBody,
    CertificationBodyFilterSet,
    [
        ("name", Column(_("Tên"), width=40)),
        ("acronym", Column(_("Tên viết tắt"))),
        ("phone", Column(_("Điện thoại"), ColumnKind.CODE)),
        ("email", Column(_("Thư điện tử"), width=28)),
        ("accredited", Column(_("Được công nhận"))),
        ("accredited_by", Column(_("Cơ quan công nhận"))),
        ("accreditation_number", Column(_("Số hiệu công nhận"), ColumnKind.CODE)),
        ("accredited_until", Column(_("Công nhận đến"), ColumnKind.DATE)),
        ("is_active", Column(_("Đang sử dụng"))),
    ],
)
ADOPTION_EXPORT = spec_from_pairs(
    "adoptions",
    _("Áp dụng tiêu chuẩn"),
    Adoption,
    AdoptionFilterSet,
    [
        *ENTERPRISE_COLUMNS,
        ("standard.code", Column(_("Tiêu chuẩn, công cụ"), width=24)),
        ("get_status_display", Column(_("Tình trạng"), width=16)),
        ("started_on", Column(_("Bắt đầu"), ColumnKind.DATE)),
        ("ended_on", Column(_("Kết thúc"), ColumnKind.DATE)),
        ("programme_supported", Column(_("Chương trình hỗ trợ"))),
        ("get_review_state_display", Column(_("Xác minh"), width=20)),
        ("is_archived", Column(_("Đã lưu trữ"))),
    ],
    prepare=lambda qs: qs.select_related("enterprise", "standard"),
    roles=("officer", "leader"),  # the page's list is the staff's
)
CERTIFICATE_EXPORT = spec_from_pairs(
    "certificates",
    _("Chứng chỉ"),
    Certificate,
    CertificateFilterSet,
    [
        ("number", Column(_("Số chứng chỉ"), ColumnKind.CODE, width=20)),
        ("standard.code", Column(_("Tiêu chuẩn"), width=24)),
        *ENTERPRISE_COLUMNS,
        ("body.name", Column(_("Tổ chức chứng nhận"), width=30)),
        ("issued_on", Column(_("Ngày cấp"), ColumnKind.DATE)),
        ("expires_on", Column(_("Ngày hết hạn"), ColumnKind.DATE)),
        ("get_review_state_display", Column(_("Xác minh"), width=20)),
        ("is_archived", Column(_("Đã lưu trữ"))),
    ],
    prepare=lambda qs: qs.select_related("enterprise", "standard", "body"),
    roles=("officer", "leader"),
)
PRODUCT_EXPORT = spec_from_pairs(
    "products",
    _("Sản phẩm"),
    Product,
    ProductFilterSet,
    [
        ("name", Column(_("Tên sản phẩm"), width=36)),
        *ENTERPRISE_COLUMNS,
        ("category", Column(_("Nhóm"), width=20)),
        ("unit", Column(_("Đơn vị tính"))),
        ("gtin", Column(_("GTIN"), ColumnKind.CODE)),
        ("ocop_stars", Column(_("OCOP (sao)"), ColumnKind.NUMBER)),
        ("ocop_year", Column(_("Năm OCOP"), ColumnKind.NUMBER)),
        ("public_code", Column(_("Mã truy xuất"), ColumnKind.CODE)),
        ("is_published", Column(_("Công khai"))),
        ("is_archived", Column(_("Đã lưu trữ"))),
    ],
    prepare=lambda qs: qs.select_related("enterprise"),
)
BARCODE_EXPORT = spec_from_pairs(
    "barcode-registrations",
    _("Mã số mã vạch"),
    BarcodeRegistration,
    BarcodeRegistrationFilterSet,
    [
        ("prefix", Column(_("Mã doanh nghiệp GS1"), ColumnKind.CODE)),
        *ENTERPRISE_COLUMNS,
        ("registered_on", Column(_("Ngày đăng ký"), ColumnKind.DATE)),
        ("certificate_number", Column(_("Số giấy chứng nhận"), ColumnKind.CODE)),
        ("declared_on_national_db", Column(_("Đã khai báo trên cổng quốc gia"))),
        ("revoked_on", Column(_("Ngày thu hồi"), ColumnKind.DATE)),
        ("is_archived", Column(_("Đã lưu trữ"))),
    ],
    prepare=lambda qs: qs.select_related("enterprise"),
)

# --- Viewsets ----------------------------------------------------------------------------------

VERSION_EXAMPLE = OpenApiExample("Phiên bản đã đọc", value={"version": 2}, request_only=True)
RETURN_EXAMPLE = OpenApiExample(
    "Trả lại",
    value={"version": 2, "reason": "Bổ sung bản chụp chứng chỉ còn hiệu lực."},
    request_only=True,
)


def _crud_schema(name, read, write, examples):
    return extend_schema_view(
        list=extend_schema(summary=name, parameters=[FORMAT_PARAMETER], examples=examples),
        retrieve=extend_schema(summary=name, examples=examples),
        create=extend_schema(summary=name, request=write, responses={201: read}),
        partial_update=extend_schema(summary=name, request=write, responses={200: read}),
    )


def _enterprise_of(view, data) -> Enterprise:
    from rest_framework.exceptions import ValidationError

    enterprise = data.pop("enterprise", None)
    if enterprise is None:
        raise ValidationError({"enterprise": [str(_("Trường này là bắt buộc."))]})
    return enterprise


class CatalogueViewSet(
    ServiceWriteMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyScopedViewSet
):
    read_roles = EVERY_ROLE
    write_roles = OFFICER
    http_method_names = ("get", "post", "patch", "head", "options")


STANDARD_EXAMPLE = OpenApiExample(
    "Tiêu chuẩn",
    value={
        "id": 1,
        "code": "TCVN ISO 9001:2015",
        "title": "Hệ thống quản lý chất lượng – Các yêu cầu",
        "kind": "management_system",
        "third_party_certified": True,
        "validity_months": 36,
        "superseded_by": None,
        "notes": "",
        "is_active": True,
        "version": 1,
    },
    response_only=True,
)


@_crud_schema(
    _("Tiêu chuẩn, công cụ"), StandardSerializer, StandardWriteSerializer, [STANDARD_EXAMPLE]
)
class StandardViewSet(CatalogueViewSet):
    model = Standard
    serializer_class = StandardSerializer
    write_serializer_class = StandardWriteSerializer
    filterset_class = StandardFilterSet
    export = STANDARD_EXPORT

    def annotate(self, queryset):
        return queryset.order_by("code", "pk")

    def perform_service_create(self, data):
        return services_catalogue.standard_create(data=data, user=self.request.user)

    def perform_service_update(self, instance, data, version):
        return services_catalogue.standard_update(
            standard_id=instance.pk, data=data, version=version, user=self.request.user
        )


BODY_EXAMPLE = OpenApiExample(
    "Tổ chức chứng nhận",
    value={
        "id": 1,
        "name": "Trung tâm Chứng nhận Phù hợp (QUACERT)",
        "acronym": "QUACERT",
        "address": "8 Hoàng Quốc Việt, Hà Nội",
        "phone": "024 3756 1025",
        "email": "info@quacert.gov.vn",
        "website": "https://quacert.gov.vn",
        "accredited": True,
        "accredited_by": "BoA",
        "accreditation_number": "VICAS 001",
        "accredited_until": "2028-06-30",
        "is_active": True,
        "version": 1,
    },
    response_only=True,
)


@_crud_schema(
    _("Tổ chức chứng nhận"),
    CertificationBodySerializer,
    CertificationBodyWriteSerializer,
    [BODY_EXAMPLE],
)
class CertificationBodyViewSet(CatalogueViewSet):
    model = CertificationBody
    serializer_class = CertificationBodySerializer
    write_serializer_class = CertificationBodyWriteSerializer
    filterset_class = CertificationBodyFilterSet
    export = BODY_EXPORT

    def annotate(self, queryset):
        return queryset.order_by("name", "pk")

    def perform_service_create(self, data):
        return services_catalogue.body_create(data=data, user=self.request.user)

    def perform_service_update(self, instance, data, version):
        return services_catalogue.body_update(
            body_id=instance.pk, data=data, version=version, user=self.request.user
        )


class ReviewedViewSet(
    ServiceWriteMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyScopedViewSet
):
    """Adoptions and certificates: officers record (verified), an enterprise user proposes its
    own; officers verify or return a proposal. Lists are the staff's, as on the pages."""

    read_roles = EVERY_ROLE
    write_roles = WRITERS
    action_roles = {"list": STAFF, "verify": OFFICER, "return_": OFFICER}
    http_method_names = ("get", "post", "patch", "head", "options")
    #: The services that verify and return a record of ``model``, and their record argument.
    verify_service: Callable
    return_service: Callable
    record_argument: str

    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        step = _parse(VersionSerializer, request)
        record = type(self).verify_service(
            **{self.record_argument: self.get_object().pk},
            version=step["version"],
            user=request.user,
        )
        return self._output(record)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        step = _parse(ReasonVersionSerializer, request)
        record = type(self).return_service(
            **{self.record_argument: self.get_object().pk},
            version=step["version"],
            reason=step["reason"],
            user=request.user,
        )
        return self._output(record)


def _review_schema(serializer, example: OpenApiExample):
    """The OpenAPI description of a ``ReviewedViewSet``'s verify and return actions."""
    return extend_schema_view(
        verify=extend_schema(
            summary=_("Xác minh (cán bộ)"),
            request=VersionSerializer,
            responses={200: serializer},
            examples=[VERSION_EXAMPLE, example],
        ),
        return_=extend_schema(
            summary=_("Trả lại để bổ sung (cán bộ)"),
            request=ReasonVersionSerializer,
            responses={200: serializer},
            examples=[RETURN_EXAMPLE, example],
        ),
    )


ADOPTION_EXAMPLE = OpenApiExample(
    "Áp dụng",
    value={
        "id": 7,
        "enterprise": 1,
        "enterprise_name": "Công ty cổ phần Chè Tam Đường",
        "standard": 1,
        "standard_code": "TCVN ISO 9001:2015",
        "status": "applied",
        "started_on": "2021-03-01",
        "ended_on": None,
        "programme_supported": True,
        "support_note": "Hỗ trợ tư vấn 2021",
        "note": "",
        "review_state": "verified",
        "review_reason": "",
        "reviewed_at": "2021-04-02T09:00:00+07:00",
        "is_archived": False,
        "version": 2,
        "created_at": "2021-03-01T08:00:00+07:00",
        "updated_at": "2021-04-02T09:00:00+07:00",
    },
    response_only=True,
)


@_crud_schema(
    _("Áp dụng tiêu chuẩn, công cụ"),
    AdoptionSerializer,
    AdoptionWriteSerializer,
    [ADOPTION_EXAMPLE],
)
@_review_schema(AdoptionSerializer, ADOPTION_EXAMPLE)
class AdoptionViewSet(ReviewedViewSet):
    model = Adoption
    verify_service = services.adoption_verify
    return_service = services.adoption_return
    record_argument = "adoption_id"
    serializer_class = AdoptionSerializer
    write_serializer_class = AdoptionWriteSerializer
    filterset_class = AdoptionFilterSet
    related = ("enterprise", "standard")
    export = ADOPTION_EXPORT

    def perform_service_create(self, data):
        enterprise = _enterprise_of(self, data)
        return services.adoption_create(enterprise=enterprise, data=data, user=self.request.user)

    def perform_service_update(self, instance, data, version):
        data.pop("enterprise", None)
        return services.adoption_update(
            adoption_id=instance.pk, data=data, version=version, user=self.request.user
        )


def _parse(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


CERTIFICATE_EXAMPLE = OpenApiExample(
    "Chứng chỉ",
    value={
        "id": 12,
        "enterprise": 1,
        "enterprise_name": "Công ty cổ phần Chè Tam Đường",
        "standard": 1,
        "standard_code": "TCVN ISO 9001:2015",
        "adoption": 7,
        "number": "QMS 2021/0457",
        "body": 1,
        "body_name": "Trung tâm Chứng nhận Phù hợp (QUACERT)",
        "scope": "Sản xuất và chế biến chè",
        "sites": "Bản Nà Tăm, xã Bình Lư",
        "first_issued_on": "2021-05-10",
        "issued_on": "2024-05-10",
        "expires_on": "2027-05-09",
        "last_audit_on": "2026-04-20",
        "surveillance_due_on": "2027-04-20",
        "withdrawn_on": None,
        "status_today": "valid",
        "review_state": "verified",
        "review_reason": "",
        "reviewed_at": "2024-05-20T10:00:00+07:00",
        "is_archived": False,
        "version": 4,
        "created_at": "2021-05-12T08:00:00+07:00",
        "updated_at": "2026-04-21T15:00:00+07:00",
    },
    response_only=True,
)


@_crud_schema(
    _("Chứng chỉ"), CertificateSerializer, CertificateWriteSerializer, [CERTIFICATE_EXAMPLE]
)
@_review_schema(CertificateSerializer, CERTIFICATE_EXAMPLE)
class CertificateViewSet(ReviewedViewSet):
    model = Certificate
    verify_service = services.certificate_verify
    return_service = services.certificate_return
    record_argument = "certificate_id"
    serializer_class = CertificateSerializer
    write_serializer_class = CertificateWriteSerializer
    filterset_class = CertificateFilterSet
    pagination_class = PortalCursorPagination
    related = ("enterprise", "standard", "body")
    export = CERTIFICATE_EXPORT

    def annotate(self, queryset):
        return queryset.with_status_on(timezone.localdate(), name="status_today")

    def perform_service_create(self, data):
        enterprise = _enterprise_of(self, data)
        return services.certificate_create(enterprise=enterprise, data=data, user=self.request.user)

    def perform_service_update(self, instance, data, version):
        data.pop("enterprise", None)
        return services.certificate_update(
            certificate_id=instance.pk, data=data, version=version, user=self.request.user
        )


PRODUCT_EXAMPLE = OpenApiExample(
    "Sản phẩm",
    value={
        "id": 31,
        "enterprise": 1,
        "enterprise_name": "Công ty cổ phần Chè Tam Đường",
        "name": "Chè Shan tuyết Tam Đường 200 g",
        "category": "Chè",
        "unit": "hộp",
        "description": "",
        "gtin": "8936012345671",
        "barcode_registration": 4,
        "ocop_stars": 4,
        "ocop_score": 78,
        "ocop_year": 2024,
        "public_code": "K7M4Q9P2XH",
        "is_published": True,
        "declared_today": True,
        "is_archived": False,
        "version": 2,
        "created_at": "2024-02-01T08:00:00+07:00",
        "updated_at": "2025-06-11T16:30:00+07:00",
    },
    response_only=True,
)


@_crud_schema(_("Sản phẩm"), ProductSerializer, ProductWriteSerializer, [PRODUCT_EXAMPLE])
@extend_schema_view(
    archive=extend_schema(summary=_("Lưu trữ sản phẩm"), request=None),
    restore=extend_schema(summary=_("Khôi phục sản phẩm"), request=None),
)
class ProductViewSet(
    ServiceWriteMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyScopedViewSet
):
    """Products: officers and leaders see every enterprise's, an enterprise user its own;
    officers and the enterprise's own users register and edit them."""

    model = Product
    serializer_class = ProductSerializer
    write_serializer_class = ProductWriteSerializer
    filterset_class = ProductFilterSet
    pagination_class = PortalCursorPagination
    related = ("enterprise",)
    read_roles = EVERY_ROLE
    write_roles = WRITERS
    export = PRODUCT_EXPORT
    http_method_names = ("get", "post", "patch", "head", "options")

    def annotate(self, queryset):
        from .selectors_products import product_list_declared

        return product_list_declared(queryset)

    def perform_service_create(self, data):
        enterprise = _enterprise_of(self, data)
        return services_products.product_create(
            enterprise=enterprise, data=data, user=self.request.user
        )

    def perform_service_update(self, instance, data, version):
        data.pop("enterprise", None)
        return services_products.product_update(
            product_id=instance.pk, data=data, version=version, user=self.request.user
        )

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        product = services_products.product_set_archived(
            product_id=self.get_object().pk, archived=True, user=request.user
        )
        return self._output(product)

    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        product = services_products.product_set_archived(
            product_id=self.get_object().pk, archived=False, user=request.user
        )
        return self._output(product)


@extend_schema_view(
    list=extend_schema(summary=_("Mã số mã vạch"), parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(summary=_("Một đăng ký mã số mã vạch")),
)
class BarcodeRegistrationViewSet(ReadOnlyScopedViewSet):
    """GS1 company prefixes (read-only here: officers record them on the pages)."""

    model = BarcodeRegistration
    serializer_class = BarcodeRegistrationSerializer
    filterset_class = BarcodeRegistrationFilterSet
    related = ("enterprise",)
    read_roles = EVERY_ROLE
    export = BARCODE_EXPORT

    def annotate(self, queryset):
        return queryset.with_status_on(timezone.localdate(), name="status_today").order_by(
            "prefix", "pk"
        )


DECLARATION_EXAMPLE = OpenApiExample(
    "Bản công bố",
    value={
        "id": 5,
        "enterprise": 1,
        "kind": "conformity_regulation",
        "standard": 3,
        "basis": "self_assessment",
        "certificate": None,
        "products": [31],
        "document_number": "01/2026/CBHQ",
        "declared_on": "2026-11-02",
        "state": "submitted",
        "must_be_filed": True,
        "submitted_at": "2026-11-02T09:00:00+07:00",
        "decision_due_on": "2026-11-09",
        "supplement_due_on": None,
        "receipt_number": "",
        "receipt_date": None,
        "effective_on": None,
        "valid_until": None,
        "reason": "",
        "is_archived": False,
        "version": 2,
        "created_at": "2026-11-02T08:30:00+07:00",
        "updated_at": "2026-11-02T09:00:00+07:00",
    },
    response_only=True,
)
DRAFT_EXAMPLE = OpenApiExample(
    "Bản nháp",
    value={
        "enterprise": 1,
        "kind": "conformity_regulation",
        "standard": 3,
        "basis": "self_assessment",
        "products": [31],
        "document_number": "01/2026/CBHQ",
        "declared_on": "2026-11-02",
    },
    request_only=True,
)
SUPPLEMENT_EXAMPLE = OpenApiExample(
    "Yêu cầu bổ sung",
    value={"version": 2, "reason": "Bổ sung kết quả thử nghiệm còn hiệu lực."},
    request_only=True,
)
ANSWER_EXAMPLE = OpenApiExample(
    "Đã bổ sung",
    value={"version": 3, "note": "Đã tải lên phiếu kết quả thử nghiệm số 125/2026."},
    request_only=True,
)
ACCEPT_EXAMPLE = OpenApiExample(
    "Tiếp nhận",
    value={"version": 2, "receipt_number": "15/TB-SKHCN", "receipt_date": "2026-11-05"},
    request_only=True,
)
REJECT_EXAMPLE = OpenApiExample(
    "Không tiếp nhận",
    value={"version": 2, "reason": "Quy chuẩn công bố không áp dụng cho sản phẩm này."},
    request_only=True,
)


def _step_schema(summary, request, example):
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: DeclarationSerializer},
        examples=[example, DECLARATION_EXAMPLE],
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("Công bố tiêu chuẩn, hợp chuẩn, hợp quy"), examples=[DECLARATION_EXAMPLE]
    ),
    retrieve=extend_schema(summary=_("Một bản công bố"), examples=[DECLARATION_EXAMPLE]),
    create=extend_schema(
        summary=_("Tạo bản nháp công bố"),
        request=DeclarationWriteSerializer,
        responses={201: DeclarationSerializer},
        examples=[DRAFT_EXAMPLE, DECLARATION_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary=_("Sửa bản nháp công bố (hoặc hồ sơ đang bổ sung)"),
        request=DeclarationWriteSerializer,
        responses={200: DeclarationSerializer},
        examples=[VERSION_EXAMPLE, DECLARATION_EXAMPLE],
    ),
    submit=_step_schema(_("Nộp hồ sơ công bố"), VersionSerializer, VERSION_EXAMPLE),
    answer_supplement=_step_schema(
        _("Gửi hồ sơ đã bổ sung"), NoteVersionSerializer, ANSWER_EXAMPLE
    ),
    request_supplement=_step_schema(
        _("Yêu cầu bổ sung hồ sơ (cán bộ)"), ReasonVersionSerializer, SUPPLEMENT_EXAMPLE
    ),
    accept=_step_schema(
        _("Tiếp nhận hồ sơ, cấp thông báo (cán bộ)"), AcceptSerializer, ACCEPT_EXAMPLE
    ),
    reject=_step_schema(
        _("Không tiếp nhận hồ sơ (cán bộ)"), ReasonVersionSerializer, REJECT_EXAMPLE
    ),
)
class DeclarationViewSet(
    ServiceWriteMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyScopedViewSet
):
    """Declarations through ``services_declarations``: an enterprise user (its own) and officers
    write drafts, submit and answer a supplement request; officers alone request a supplement,
    accept (receipt number and date) or reject (reasons). Leaders read."""

    model = Declaration
    serializer_class = DeclarationSerializer
    write_serializer_class = DeclarationWriteSerializer
    prefetch = ("products",)
    read_roles = EVERY_ROLE
    write_roles = WRITERS
    action_roles = {"request_supplement": OFFICER, "accept": OFFICER, "reject": OFFICER}
    filterset_fields = ("kind", "state", "enterprise")
    http_method_names = ("get", "post", "patch", "head", "options")

    def annotate(self, queryset):
        return queryset.order_by("-pk")

    def perform_service_create(self, data):
        enterprise = _enterprise_of(self, data)
        products = data.pop("products", [])
        return services_declarations.declaration_create(
            enterprise=enterprise, data=data, products=products, user=self.request.user
        )

    def perform_service_update(self, instance, data, version):
        data.pop("enterprise", None)
        products = data.pop("products", None)
        return services_declarations.declaration_update(
            declaration_id=instance.pk,
            data=data,
            products=products,
            version=version,
            user=self.request.user,
        )

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        step = _parse(VersionSerializer, request)
        declaration = services_declarations.declaration_submit(
            declaration_id=self.get_object().pk, version=step["version"], user=request.user
        )
        return self._output(declaration)

    @action(
        detail=True, methods=["post"], url_path="answer-supplement", url_name="answer-supplement"
    )
    def answer_supplement(self, request, pk=None):
        step = _parse(NoteVersionSerializer, request)
        declaration = services_declarations.declaration_answer_supplement(
            declaration_id=self.get_object().pk,
            version=step["version"],
            note=step["note"],
            user=request.user,
        )
        return self._output(declaration)

    @action(
        detail=True, methods=["post"], url_path="request-supplement", url_name="request-supplement"
    )
    def request_supplement(self, request, pk=None):
        step = _parse(ReasonVersionSerializer, request)
        declaration = services_declarations.declaration_request_supplement(
            declaration_id=self.get_object().pk,
            version=step["version"],
            reason=step["reason"],
            user=request.user,
        )
        return self._output(declaration)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        step = _parse(AcceptSerializer, request)
        declaration = services_declarations.declaration_accept(
            declaration_id=self.get_object().pk,
            version=step["version"],
            receipt_number=step["receipt_number"],
            receipt_date=step["receipt_date"],
            user=request.user,
        )
        return self._output(declaration)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        step = _parse(ReasonVersionSerializer, request)
        declaration = services_declarations.declaration_reject(
            declaration_id=self.get_object().pk,
            version=step["version"],
            reason=step["reason"],
            user=request.user,
        )
        return self._output(declaration)
