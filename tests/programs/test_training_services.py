"""Training services: every refusal is a Vietnamese message and changes nothing; who may do what
is checked in the services (forged fields included); attendance is idempotent; completion
numbers are unique in a course."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laichau_nsc.editing import EditConflictError
from laichau_nsc.models import Notification
from programs import services_training as services
from programs.choices import EnrollmentState
from programs.models import Attendance, CourseSession, Enrollment, TrainingCourse
from tests.enterprises.factories import EnterpriseFactory
from tests.programs.training_factories import AttendanceFactory, CourseFactory, EnrollmentFactory

D = datetime.date
TODAY = timezone.localdate
pytestmark = pytest.mark.django_db


def messages_of(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def course_data(**changes):
    data = {
        "title": "Tập huấn xây dựng, áp dụng TCVN ISO 9001:2015",
        "topic": "standards",
        "starts_on": days(20),
        "ends_on": days(22),
        "place": "Hội trường UBND huyện Tam Đường",
        "organiser": "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "capacity": 40,
        "cost": 25_000_000,
        "cost_source": "provincial_budget",
    }
    return {**data, **changes}


def person(**changes):
    return {"full_name": "Lò Thị Mai", "phone": "0912 345 678", **changes}


# --- The same person ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    ["0912345678", "0912.345.678", "+84 912 345 678", "0084912345678", "０９１２３４５６７８"],
)
def test_phone_digits_read_every_way_of_writing_one_number(phone):
    assert services.phone_digits(phone) == "0912345678"


def test_person_key_ignores_case_diacritics_and_spaces():
    assert services.person_key("Nguyễn  Thị Hoa", "0912 345 678") == services.person_key(
        "NGUYEN THI HOA", "+84912345678"
    )
    assert services.person_key("Nguyễn Thị Hoa", "0912345678") != services.person_key(
        "Nguyễn Thị Hoa", "0912345679"
    )


# --- Courses ------------------------------------------------------------------------------------


def test_officer_creates_a_course_with_a_session_a_day_and_its_history(officer):
    course = services.course_create(data=course_data(), user=officer)
    assert [s.day for s in course.sessions.order_by("day")] == [days(20), days(21), days(22)]
    assert course.history.get().history_user == officer


def test_a_long_course_gets_no_default_sessions(officer):
    course = services.course_create(data=course_data(ends_on=days(80)), user=officer)
    assert not course.sessions.exists()


COURSE_REFUSALS = {
    "ends before it starts": ({"ends_on": days(19)}, "trước ngày bắt đầu"),
    "longer than a year": ({"ends_on": days(20 + 400)}, "dài hơn một năm"),
    "a cost without its source": ({"cost_source": ""}, "Chọn nguồn của kinh phí"),
    "no title": ({"title": "  "}, ""),
}


@pytest.mark.parametrize("case", COURSE_REFUSALS, ids=list(COURSE_REFUSALS))
def test_course_refusals_change_nothing(case, officer):
    changes, message = COURSE_REFUSALS[case]
    with pytest.raises(ValidationError) as error:
        services.course_create(data=course_data(**changes), user=officer)
    assert message in messages_of(error)
    assert not TrainingCourse.objects.exists()
    assert not CourseSession.objects.exists()


def test_a_course_takes_the_administrative_unit_of_its_time(officer):
    from tests.enterprises.factories import AdministrativeUnitFactory

    district = AdministrativeUnitFactory(
        name="Huyện Tam Đường", level="district", valid_from=D(2000, 1, 1), valid_to=D(2025, 6, 30)
    )
    old = services.course_create(
        data=course_data(starts_on=D(2022, 5, 10), ends_on=D(2022, 5, 12), admin_unit=district),
        user=officer,
    )
    assert old.admin_unit == district
    with pytest.raises(ValidationError) as error:
        services.course_create(data=course_data(admin_unit=district), user=officer)
    assert "Huyện Tam Đường không có hiệu lực vào ngày" in messages_of(error)
    assert TrainingCourse.objects.count() == 1


def test_only_officers_create_courses(leader, ent_a):
    for user in (leader, ent_a):
        with pytest.raises(PermissionDenied):
            services.course_create(data=course_data(), user=user)
    assert not TrainingCourse.objects.exists()


def test_a_forged_course_field_is_refused(officer):
    with pytest.raises(ValidationError) as error:
        services.course_create(data=course_data(is_archived=True), user=officer)
    assert "is_archived" in messages_of(error)


def test_course_edit_with_a_stale_version_is_a_conflict(officer):
    course = CourseFactory()
    services.course_update(course_id=course.pk, data={"place": "Nơi khác"}, version=1, user=officer)
    with pytest.raises(EditConflictError) as conflict:
        services.course_update(
            course_id=course.pk, data={"place": "Nơi thứ ba"}, version=1, user=officer
        )
    assert [c.field for c in conflict.value.changes] == ["place"]
    assert TrainingCourse.objects.get().place == "Nơi khác"


def test_new_dates_must_still_hold_every_session(officer):
    course = CourseFactory(days_from_today=10, length=3)
    with pytest.raises(ValidationError) as error:
        services.course_update(
            course_id=course.pk, data={"ends_on": days(10)}, version=1, user=officer
        )
    assert f"{days(11):%d/%m/%Y}, {days(12):%d/%m/%Y} nằm ngoài" in messages_of(error)
    course.refresh_from_db()
    assert (course.ends_on, course.version) == (days(12), 1)


def test_capacity_cannot_fall_below_the_active_enrolments(officer):
    course = CourseFactory(capacity=5)
    EnrollmentFactory.create_batch(3, course=course)
    EnrollmentFactory(course=course, state=EnrollmentState.WITHDRAWN)
    with pytest.raises(ValidationError) as error:
        services.course_update(course_id=course.pk, data={"capacity": 2}, version=1, user=officer)
    assert "đã có 3 học viên" in messages_of(error)
    services.course_update(course_id=course.pk, data={"capacity": 3}, version=1, user=officer)


def test_archived_course_keeps_its_trainees_and_takes_no_enrolment(officer):
    course = CourseFactory()
    EnrollmentFactory(course=course)
    services.course_set_archived(course_id=course.pk, archived=True, user=officer)
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(course_id=course.pk, data=person(), user=officer)
    assert "đã lưu trữ" in messages_of(error)
    assert course.enrollments.count() == 1
    services.course_set_archived(course_id=course.pk, archived=False, user=officer)
    services.enrollment_create(course_id=course.pk, data=person(), user=officer)


# --- Sessions -----------------------------------------------------------------------------------


def test_sessions_are_added_changed_and_deleted_in_one_go(officer):
    course = CourseFactory(days_from_today=10, length=3)
    first, second, third = course.sessions.order_by("day")
    services.course_sessions_save(
        course_id=course.pk,
        rows=[
            services.SessionInput(day=first.day, title="Sáng: 5S", pk=first.pk),
            services.SessionInput(day=first.day, title="Chiều: Kaizen"),
            services.SessionInput(day=third.day, pk=second.pk, delete=True),
        ],
        user=officer,
    )
    assert sorted(course.sessions.values_list("day", "title")) == [
        (first.day, "Chiều: Kaizen"),
        (first.day, "Sáng: 5S"),
        (third.day, ""),
    ]


def test_a_session_outside_the_course_is_refused(officer):
    course = CourseFactory(days_from_today=10, length=2)
    with pytest.raises(ValidationError) as error:
        services.course_sessions_save(
            course_id=course.pk, rows=[services.SessionInput(day=days(12))], user=officer
        )
    assert f"Ngày {days(12):%d/%m/%Y} nằm ngoài thời gian khóa học" in messages_of(error)
    assert course.sessions.count() == 2


def test_a_session_with_attendance_is_neither_deleted_nor_moved(officer):
    course = CourseFactory(days_from_today=-3, length=2)
    session = course.sessions.order_by("day").first()
    AttendanceFactory(enrollment=EnrollmentFactory(course=course), session=session)
    for row in (
        services.SessionInput(day=session.day, pk=session.pk, delete=True),
        services.SessionInput(day=course.ends_on, pk=session.pk),
    ):
        with pytest.raises(ValidationError) as error:
            services.course_sessions_save(course_id=course.pk, rows=[row], user=officer)
        assert "đã có điểm danh" in messages_of(error)
    assert course.sessions.filter(pk=session.pk, day=session.day).exists()


def test_two_sessions_with_one_day_and_title_are_refused(officer):
    course = CourseFactory(days_from_today=10, length=1)
    with pytest.raises(ValidationError) as error:
        services.course_sessions_save(
            course_id=course.pk, rows=[services.SessionInput(day=days(10))], user=officer
        )
    assert "cùng ngày" in messages_of(error)
    assert course.sessions.count() == 1


# --- Enrolment ----------------------------------------------------------------------------------


def test_enterprise_user_enrols_its_own_staff(ent_a, enterprise_a):
    course = CourseFactory()
    enrollment = services.enrollment_create(
        course_id=course.pk,
        data=person(enterprise=enterprise_a, position="Kế toán", email="mai@chetamduong.vn"),
        user=ent_a,
    )
    assert enrollment.person_key == "lo thi mai|0912345678"
    assert (enrollment.enterprise, enrollment.enrolled_by) == (enterprise_a, ent_a)
    assert enrollment.history.get().history_user == ent_a


def test_enterprise_user_cannot_enrol_for_another_enterprise(ent_a, enterprise_b):
    with pytest.raises(PermissionDenied):
        services.enrollment_create(
            course_id=CourseFactory().pk, data=person(enterprise=enterprise_b), user=ent_a
        )
    assert not Enrollment.objects.exists()


def test_enterprise_user_must_name_its_enterprise(ent_a):
    with pytest.raises(PermissionDenied):
        services.enrollment_create(course_id=CourseFactory().pk, data=person(), user=ent_a)
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    "forged",
    [
        {"state": "completed"},
        {"completion_number": "001/2026/KH1"},
        {"person_key": "x|1"},
        {"enrolled_by": None},
    ],
)
def test_forged_fields_of_an_enterprise_user_are_refused(forged, ent_a, enterprise_a):
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(
            course_id=CourseFactory().pk, data=person(enterprise=enterprise_a, **forged), user=ent_a
        )
    assert "Không được phép đặt các trường" in messages_of(error)
    assert not Enrollment.objects.exists()


def test_leaders_enrol_nobody(leader):
    with pytest.raises(PermissionDenied):
        services.enrollment_create(course_id=CourseFactory().pk, data=person(), user=leader)


def test_officer_enrols_anyone_with_or_without_an_enterprise(officer, enterprise_b):
    course = CourseFactory()
    services.enrollment_create(course_id=course.pk, data=person(), user=officer)
    services.enrollment_create(
        course_id=course.pk,
        data=person(full_name="Vàng A Dế", enterprise=enterprise_b),
        user=officer,
    )
    assert sorted(course.enrollments.values_list("enterprise", flat=True), key=str) == [
        enterprise_b.pk,
        None,
    ]


@pytest.mark.parametrize(
    "again",
    [
        person(),
        person(full_name="LÒ THỊ MAI", phone="+84 912 345 678"),
        person(full_name="Lo  Thi   Mai", phone="0912.345.678"),
    ],
)
def test_a_person_enrolled_twice_is_refused(again, officer):
    course = CourseFactory()
    services.enrollment_create(course_id=course.pk, data=person(), user=officer)
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(course_id=course.pk, data=again, user=officer)
    assert "Lò Thị Mai (0912 345 678) đã có tên trong khóa học này" in messages_of(error)
    assert course.enrollments.count() == 1


def test_the_same_name_with_another_phone_is_another_person(officer):
    course = CourseFactory()
    services.enrollment_create(course_id=course.pk, data=person(), user=officer)
    services.enrollment_create(course_id=course.pk, data=person(phone="0988 111 222"), user=officer)
    assert course.enrollments.count() == 2


def test_a_withdrawn_enrolment_does_not_count(officer):
    course = CourseFactory()
    first = services.enrollment_create(course_id=course.pk, data=person(), user=officer)
    services.enrollment_withdraw(enrollment_id=first.pk, user=officer)
    services.enrollment_create(course_id=course.pk, data=person(), user=officer)
    assert course.enrollments.active().count() == 1


def test_the_duplicate_message_names_another_enterprise_only_to_who_may_see_it(
    officer, ent_a, enterprise_a, enterprise_b
):
    course = CourseFactory()
    services.enrollment_create(
        course_id=course.pk, data=person(enterprise=enterprise_b), user=officer
    )
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(
            course_id=course.pk, data=person(enterprise=enterprise_a), user=ent_a
        )
    assert enterprise_b.name not in messages_of(error)
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(course_id=course.pk, data=person(), user=officer)
    assert enterprise_b.name in messages_of(error)


def test_a_full_course_refuses_one_more_also_from_an_officer(officer, ent_a, enterprise_a):
    course = CourseFactory(capacity=2)
    EnrollmentFactory(course=course)
    EnrollmentFactory(course=course, state=EnrollmentState.WITHDRAWN)  # its seat is free
    services.enrollment_create(
        course_id=course.pk, data=person(enterprise=enterprise_a), user=ent_a
    )
    for user, data in (
        (ent_a, person(full_name="Khác", enterprise=enterprise_a)),
        (officer, person(full_name="Khác")),
    ):
        with pytest.raises(ValidationError) as error:
            services.enrollment_create(course_id=course.pk, data=data, user=user)
        assert "đã đủ 2 học viên" in messages_of(error)
    assert course.enrollments.active().count() == 2


@pytest.mark.parametrize(
    ("course_kwargs", "message"),
    [
        ({"enrolment_open": False}, "đã đóng đăng ký"),
        ({"days_from_today": 0}, "đã bắt đầu"),
        ({"days_from_today": -30}, "đã bắt đầu"),
    ],
    ids=["closed", "starts today", "past"],
)
def test_enterprise_cannot_enrol_in_a_closed_or_started_course_but_an_officer_can(
    course_kwargs, message, officer, ent_a, enterprise_a
):
    course = CourseFactory(**course_kwargs)
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(
            course_id=course.pk, data=person(enterprise=enterprise_a), user=ent_a
        )
    assert message in messages_of(error)
    assert not course.enrollments.exists()
    services.enrollment_create(
        course_id=course.pk, data=person(enterprise=enterprise_a), user=officer
    )


def test_an_archived_enterprise_takes_no_enrolment(officer):
    enterprise = EnterpriseFactory(is_archived=True)
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(
            course_id=CourseFactory().pk, data=person(enterprise=enterprise), user=officer
        )
    assert "đã lưu trữ" in messages_of(error)


def test_a_bad_phone_is_refused(officer):
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(
            course_id=CourseFactory().pk, data=person(phone="gọi anh Mai"), user=officer
        )
    assert "Số điện thoại không hợp lệ." in messages_of(error)
    assert not Enrollment.objects.exists()


# --- Corrections and withdrawal -----------------------------------------------------------------


def test_enterprise_corrects_its_own_enrolment_before_the_course_starts(ent_a, enterprise_a):
    enrollment = EnrollmentFactory(enterprise=enterprise_a)
    services.enrollment_update(
        enrollment_id=enrollment.pk, data={"full_name": "Lò Văn Minh"}, version=1, user=ent_a
    )
    enrollment.refresh_from_db()
    assert (enrollment.full_name, enrollment.version) == ("Lò Văn Minh", 2)
    assert enrollment.person_key.startswith("lo van minh|")


def test_a_correction_that_makes_a_duplicate_is_refused(officer):
    course = CourseFactory()
    EnrollmentFactory(course=course, **person())
    other = EnrollmentFactory(course=course, full_name="Khác", phone="0912345678")
    with pytest.raises(ValidationError) as error:
        services.enrollment_update(
            enrollment_id=other.pk, data={"full_name": "Lò Thị Mai"}, version=1, user=officer
        )
    assert "đã có tên trong khóa học" in messages_of(error)
    other.refresh_from_db()
    assert other.full_name == "Khác"


def test_another_enterprise_cannot_touch_an_enrolment(ent_a, enterprise_b):
    enrollment = EnrollmentFactory(enterprise=enterprise_b)
    with pytest.raises(PermissionDenied):
        services.enrollment_update(
            enrollment_id=enrollment.pk, data={"full_name": "X"}, version=1, user=ent_a
        )
    with pytest.raises(PermissionDenied):
        services.enrollment_withdraw(enrollment_id=enrollment.pk, user=ent_a)
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.ENROLLED


def test_enterprise_withdraws_before_the_course_starts_not_after(ent_a, enterprise_a):
    upcoming = EnrollmentFactory(enterprise=enterprise_a)
    services.enrollment_withdraw(enrollment_id=upcoming.pk, user=ent_a)
    upcoming.refresh_from_db()
    assert upcoming.state == EnrollmentState.WITHDRAWN
    started = EnrollmentFactory(enterprise=enterprise_a, course=CourseFactory(days_from_today=0))
    with pytest.raises(ValidationError) as error:
        services.enrollment_withdraw(enrollment_id=started.pk, user=ent_a)
    assert "không rút tên được nữa" in messages_of(error)
    started.refresh_from_db()
    assert started.state == EnrollmentState.ENROLLED


def test_officer_withdraws_at_any_time_but_not_a_completed_trainee(officer):
    running = EnrollmentFactory(course=CourseFactory(days_from_today=-1, length=3))
    services.enrollment_withdraw(enrollment_id=running.pk, user=officer)
    done = EnrollmentFactory(state=EnrollmentState.COMPLETED, completion_number="7")
    with pytest.raises(ValidationError) as error:
        services.enrollment_withdraw(enrollment_id=done.pk, user=officer)
    assert "đã hoàn thành" in messages_of(error)


# --- Attendance ---------------------------------------------------------------------------------


@pytest.fixture
def running_course():
    """Started two days ago, four days long: two sessions have taken place, one is today."""
    course = CourseFactory(days_from_today=-2, length=4)
    EnrollmentFactory.create_batch(2, course=course)
    return course


def _grid(course, present=True) -> dict:
    sessions = course.sessions.filter(day__lte=TODAY())
    return {(e.pk, s.pk): present for e in course.enrollments.active() for s in sessions}


def test_attendance_grid_is_recorded_once_and_again_changes_nothing(officer, running_course):
    marks = _grid(running_course)
    outcome = services.attendance_record(course_id=running_course.pk, marks=marks, user=officer)
    assert (outcome.created, outcome.changed) == (6, 0)
    before = list(Attendance.objects.order_by("pk").values_list("pk", "present", "recorded_at"))
    outcome = services.attendance_record(course_id=running_course.pk, marks=marks, user=officer)
    assert (outcome.created, outcome.changed, outcome.unchanged) == (0, 0, 6)
    after = list(Attendance.objects.order_by("pk").values_list("pk", "present", "recorded_at"))
    assert after == before
    absent = next(iter(marks))
    outcome = services.attendance_record(
        course_id=running_course.pk, marks={**marks, absent: False}, user=officer
    )
    assert (outcome.created, outcome.changed) == (0, 1)
    assert Attendance.objects.filter(present=False).count() == 1


def test_attendance_for_a_session_that_has_not_happened_is_refused(officer, running_course):
    tomorrow = running_course.sessions.get(day=days(1))
    enrollment = running_course.enrollments.first()
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            course_id=running_course.pk, marks={(enrollment.pk, tomorrow.pk): True}, user=officer
        )
    assert "chưa diễn ra" in messages_of(error)
    assert not Attendance.objects.exists()


def test_attendance_on_a_date_outside_the_course_is_refused(officer, running_course):
    # A session moved outside the course behind the services' back (a script, the database).
    session = running_course.sessions.order_by("day").first()
    CourseSession.objects.filter(pk=session.pk).update(day=days(-10))
    marks = _grid(running_course)
    with pytest.raises(ValidationError) as error:
        services.attendance_record(course_id=running_course.pk, marks=marks, user=officer)
    assert f"Ngày {days(-10):%d/%m/%Y} nằm ngoài thời gian khóa học" in messages_of(error)
    assert not Attendance.objects.exists()


def test_attendance_of_someone_else_is_refused(officer, running_course):
    stranger = EnrollmentFactory(course=CourseFactory(days_from_today=-2))
    withdrawn = EnrollmentFactory(course=running_course, state=EnrollmentState.WITHDRAWN)
    session = running_course.sessions.order_by("day").first()
    for enrollment in (stranger, withdrawn):
        with pytest.raises(ValidationError):
            services.attendance_record(
                course_id=running_course.pk,
                marks={**_grid(running_course), (enrollment.pk, session.pk): True},
                user=officer,
            )
    assert not Attendance.objects.exists()


def test_only_officers_record_attendance(leader, ent_a, running_course):
    for user in (leader, ent_a):
        with pytest.raises(PermissionDenied):
            services.attendance_record(
                course_id=running_course.pk, marks=_grid(running_course), user=user
            )


# --- Completion ---------------------------------------------------------------------------------


@pytest.fixture
def finished_course():
    return CourseFactory(days_from_today=-10, length=3)


def _result(enrollment, user, state="completed", **kwargs):
    enrollment.refresh_from_db()
    return services.enrollment_set_result(
        enrollment_id=enrollment.pk, state=state, version=enrollment.version, user=user, **kwargs
    )


def test_completion_numbers_are_generated_in_order(officer, finished_course):
    first, second = EnrollmentFactory.create_batch(2, course=finished_course)
    year, pk = finished_course.starts_on.year, finished_course.pk
    assert _result(first, officer).completion_number == f"001/{year}/KH{pk}"
    assert _result(second, officer).completion_number == f"002/{year}/KH{pk}"
    first.refresh_from_db()
    assert first.completed_on == finished_course.ends_on


def test_a_typed_completion_number_is_unique_in_the_course(officer, finished_course):
    first, second = EnrollmentFactory.create_batch(2, course=finished_course)
    _result(first, officer, completion_number="CN-15/2026")
    with pytest.raises(ValidationError) as error:
        _result(second, officer, completion_number="cn-15/2026")
    assert "đã cấp cho học viên khác" in messages_of(error)
    second.refresh_from_db()
    assert (second.state, second.completion_number) == (EnrollmentState.ENROLLED, "")
    # Another course may use the same number.
    elsewhere = EnrollmentFactory(course=CourseFactory(days_from_today=-5))
    assert _result(elsewhere, officer, completion_number="CN-15/2026").completion_number


def test_not_completed_clears_the_number(officer, finished_course):
    enrollment = EnrollmentFactory(course=finished_course)
    _result(enrollment, officer)
    result = _result(enrollment, officer, state="not_completed")
    assert (result.completion_number, result.completed_on) == ("", None)


@pytest.mark.parametrize(
    ("state_kwargs", "message"),
    [
        ({"state": "withdrawn"}, "đã rút tên"),
        ({"course": "upcoming"}, "chưa bắt đầu"),
        ({"completed_on": "future"}, "đến hôm nay"),
        ({"result": "passed"}, "Kết quả không hợp lệ"),
    ],
    ids=["withdrawn", "course not started", "completed in the future", "unknown result"],
)
def test_result_refusals_change_nothing(state_kwargs, message, officer, finished_course):
    course = CourseFactory() if state_kwargs.get("course") == "upcoming" else finished_course
    enrollment = EnrollmentFactory(course=course, state=state_kwargs.get("state", "enrolled"))
    kwargs = {"completed_on": days(3)} if "completed_on" in state_kwargs else {}
    with pytest.raises(ValidationError) as error:
        _result(enrollment, officer, state=state_kwargs.get("result", "completed"), **kwargs)
    assert message in messages_of(error)
    enrollment.refresh_from_db()
    assert enrollment.completion_number == ""
    assert enrollment.version == 1


def test_only_officers_record_results(leader, ent_a, enterprise_a, finished_course):
    enrollment = EnrollmentFactory(course=finished_course, enterprise=enterprise_a)
    for user in (leader, ent_a):
        with pytest.raises(PermissionDenied):
            _result(enrollment, user)


def test_the_enterprise_is_told_once_that_its_trainee_completed(
    officer, ent_a, enterprise_a, finished_course
):
    enrollment = EnrollmentFactory(course=finished_course, enterprise=enterprise_a)
    _result(enrollment, officer)
    _result(enrollment, officer, completion_number=enrollment.completion_number or "")
    notification = Notification.objects.get(recipient=ent_a)
    assert enrollment.full_name in notification.title
    assert notification.url == enrollment.get_absolute_url()
    assert not Notification.objects.exclude(recipient=ent_a).exists()
