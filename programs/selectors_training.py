"""Reads of the training pages and the trainee export (HackSoft's selectors). Each page's rows
come in a fixed number of queries, however many courses, trainees or sessions there are."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import QueryDict

from laichau_nsc.collation import vietnamese
from laichau_nsc.querysets import member_enterprise_ids
from laichau_nsc.roles import Role, is_staff_reader, roles_of

from .choices import CourseTopic, EnrollmentState
from .filters_training import EnrollmentFilterSet
from .models import Attendance, CourseSession, Enrollment, TrainingCourse

ACTIVE = ~Q(enrollments__state=EnrollmentState.WITHDRAWN)


def courses_for(user) -> QuerySet[TrainingCourse]:
    """The courses a user sees, with ``enrolled_count`` (active enrolments, every enterprise)
    and, for an enterprise user, ``own_count`` (those of their own enterprises)."""
    queryset = (
        TrainingCourse.objects.for_user(user)
        .select_related("admin_unit")
        .annotate(enrolled_count=Count("enrollments", filter=ACTIVE))
    )
    if Role.ENTERPRISE in roles_of(user) and not is_staff_reader(user):
        own = ACTIVE & Q(enrollments__enterprise__in=member_enterprise_ids(user))
        queryset = queryset.annotate(own_count=Count("enrollments", filter=own))
    return queryset


def course_trainees(*, course: TrainingCourse, user) -> list[Enrollment]:
    """The enrolments of a course the user may see (an enterprise user: its own), withdrawn
    ones last, each with ``present_count``: one query."""
    return list(
        Enrollment.objects.for_user(user)
        .filter(course=course)
        .select_related("enterprise")
        .annotate(
            present_count=Count("attendances", filter=Q(attendances__present=True)),
            withdrawn_last=Case(
                When(state=EnrollmentState.WITHDRAWN, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("withdrawn_last", vietnamese("full_name"), "pk")
    )


@dataclass
class GridRow:
    enrollment: Enrollment
    cells: list[tuple[CourseSession, bool | None]] = field(default_factory=list)

    @property
    def present_count(self) -> int:
        return sum(1 for _session, present in self.cells if present)


@dataclass
class AttendanceGrid:
    """Trainees (active enrolments) × sessions, each cell present, absent or not recorded."""

    sessions: list[CourseSession]
    rows: list[GridRow]

    def cell_keys(self, *, until) -> list[str]:
        """The cells that may be recorded (sessions up to ``until``), as the form names them."""
        return [
            f"{row.enrollment.pk}-{session.pk}"
            for row in self.rows
            for session, _present in row.cells
            if session.day <= until
        ]


def attendance_grid(*, course: TrainingCourse) -> AttendanceGrid:
    """Three queries: sessions, active enrolments, recorded attendance."""
    sessions = list(course.sessions.order_by("day", "pk"))
    enrollments = list(
        course.enrollments.active()
        .select_related("enterprise")
        .order_by(vietnamese("full_name"), "pk")
    )
    recorded = {
        (a.enrollment_id, a.session_id): a.present
        for a in Attendance.objects.filter(session__course=course).only(
            "enrollment_id", "session_id", "present"
        )
    }
    rows = [GridRow(e, [(s, recorded.get((e.pk, s.pk))) for s in sessions]) for e in enrollments]
    return AttendanceGrid(sessions, rows)


def _to_querydict(params: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def enrollments_for(user) -> QuerySet[Enrollment]:
    """The trainee list's rows: the user's enrolments, newest course first, names in order."""
    return (
        Enrollment.objects.for_user(user)
        .select_related("course", "enterprise")
        .order_by("-course__starts_on", "course_id", vietnamese("full_name"), "pk")
    )


def filtered_enrollments(*, user, params: dict[str, Any] | QueryDict) -> QuerySet[Enrollment]:
    """The user's enrolments narrowed by the list's filters; invalid filters give no rows."""
    data = params if isinstance(params, QueryDict) else _to_querydict(params)
    filterset = EnrollmentFilterSet(data, queryset=enrollments_for(user))
    return filterset.qs if filterset.is_valid() else Enrollment.objects.none()


EXPORT_FIELDS = (
    "course__title",
    "course__topic",
    "course__starts_on",
    "course__ends_on",
    "course__place",
    "full_name",
    "position",
    "enterprise__name",
    "enterprise__tax_code",
    "phone",
    "email",
    "state",
    "present_count",
    "session_count",
    "completion_number",
    "completed_on",
)


def enrollment_export_rows(*, user, params: dict[str, Any], limit: int) -> Iterator[list[Any]]:
    """Rows of the trainee export in list order, choices as their labels."""
    labels = {
        "course__topic": dict(CourseTopic.choices),
        "state": dict(EnrollmentState.choices),
    }
    sessions = (
        CourseSession.objects.filter(course_id=OuterRef("course_id"))
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        filtered_enrollments(user=user, params=params)
        .annotate(
            present_count=Count("attendances", filter=Q(attendances__present=True)),
            session_count=Coalesce(Subquery(sessions), 0),
        )
        .values_list(*EXPORT_FIELDS)[:limit]
    )
    for row in rows.iterator(chunk_size=2000):
        yield [
            str(labels[f].get(v, v)) if f in labels and v else v
            for f, v in zip(EXPORT_FIELDS, row, strict=True)
        ]


def certificate_context(enrollment: Enrollment) -> dict[str, Any]:
    """What the certificate of completion shows (``templates/programs/training/
    certificate_pdf.html``); the issuing place and department come from the settings."""
    course = enrollment.course
    issued_on = enrollment.completed_on or course.ends_on
    return {
        "enrollment": enrollment,
        "course": course,
        "province": settings.PORTAL_PROVINCE_NAME,
        "department": settings.PORTAL_DEPARTMENT_NAME,
        "issued_text": administrative_date(issued_on),
        "single_day": course.starts_on == course.ends_on,
    }


def administrative_date(day) -> str:
    """ "ngày 05 tháng 01 năm 2023" as Decree 30/2020/NĐ-CP writes dates: a day below 10 and the
    months 1 and 2 take a leading zero, other months none."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
