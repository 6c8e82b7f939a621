"""Every write to training courses, their sessions, enrolments and attendance goes through here.

Keyword-only functions, one transaction each, ``full_clean()`` before saving, the acting user
recorded in the history (HackSoft's services; views, tasks and commands are thin layers over
them). Who may do what is decided here, not only in the views:

- an **officer** creates and edits courses (with the version they loaded), their sessions,
  archives and restores them; enrols anyone, with or without an enterprise, in any course that
  is not archived (also a closed or past one: lists on paper are entered afterwards); corrects
  and withdraws any enrolment; records attendance and completion;
- an **enterprise user** (approved member) enrols the staff of their own enterprise in a course
  open for enrolment that has not started, corrects and withdraws those enrolments until the
  course starts, and sets only ``ENTERPRISE_ENROLLMENT_FIELDS`` (a forged field is refused);
- a **leader** changes nothing.

The rules every writer meets: a person (``person_key``: folded name and phone digits) is
enrolled once per course (withdrawn enrolments do not count); a course never has more active
enrolments than seats, also when two people take the last seat at the same moment (the course
row is locked first, so they are served one after the other); a session lies within the
course's dates, and attendance is recorded only for sessions of the course that have happened.

A refused write raises ``ValidationError`` (a Vietnamese message, nothing changed) or
``PermissionDenied``; a stale version raises ``EditConflictError``.
"""

import datetime
import hashlib
import io
import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.choices import ExportFormat, MembershipState
from enterprises.models import Enterprise, Membership
from laichau_nsc import jobs
from laichau_nsc.editing import lock_for_update
from laichau_nsc.exports import Column, ColumnKind, write_csv, write_xlsx
from laichau_nsc.notifications import notify
from laichau_nsc.roles import Role, has_role, is_officer
from laichau_nsc.text import fold, normalize_code

from .choices import EnrollmentState
from .models import Attendance, CourseSession, Enrollment, EnrollmentExportJob, TrainingCourse

Actor = Literal["officer", "enterprise"]

#: What an officer sets on a course.
COURSE_FIELDS = (
    "title",
    "topic",
    "starts_on",
    "ends_on",
    "place",
    "admin_unit",
    "organiser",
    "trainers",
    "capacity",
    "cost",
    "cost_source",
    "enrolment_open",
    "description",
)
#: What an enterprise user sets on an enrolment of its own staff.
ENTERPRISE_ENROLLMENT_FIELDS = ("enterprise", "full_name", "position", "phone", "email")
#: Officers set the same; the result (state, completion number) has its own service.
OFFICER_ENROLLMENT_FIELDS = ENTERPRISE_ENROLLMENT_FIELDS
#: Not checked by ``full_clean``: ``person_key`` is derived after the fields are cleaned; who
#: enrolled a person may be unknown (an import, a user deleted since).
UNCHECKED = ["person_key", "enrolled_by"]
#: A course over this many days gets no sessions by default (the officer lists them).
DEFAULT_SESSIONS_MAX_DAYS = 31
#: The longest course the portal accepts (a typing error in a year is the usual cause).
COURSE_MAX_DAYS = 366


def _as_user(obj, user) -> None:
    # simple-history takes the author from the request; outside one (tasks, commands) from here.
    obj._history_user = user


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _require_officer(user) -> None:
    if not is_officer(user):
        raise PermissionDenied


def _only_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse any field the actor may not set (a forged form field, a careless caller)."""
    forbidden = sorted(set(data) - set(allowed))
    if forbidden:
        raise ValidationError(
            _("Không được phép đặt các trường: %(fields)s.") % {"fields": ", ".join(forbidden)},
            code="forbidden_field",
        )


def _member_of(user, enterprise_id: int | None) -> bool:
    return (
        enterprise_id is not None
        and has_role(user, Role.ENTERPRISE)
        and Enterprise.objects.for_user(user, "change").filter(pk=enterprise_id).exists()
    )


def _actor(user, enterprise_id: int | None) -> Actor:
    """Officer, or an approved member of the enrolment's enterprise; anyone else is refused."""
    if is_officer(user):
        return "officer"
    if _member_of(user, enterprise_id):
        return "enterprise"
    raise PermissionDenied


# --- The same person ----------------------------------------------------------------------------

_NOT_DIGITS = re.compile(r"\D")


def phone_digits(phone: str | None) -> str:
    """The digits of a phone number as dialled inside Viet Nam: "+84 912 345 678",
    "0084912345678" and "0912.345.678" are all "0912345678"."""
    value = normalize_code(phone or "")
    digits = _NOT_DIGITS.sub("", value)
    if value.startswith("+84") or digits.startswith("0084"):
        digits = "0" + digits.removeprefix("00").removeprefix("84")
    return digits


def person_key(full_name: str, phone: str | None) -> str:
    """What "the same person" means in a course: the name folded (case, diacritics and spaces
    ignored: "Nguyễn  Thị Hoa" is "nguyen thi hoa") and the phone's digits."""
    return f"{fold(full_name)}|{phone_digits(phone)}"


# --- Courses ------------------------------------------------------------------------------------


def _validate_course(course: TrainingCourse) -> None:
    """The course's own fields; its sessions and enrolments are checked by the callers."""
    course.full_clean(validate_unique=False, validate_constraints=False)
    errors: dict[str, list[str]] = {}
    if course.ends_on < course.starts_on:
        errors.setdefault("ends_on", []).append(
            _("Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).")
            % {"end": _day(course.ends_on), "start": _day(course.starts_on)}
        )
    elif (course.ends_on - course.starts_on).days >= COURSE_MAX_DAYS:
        errors.setdefault("ends_on", []).append(
            _("Khóa học dài hơn một năm (%(start)s – %(end)s); vui lòng kiểm tra lại ngày.")
            % {"end": _day(course.ends_on), "start": _day(course.starts_on)}
        )
    unit = course.admin_unit
    if unit is not None and not (
        (unit.valid_from is None or unit.valid_from <= course.starts_on)
        and (unit.valid_to is None or course.starts_on <= unit.valid_to)
    ):
        # Districts ended on 30/06/2025 and communes began on 01/07/2025: a course reports by
        # the unit of its time.
        errors.setdefault("admin_unit", []).append(
            _("%(unit)s không có hiệu lực vào ngày %(start)s, ngày khóa học bắt đầu.")
            % {"unit": unit.name, "start": _day(course.starts_on)}
        )
    if course.cost and not course.cost_source:
        errors.setdefault("cost_source", []).append(_("Chọn nguồn của kinh phí đã nhập."))
    if errors:
        raise ValidationError(errors)
    course.full_clean()


def _default_sessions(course: TrainingCourse) -> list[CourseSession]:
    """One session per day of a short course; a long one gets its sessions listed by hand."""
    days = (course.ends_on - course.starts_on).days + 1
    if days > DEFAULT_SESSIONS_MAX_DAYS:
        return []
    return [
        CourseSession(course=course, day=course.starts_on + datetime.timedelta(days=offset))
        for offset in range(days)
    ]


@transaction.atomic
def course_create(*, data: dict[str, Any], user) -> TrainingCourse:
    """An officer announces a course; a course of up to a month gets one session per day,
    which the officer may change on the sessions page."""
    _require_officer(user)
    _only_fields(data, COURSE_FIELDS)
    course = TrainingCourse(**data)
    _validate_course(course)
    _as_user(course, user)
    course.save()
    CourseSession.objects.bulk_create(_default_sessions(course))
    return course


def _active_count(course: TrainingCourse) -> int:
    return course.enrollments.active().count()


@transaction.atomic
def course_update(*, course_id: int, data: dict[str, Any], version: int, user) -> TrainingCourse:
    """Change a course loaded at ``version``. New dates must still hold every session; fewer
    seats than active enrolments are refused."""
    _require_officer(user)
    _only_fields(data, COURSE_FIELDS)
    course = lock_for_update(TrainingCourse, pk=course_id, version=version)
    for field, value in data.items():
        setattr(course, field, value)
    _validate_course(course)
    outside = [s for s in course.sessions.all() if not course.starts_on <= s.day <= course.ends_on]
    if outside:
        raise ValidationError(
            {
                "starts_on": _(
                    "Các buổi học ngày %(days)s nằm ngoài thời gian mới của khóa học. Hãy sửa "
                    "hoặc xóa các buổi học đó trước."
                )
                % {"days": ", ".join(_day(s.day) for s in outside)}
            }
        )
    enrolled = _active_count(course)
    if course.capacity is not None and course.capacity < enrolled:
        raise ValidationError(
            {
                "capacity": _("Khóa học đã có %(count)s học viên đăng ký; số chỗ không thể ít hơn.")
                % {"count": enrolled}
            }
        )
    course.version += 1
    _as_user(course, user)
    course.save()
    return course


@transaction.atomic
def course_set_archived(*, course_id: int, archived: bool, user) -> TrainingCourse:
    """Archive (hidden from lists, closed to enrolment, kept with its trainees and history) or
    restore a course. Courses are never deleted: the year's figures count them."""
    _require_officer(user)
    course = lock_for_update(TrainingCourse, pk=course_id, version=None)
    if course.is_archived == archived:
        return course
    course.is_archived = archived
    course.version += 1
    _as_user(course, user)
    course.save()
    return course


@dataclass(frozen=True)
class SessionInput:
    """One row of the sessions page: an existing session (``pk``) or a new one."""

    day: datetime.date | None
    title: str = ""
    pk: int | None = None
    delete: bool = False


def _check_session_day(course: TrainingCourse, day: datetime.date) -> None:
    if not course.starts_on <= day <= course.ends_on:
        raise ValidationError(
            _(
                "Ngày %(day)s nằm ngoài thời gian khóa học (%(start)s – %(end)s): buổi học và "
                "điểm danh phải trong thời gian khóa học."
            )
            % {"day": _day(day), "start": _day(course.starts_on), "end": _day(course.ends_on)}
        )


@transaction.atomic
def course_sessions_save(*, course_id: int, rows: list[SessionInput], user) -> TrainingCourse:
    """Add, change and delete a course's sessions in one go.

    Each day must lie within the course; two sessions may share a day (morning, afternoon) but
    not a day and a title; a session with attendance recorded is not deleted, nor moved.
    """
    _require_officer(user)
    course = lock_for_update(TrainingCourse, pk=course_id, version=None)
    if course.is_archived:
        raise ValidationError(_("Khóa học đã lưu trữ; khôi phục trước khi sửa buổi học."))
    existing = {s.pk: s for s in course.sessions.all()}
    recorded = set(
        Attendance.objects.filter(session__course=course).values_list("session_id", flat=True)
    )
    kept: list[CourseSession] = []
    deleted: list[int] = []
    for row in rows:
        session = existing.get(row.pk) if row.pk is not None else CourseSession(course=course)
        if session is None:
            raise ValidationError(_("Buổi học không thuộc khóa học này."))
        if row.delete:
            if session.pk is None:
                continue
            if session.pk in recorded:
                raise ValidationError(
                    _("Buổi học ngày %(day)s đã có điểm danh; không xóa được.")
                    % {"day": _day(session.day)}
                )
            deleted.append(session.pk)
            continue
        if row.day is None:
            raise ValidationError(_("Nhập ngày của mỗi buổi học."))
        _check_session_day(course, row.day)
        if session.pk in recorded and row.day != session.day:
            raise ValidationError(
                _("Buổi học ngày %(day)s đã có điểm danh; không đổi ngày được.")
                % {"day": _day(session.day)}
            )
        session.day, session.title = row.day, row.title
        session.full_clean(exclude=["course"])
        kept.append(session)
    named = {row.pk for row in rows if row.pk is not None}
    untouched = [s for pk, s in existing.items() if pk not in named]
    seen: set[tuple[datetime.date, str]] = set()
    for session in [*untouched, *kept]:
        key = (session.day, fold(session.title))
        if key in seen:
            raise ValidationError(
                _("Có hai buổi học cùng ngày %(day)s và cùng nội dung.")
                % {"day": _day(session.day)}
            )
        seen.add(key)
    CourseSession.objects.filter(pk__in=deleted).delete()
    for session in kept:
        session.save()
    course.version += 1  # an edit form opened before this sees that the course changed
    _as_user(course, user)
    course.save(update_fields=["version", "updated_at"])
    return course


# --- Enrolments ---------------------------------------------------------------------------------


def _lock_course(course_id: int) -> TrainingCourse:
    """The course row, locked: enrolments in one course are served one after the other, so the
    seat count and the duplicate check see every enrolment committed before."""
    return TrainingCourse.objects.select_for_update().get(pk=course_id)


def _check_open_for(course: TrainingCourse, actor: Actor) -> None:
    if course.is_archived:
        raise ValidationError(_("Khóa học đã lưu trữ; không nhận đăng ký."))
    if actor == "officer":
        return
    if not course.enrolment_open:
        raise ValidationError(
            _("Khóa học đã đóng đăng ký. Vui lòng liên hệ cán bộ Sở nếu cần đăng ký thêm.")
        )
    if timezone.localdate() >= course.starts_on:
        raise ValidationError(
            _(
                "Khóa học đã bắt đầu ngày %(day)s; doanh nghiệp không đăng ký hoặc thay đổi "
                "được nữa. Vui lòng liên hệ cán bộ Sở."
            )
            % {"day": _day(course.starts_on)}
        )


def _check_capacity(course: TrainingCourse, enrollment: Enrollment) -> None:
    """A new (or re-activated) enrolment needs a free seat."""
    if course.capacity is None:
        return
    taken = course.enrollments.active().exclude(pk=enrollment.pk).count()
    if taken >= course.capacity:
        raise ValidationError(
            _("Khóa học đã đủ %(capacity)s học viên; không còn chỗ trống.")
            % {"capacity": course.capacity}
        )


def _check_not_enrolled(course: TrainingCourse, enrollment: Enrollment, user) -> None:
    same = (
        course.enrollments.active()
        .filter(person_key=enrollment.person_key)
        .exclude(pk=enrollment.pk)
        .select_related("enterprise")
        .first()
    )
    if same is None:
        return
    # Who enrolled them is named only to those who may see that enrolment.
    visible = (
        is_officer(user) or has_role(user, Role.LEADER) or _member_of(user, same.enterprise_id)
    )
    if visible and same.enterprise is not None:
        where = _(" (đăng ký cho “%(enterprise)s”)") % {"enterprise": same.enterprise.name}
    else:
        where = ""
    raise ValidationError(
        {
            "full_name": _(
                "%(name)s%(phone)s đã có tên trong khóa học này%(where)s; một người chỉ đăng ký "
                "một lần."
            )
            % {
                "name": same.full_name,
                "phone": f" ({same.phone})" if same.phone else "",
                "where": where,
            }
        }
    )


def _validate_enrollment(enrollment: Enrollment) -> None:
    """Normalise and check the fields, then derive ``person_key`` from the cleaned values."""
    enrollment.full_clean(exclude=UNCHECKED, validate_unique=False, validate_constraints=False)
    if enrollment.phone:
        from enterprises.validators import validate_phone

        try:
            validate_phone(enrollment.phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    enrollment.person_key = person_key(enrollment.full_name, enrollment.phone)
    if not enrollment.person_key.split("|")[0]:
        raise ValidationError({"full_name": _("Nhập họ và tên học viên.")})


def _check_enterprise(enterprise: Enterprise | None, actor: Actor, user) -> None:
    if enterprise is None:
        if actor == "enterprise":
            raise ValidationError({"enterprise": _("Chọn doanh nghiệp của học viên.")})
        return
    if actor == "enterprise" and not _member_of(user, enterprise.pk):
        raise PermissionDenied
    if enterprise.is_archived:
        raise ValidationError(
            {
                "enterprise": _("Doanh nghiệp “%(name)s” đã lưu trữ; khôi phục trước khi đăng ký.")
                % {"name": enterprise.name}
            }
        )


def _save_enrollment(enrollment: Enrollment) -> None:
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError as error:
        # The checks above hold the course lock, so only a writer that bypassed it (the admin,
        # a script) can get here; still, the user reads a message rather than a 500.
        raise ValidationError(
            _("Không lưu được: học viên đã có tên trong khóa học, hoặc số chứng nhận đã dùng.")
        ) from error


@transaction.atomic
def enrollment_create(*, course_id: int, data: dict[str, Any], user) -> Enrollment:
    """Enrol a person in a course: an officer anyone (with or without an enterprise), an
    enterprise user the staff of its own enterprise while the course is open and not started."""
    enterprise = data.get("enterprise")
    actor = _actor(user, enterprise.pk if enterprise is not None else None)
    _only_fields(
        data, OFFICER_ENROLLMENT_FIELDS if actor == "officer" else ENTERPRISE_ENROLLMENT_FIELDS
    )
    _check_enterprise(enterprise, actor, user)
    course = _lock_course(course_id)
    _check_open_for(course, actor)
    enrollment = Enrollment(course=course, enrolled_by=user, **data)
    _validate_enrollment(enrollment)
    _check_not_enrolled(course, enrollment, user)
    _check_capacity(course, enrollment)
    enrollment.full_clean(exclude=UNCHECKED[1:])
    _as_user(enrollment, user)
    _save_enrollment(enrollment)
    return enrollment


def _check_changeable(enrollment: Enrollment, actor: Actor) -> None:
    if enrollment.state == EnrollmentState.WITHDRAWN:
        raise ValidationError(_("Học viên đã rút tên khỏi khóa học."))
    if actor == "enterprise" and enrollment.state != EnrollmentState.ENROLLED:
        raise ValidationError(_("Khóa học đã có kết quả; chỉ cán bộ Sở sửa được."))


@transaction.atomic
def enrollment_update(
    *, enrollment_id: int, data: dict[str, Any], version: int, user
) -> Enrollment:
    """Correct an enrolment loaded at ``version`` (name, position, contacts; an officer may also
    move it to another enterprise). Its enterprise's user may do so until the course starts."""
    enrollment = lock_for_update(Enrollment, pk=enrollment_id, version=version)
    actor = _actor(user, enrollment.enterprise_id)
    allowed = OFFICER_ENROLLMENT_FIELDS if actor == "officer" else ENTERPRISE_ENROLLMENT_FIELDS
    _only_fields(data, allowed)
    course = _lock_course(enrollment.course_id)
    _check_changeable(enrollment, actor)
    _check_open_for(course, actor)
    if "enterprise" in data and data["enterprise"] != enrollment.enterprise:
        _check_enterprise(data["enterprise"], actor, user)
    for field, value in data.items():
        setattr(enrollment, field, value)
    _validate_enrollment(enrollment)
    _check_not_enrolled(course, enrollment, user)
    enrollment.full_clean(exclude=UNCHECKED[1:])
    enrollment.version += 1
    _as_user(enrollment, user)
    _save_enrollment(enrollment)
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment_id: int, user) -> Enrollment:
    """Take a person off a course: its enterprise's user before the course starts, an officer
    at any time. The seat is free again; the record stays (with its history)."""
    enrollment = lock_for_update(Enrollment, pk=enrollment_id, version=None)
    actor = _actor(user, enrollment.enterprise_id)
    course = _lock_course(enrollment.course_id)
    if enrollment.state == EnrollmentState.WITHDRAWN:
        return enrollment
    if enrollment.state == EnrollmentState.COMPLETED:
        raise ValidationError(
            _("Học viên đã hoàn thành khóa học (giấy chứng nhận số %(number)s); không rút tên.")
            % {"number": enrollment.completion_number}
        )
    if actor == "enterprise":
        _check_changeable(enrollment, actor)
        if timezone.localdate() >= course.starts_on:
            raise ValidationError(
                _(
                    "Khóa học đã bắt đầu ngày %(day)s; doanh nghiệp không rút tên được nữa. "
                    "Vui lòng liên hệ cán bộ Sở."
                )
                % {"day": _day(course.starts_on)}
            )
    enrollment.state = EnrollmentState.WITHDRAWN
    enrollment.version += 1
    _as_user(enrollment, user)
    enrollment.save()
    return enrollment


# --- Completion ---------------------------------------------------------------------------------

RESULT_STATES = (EnrollmentState.ENROLLED, EnrollmentState.COMPLETED, EnrollmentState.NOT_COMPLETED)


def _next_completion_number(course: TrainingCourse) -> str:
    """ "001/2022/KH12": the next free number in the course (its row is locked)."""
    used = set(
        course.enrollments.exclude(completion_number="").values_list("completion_number", flat=True)
    )
    serial = len(used) + 1
    while True:
        number = f"{serial:03d}/{course.starts_on.year}/KH{course.pk}"
        if number not in used:
            return number
        serial += 1


def _completion_number_taken(course: TrainingCourse, enrollment: Enrollment, number: str) -> bool:
    return (
        course.enrollments.filter(completion_number__iexact=number)
        .exclude(pk=enrollment.pk)
        .exists()
    )


@transaction.atomic
def enrollment_set_result(
    *,
    enrollment_id: int,
    state: str,
    version: int,
    user,
    completion_number: str = "",
    completed_on: datetime.date | None = None,
) -> Enrollment:
    """An officer records whether a trainee completed the course.

    Completed: the completion number is the one typed (unique in the course, case ignored), else
    the one it already has, else the next free one; the date defaults to the course's last day
    and lies between its first day and today. Not completed (or back to "enrolled"): number and
    date are cleared. The enterprise's users are told once their trainee's certificate can be
    downloaded.
    """
    _require_officer(user)
    if state not in RESULT_STATES:
        raise ValidationError({"state": _("Kết quả không hợp lệ.")})
    enrollment = lock_for_update(Enrollment, pk=enrollment_id, version=version)
    course = _lock_course(enrollment.course_id)
    if enrollment.state == EnrollmentState.WITHDRAWN:
        raise ValidationError(_("Học viên đã rút tên khỏi khóa học; không ghi kết quả."))
    today = timezone.localdate()
    if state == EnrollmentState.COMPLETED:
        if today < course.starts_on:
            raise ValidationError(
                _("Khóa học chưa bắt đầu (%(day)s); chưa ghi nhận hoàn thành được.")
                % {"day": _day(course.starts_on)}
            )
        completed_on = completed_on or min(course.ends_on, today)
        if not course.starts_on <= completed_on <= today:
            raise ValidationError(
                {
                    "completed_on": _(
                        "Ngày hoàn thành phải từ ngày khóa học bắt đầu (%(start)s) đến hôm nay."
                    )
                    % {"start": _day(course.starts_on)}
                }
            )
        number = normalize_code(completion_number)
        if number and _completion_number_taken(course, enrollment, number):
            raise ValidationError(
                {
                    "completion_number": _(
                        "Số chứng nhận %(number)s đã cấp cho học viên khác của khóa học."
                    )
                    % {"number": number}
                }
            )
        # Saving a completed trainee again keeps the number already given.
        number = number or enrollment.completion_number or _next_completion_number(course)
        enrollment.completion_number = number
        enrollment.completed_on = completed_on
    else:
        enrollment.completion_number = ""
        enrollment.completed_on = None
    enrollment.state = state
    enrollment.full_clean(exclude=UNCHECKED[1:])
    enrollment.version += 1
    _as_user(enrollment, user)
    _save_enrollment(enrollment)
    if state == EnrollmentState.COMPLETED and enrollment.enterprise_id:
        _notify_completed(enrollment, course)
    return enrollment


def _notify_completed(enrollment: Enrollment, course: TrainingCourse) -> None:
    members = Membership.objects.filter(
        enterprise_id=enrollment.enterprise_id,
        state=MembershipState.APPROVED,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    notify(
        list(members),
        kind="training_completed",
        template="programs/training/email/training_completed",
        context={
            "full_name": enrollment.full_name,
            "course_title": course.title,
            "number": enrollment.completion_number,
        },
        url=reverse("programs:enrollment_detail", args=[enrollment.pk]),
        dedupe_key=f"training-completed:{enrollment.pk}:{enrollment.completion_number}",
    )


# --- Attendance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceOutcome:
    created: int
    changed: int
    unchanged: int


@transaction.atomic
def attendance_record(
    *, course_id: int, marks: Mapping[tuple[int, int], bool], user
) -> AttendanceOutcome:
    """Record the attendance grid of a course in one go: ``marks`` maps (enrolment id, session
    id) to present or absent. Idempotent: the same grid posted twice changes nothing.

    Every enrolment must be an active one of this course and every session one of its sessions
    that has taken place (within the course's dates, not after today); otherwise nothing is
    recorded.
    """
    _require_officer(user)
    course = _lock_course(course_id)
    if course.is_archived:
        raise ValidationError(_("Khóa học đã lưu trữ; khôi phục trước khi điểm danh."))
    sessions = {s.pk: s for s in course.sessions.all()}
    enrollments = set(course.enrollments.active().values_list("pk", flat=True))
    today = timezone.localdate()
    for enrollment_id, session_id in marks:
        if enrollment_id not in enrollments:
            raise ValidationError(
                _("Có học viên không thuộc khóa học (hoặc đã rút tên); tải lại trang điểm danh.")
            )
        session = sessions.get(session_id)
        if session is None:
            raise ValidationError(_("Có buổi học không thuộc khóa học; tải lại trang điểm danh."))
        _check_session_day(course, session.day)
        if session.day > today:
            raise ValidationError(
                _("Buổi học ngày %(day)s chưa diễn ra; chưa điểm danh được.")
                % {"day": _day(session.day)}
            )
    existing = {
        (a.enrollment_id, a.session_id): a
        for a in Attendance.objects.filter(
            enrollment_id__in=[e for e, _s in marks], session_id__in=[s for _e, s in marks]
        )
    }
    new, changed = [], []
    for key, present in marks.items():
        row = existing.get(key)
        if row is None:
            new.append(
                Attendance(
                    enrollment_id=key[0], session_id=key[1], present=present, recorded_by=user
                )
            )
        elif row.present != present:
            row.present, row.recorded_by, row.recorded_at = present, user, timezone.now()
            changed.append(row)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["present", "recorded_by", "recorded_at"])
    return AttendanceOutcome(len(new), len(changed), len(marks) - len(new) - len(changed))


# --- Export -------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    Column(gettext_lazy("Khóa học"), width=40),
    Column(gettext_lazy("Chủ đề"), width=28),
    Column(gettext_lazy("Từ ngày"), ColumnKind.DATE),
    Column(gettext_lazy("Đến ngày"), ColumnKind.DATE),
    Column(gettext_lazy("Nơi tổ chức"), width=28),
    Column(gettext_lazy("Họ và tên"), width=26),
    Column(gettext_lazy("Chức vụ"), width=18),
    Column(gettext_lazy("Doanh nghiệp"), width=36),
    Column(gettext_lazy("Mã số thuế"), ColumnKind.CODE),
    Column(gettext_lazy("Điện thoại"), ColumnKind.CODE),
    Column(gettext_lazy("Thư điện tử"), width=26),
    Column(gettext_lazy("Tình trạng"), width=16),
    Column(gettext_lazy("Số buổi có mặt"), ColumnKind.NUMBER),
    Column(gettext_lazy("Số buổi học"), ColumnKind.NUMBER),
    Column(gettext_lazy("Số chứng nhận hoàn thành"), ColumnKind.CODE, width=20),
    Column(gettext_lazy("Ngày hoàn thành"), ColumnKind.DATE),
)


def enrollment_export_create(*, user, fmt: str, params: dict[str, Any]) -> EnrollmentExportJob:
    """Queue an export of the trainee list as filtered by ``params`` (the list's query). The
    same export asked again while the first is being built is that first job."""
    if fmt not in ExportFormat.values:
        raise ValidationError(_("Định dạng xuất không hợp lệ."))
    if not (is_officer(user) or has_role(user, Role.LEADER, Role.ENTERPRISE)):
        raise PermissionDenied
    canonical = json.dumps(params, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{user.pk}|{fmt}|{canonical}".encode()).hexdigest()
    return jobs.submit(EnrollmentExportJob, dedupe_key=key, user=user, format=fmt, params=params)


def enrollment_export_build(*, job: EnrollmentExportJob, ctx: jobs.RunContext) -> dict[str, Any]:
    """The job runner's handler: write the export's file (in this try's own folder), with the
    rows the asking user may see, as the list filtered them when the export was asked for."""
    from .selectors_training import enrollment_export_rows, filtered_enrollments

    job = EnrollmentExportJob.objects.select_related("user").get(pk=job.pk)
    limit = settings.PORTAL_EXPORT_MAX_ROWS
    total = min(filtered_enrollments(user=job.user, params=job.params).count(), limit)
    rows = _reporting(
        enrollment_export_rows(user=job.user, params=job.params, limit=limit), ctx, total
    )
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    if job.format == ExportFormat.CSV:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        count = write_csv(text, EXPORT_COLUMNS, rows)
        text.flush()
        text.detach()
    else:
        count = write_xlsx(spool, _("Học viên"), EXPORT_COLUMNS, rows)
    spool.seek(0)
    name = f"hoc-vien-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{job.format}"
    ctx.check()
    job.file.save(name, File(spool), save=False)
    return {"file": job.file.name, "row_count": count}


def _reporting(rows: Iterable, ctx: jobs.RunContext, total: int) -> Iterator:
    """Pass rows through, reporting progress (which also checks the job is still ours)."""
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            ctx.progress(done, total)
        yield row
