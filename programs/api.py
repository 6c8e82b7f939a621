"""REST API v1 of the programs app: training courses, enrolments and support activities
(read-only here: their writes stay on the pages for now)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers

from laichau_nsc.api.permissions import EVERY_ROLE
from laichau_nsc.api.serializers import PortalModelSerializer
from laichau_nsc.api.viewsets import FORMAT_PARAMETER, ReadOnlyScopedViewSet
from laichau_nsc.exports import Column, ColumnKind
from laichau_nsc.listexport import spec_from_pairs
from laichau_nsc.roles import is_staff_reader

from .filters_training import CourseFilterSet, EnrollmentFilterSet
from .models import Enrollment, SupportActivity, TrainingCourse


class TrainingCourseSerializer(PortalModelSerializer):
    enrolled_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingCourse
        fields = (
            "id",
            "title",
            "topic",
            "starts_on",
            "ends_on",
            "place",
            "admin_unit",
            "organiser",
            "trainers",
            "capacity",
            "enrolled_count",
            "cost",
            "cost_source",
            "enrolment_open",
            "description",
            "is_archived",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class EnrollmentSerializer(PortalModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    enterprise_name = serializers.CharField(
        source="enterprise.name", read_only=True, allow_null=True
    )

    class Meta:
        model = Enrollment
        fields = (
            "id",
            "course",
            "course_title",
            "enterprise",
            "enterprise_name",
            "full_name",
            "position",
            "phone",
            "email",
            "state",
            "completion_number",
            "completed_on",
            "created_at",
            "version",
        )
        read_only_fields = fields


class SupportActivitySerializer(PortalModelSerializer):
    experts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SupportActivity
        fields = (
            "id",
            "enterprise",
            "kind",
            "title",
            "provided_on",
            "adoption",
            "course",
            "experts",
            "decision_number",
            "decision_date",
            "note",
            "is_archived",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


COURSE_EXPORT = spec_from_pairs(
    "courses",
    _("Khóa đào tạo"),
    TrainingCourse,
    CourseFilterSet,
    [
        ("title", Column(_("Tên khóa"), width=40)),
        ("get_topic_display", Column(_("Chủ đề"), width=24)),
        ("starts_on", Column(_("Từ ngày"), ColumnKind.DATE)),
        ("ends_on", Column(_("Đến ngày"), ColumnKind.DATE)),
        ("place", Column(_("Địa điểm"), width=30)),
        ("admin_unit.name", Column(_("Đơn vị hành chính"), width=24)),
        ("organiser", Column(_("Đơn vị tổ chức"), width=30)),
        ("capacity", Column(_("Số chỗ"), ColumnKind.NUMBER)),
        ("cost", Column(_("Kinh phí (đồng)"), ColumnKind.NUMBER)),
        ("enrolment_open", Column(_("Đang nhận đăng ký"))),
        ("is_archived", Column(_("Đã lưu trữ"))),
    ],
    prepare=lambda qs: qs.select_related("admin_unit"),
    filterset_kwargs=lambda user: {"staff": is_staff_reader(user)},
    ordering=("-starts_on", "pk"),
)

COURSE_EXAMPLE = OpenApiExample(
    "Khóa đào tạo",
    value={
        "id": 5,
        "title": "Đào tạo mã số mã vạch và truy xuất nguồn gốc",
        "topic": "barcode_traceability",
        "starts_on": "2026-06-10",
        "ends_on": "2026-06-11",
        "place": "Hội trường Sở KH&CN",
        "admin_unit": 1,
        "organiser": "Sở Khoa học và Công nghệ",
        "trainers": "Chuyên gia GS1 Việt Nam",
        "capacity": 60,
        "enrolled_count": 42,
        "cost": 45000000,
        "cost_source": "province",
        "enrolment_open": False,
        "description": "",
        "is_archived": False,
        "version": 2,
        "created_at": "2026-04-01T08:00:00+07:00",
        "updated_at": "2026-05-02T08:00:00+07:00",
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Khóa đào tạo"), parameters=[FORMAT_PARAMETER], examples=[COURSE_EXAMPLE]
    ),
    retrieve=extend_schema(summary=_("Một khóa đào tạo"), examples=[COURSE_EXAMPLE]),
)
class TrainingCourseViewSet(ReadOnlyScopedViewSet):
    model = TrainingCourse
    serializer_class = TrainingCourseSerializer
    filterset_class = CourseFilterSet
    related = ("admin_unit",)
    read_roles = EVERY_ROLE
    export = COURSE_EXPORT

    def get_filterset_kwargs(self) -> dict:
        return {"staff": is_staff_reader(self.request.user)}

    def annotate(self, queryset):
        return queryset.annotate(
            enrolled_count=Count("enrollments", filter=~Q(enrollments__state="withdrawn"))
        ).order_by("-starts_on", "pk")


ENROLLMENT_EXAMPLE = OpenApiExample(
    "Học viên",
    value={
        "id": 88,
        "course": 5,
        "course_title": "Đào tạo mã số mã vạch và truy xuất nguồn gốc",
        "enterprise": 1,
        "enterprise_name": "Công ty cổ phần Chè Tam Đường",
        "full_name": "Lò Thị Hoa",
        "position": "Kế toán",
        "phone": "0912 345 678",
        "email": "",
        "state": "completed",
        "completion_number": "001/2026/KH5",
        "completed_on": "2026-06-11",
        "created_at": "2026-05-20T09:00:00+07:00",
        "version": 3,
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Học viên"), parameters=[FORMAT_PARAMETER], examples=[ENROLLMENT_EXAMPLE]
    ),
    retrieve=extend_schema(summary=_("Một học viên"), examples=[ENROLLMENT_EXAMPLE]),
)
class EnrollmentViewSet(ReadOnlyScopedViewSet):
    """Trainees: officers and leaders see every one, an enterprise user its own staff."""

    model = Enrollment
    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilterSet
    related = ("course", "enterprise")
    read_roles = EVERY_ROLE

    def annotate(self, queryset):
        return queryset.order_by("-course__starts_on", "course_id", "pk")


@extend_schema_view(
    list=extend_schema(summary=_("Hoạt động hỗ trợ doanh nghiệp")),
    retrieve=extend_schema(summary=_("Một hoạt động hỗ trợ")),
)
class SupportActivityViewSet(ReadOnlyScopedViewSet):
    """What the programme gave each enterprise; an enterprise user sees its own."""

    model = SupportActivity
    serializer_class = SupportActivitySerializer
    prefetch = ("experts",)
    read_roles = EVERY_ROLE
    filterset_fields = ("kind", "enterprise", "is_archived")

    def annotate(self, queryset):
        return queryset.order_by("-provided_on", "pk")
