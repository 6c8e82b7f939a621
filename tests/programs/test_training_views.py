"""Training pages: query counts that do not grow with the rows, scoping (an enterprise sees only
its own trainees), forms that show the services' refusals, forged fields ignored, the attendance
grid in one POST, the trainee export through the job runner."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programs.choices import EnrollmentState
from programs.models import Attendance, Enrollment, EnrollmentExportJob, TrainingCourse
from tests.conftest import client_for
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import assert_queries_constant
from tests.programs.training_factories import AttendanceFactory, CourseFactory, EnrollmentFactory

TODAY = timezone.localdate
pytestmark = pytest.mark.django_db
COURSES = reverse("programs:course_list")
TRAINEES = reverse("programs:enrollment_list")


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def names(response) -> set[str]:
    return {row.record.full_name for row in response.context["table"].page.object_list}


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "ent_a"])
def test_course_list_query_count_is_flat(persona, request, enterprise_a):
    user = request.getfixturevalue(persona)

    def add(n):
        for _ in range(n):
            course = CourseFactory()
            EnrollmentFactory(course=course, enterprise=enterprise_a)
            EnrollmentFactory(course=course)

    client = client_for(user)
    client.get(COURSES)  # builds the unit catalogue (the filter's choices) once
    # session, user with roles; the page's ids, its rows (with the seat counts); the bell.
    assert assert_queries_constant(client, COURSES, add) == 5
    # A search adds none: it is a LIKE on the stored folded text, inside the page's queries.
    assert assert_queries_constant(client, f"{COURSES}?q=5s&when=upcoming", add) == 5


def test_course_detail_query_count_is_flat_with_its_trainees(officer, enterprise_a):
    course = CourseFactory(days_from_today=-3, length=3)

    def add(n):
        for enrollment in EnrollmentFactory.create_batch(n, course=course, enterprise=enterprise_a):
            AttendanceFactory(enrollment=enrollment)
        EnrollmentFactory(course=course, enterprise=EnterpriseFactory())

    url = reverse("programs:course_detail", args=[course.pk])
    # session, user with roles; the course (with its seat count), its sessions, its trainees
    # (with their enterprises and attendance counts), its history; the bell.
    assert assert_queries_constant(client_for(officer), url, add) == 7


def test_attendance_grid_query_count_is_flat(officer):
    course = CourseFactory(days_from_today=-3, length=5)

    def add(n):
        for enrollment in EnrollmentFactory.create_batch(n, course=course):
            AttendanceFactory(enrollment=enrollment)

    url = reverse("programs:attendance", args=[course.pk])
    # session, user with roles; the course, its sessions, its trainees, the recorded cells; the
    # bell.
    assert assert_queries_constant(client_for(officer), url, add) == 7


@pytest.mark.parametrize("persona", ["officer", "ent_a"])
def test_trainee_list_query_count_is_flat(persona, request, enterprise_a):
    user = request.getfixturevalue(persona)

    def add(n):
        for _ in range(n):
            EnrollmentFactory(enterprise=enterprise_a, course=CourseFactory())

    # session, user with roles; the page's ids, its rows (course and enterprise joined); the
    # bell; the courses of the filter's select.
    assert assert_queries_constant(client_for(user), TRAINEES, add) == 6
    assert_queries_constant(client_for(user), f"{TRAINEES}?q=nguyen&state=enrolled", add)


# --- Who sees which trainees --------------------------------------------------------------------


@pytest.fixture
def shared_course(enterprise_a, enterprise_b):
    course = CourseFactory()
    EnrollmentFactory(course=course, enterprise=enterprise_a, full_name="Lò Thị Mai")
    EnrollmentFactory(course=course, enterprise=enterprise_b, full_name="Vàng A Dế")
    EnrollmentFactory(course=course, full_name="Trần Văn Cán Bộ")
    return course


def test_enterprise_user_sees_every_course_but_only_its_own_trainees(ent_a, shared_course):
    client = client_for(ent_a)
    response = client.get(COURSES)
    assert shared_course.title in response.content.decode()
    page = client.get(reverse("programs:course_detail", args=[shared_course.pk])).content.decode()
    assert "Lò Thị Mai" in page
    assert "Vàng A Dế" not in page
    assert "Trần Văn Cán Bộ" not in page
    assert names(client.get(TRAINEES)) == {"Lò Thị Mai"}
    other = Enrollment.objects.get(full_name="Vàng A Dế")
    assert client.get(reverse("programs:enrollment_detail", args=[other.pk])).status_code == 404


def test_staff_see_every_trainee(officer, leader, shared_course):
    for user in (officer, leader):
        client = client_for(user)
        page = client.get(reverse("programs:course_detail", args=[shared_course.pk]))
        assert {e.full_name for e in page.context["trainees"]} == {
            "Lò Thị Mai",
            "Vàng A Dế",
            "Trần Văn Cán Bộ",
        }
        assert len(names(client.get(TRAINEES))) == 3


def test_trainee_list_searches_names_without_diacritics_and_hides_the_withdrawn(officer):
    EnrollmentFactory(full_name="Nguyễn Thị Hoa", phone="0912 345 678")
    EnrollmentFactory(full_name="Hoàng Văn Nam", state=EnrollmentState.WITHDRAWN)
    client = client_for(officer)
    assert names(client.get(TRAINEES, {"q": "nguyen thi"})) == {"Nguyễn Thị Hoa"}
    assert names(client.get(TRAINEES, {"q": "912 345"})) == {"Nguyễn Thị Hoa"}
    assert names(client.get(TRAINEES)) == {"Nguyễn Thị Hoa"}
    assert names(client.get(TRAINEES, {"state": "withdrawn"})) == {"Hoàng Văn Nam"}


def test_course_list_hides_archived_courses_from_enterprises(officer, ent_a):
    CourseFactory(title="Khóa đã lưu trữ", is_archived=True)
    assert (
        "Khóa đã lưu trữ"
        not in client_for(ent_a).get(COURSES, {"archived": "all"}).content.decode()
    )
    assert (
        "Khóa đã lưu trữ" in client_for(officer).get(COURSES, {"archived": "all"}).content.decode()
    )


# --- Forms ------------------------------------------------------------------------------------


def course_post(**changes):
    data = {
        "title": "Tập huấn mã số mã vạch và truy xuất nguồn gốc",
        "topic": "barcodes_traceability",
        "starts_on": days(5).strftime("%d/%m/%Y"),
        "ends_on": days(6).strftime("%d/%m/%Y"),
        "place": "Hội trường huyện Tân Uyên",
        "organiser": "Sở Khoa học và Công nghệ",
        "capacity": "50",
        "cost": "",
        "cost_source": "",
        "enrolment_open": "on",
    }
    return {**data, **changes}


def test_officer_adds_a_course_and_sees_the_services_refusal(officer):
    client = client_for(officer)
    response = client.post(
        reverse("programs:course_create"), course_post(cost="5000000", cost_source="")
    )
    assert response.status_code == 200
    assert "Chọn nguồn của kinh phí đã nhập." in response.content.decode()
    assert not TrainingCourse.objects.exists()
    response = client.post(reverse("programs:course_create"), course_post())
    course = TrainingCourse.objects.get()
    assert response.status_code == 302
    assert course.sessions.count() == 2


def test_two_officers_editing_one_course(officer):
    course = CourseFactory()
    url = reverse("programs:course_update", args=[course.pk])
    post = course_post(
        title=course.title,
        starts_on=course.starts_on.strftime("%d/%m/%Y"),
        ends_on=course.ends_on.strftime("%d/%m/%Y"),
    )
    client = client_for(officer)
    assert client.post(url, {**post, "place": "Nơi A", "version": 1}).status_code == 302
    response = client.post(url, {**post, "place": "Nơi B", "version": 1})
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác sửa" in response.content.decode()
    course.refresh_from_db()
    assert course.place == "Nơi A"


def test_sessions_page_saves_and_refuses_a_day_outside_the_course(officer):
    course = CourseFactory(days_from_today=10, length=2)
    first, second = course.sessions.order_by("day")
    url = reverse("programs:course_sessions", args=[course.pk])
    data = {
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "2",
        "sessions-0-pk": first.pk,
        "sessions-0-day": first.day.strftime("%d/%m/%Y"),
        "sessions-0-title": "Khai giảng",
        "sessions-1-pk": second.pk,
        "sessions-1-day": second.day.strftime("%d/%m/%Y"),
        "sessions-1-DELETE": "on",
        "sessions-2-day": days(30).strftime("%d/%m/%Y"),
    }
    client = client_for(officer)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "nằm ngoài thời gian khóa học" in response.content.decode()
    assert course.sessions.count() == 2
    response = client.post(url, {**data, "sessions-2-day": ""})
    assert response.status_code == 302
    assert list(course.sessions.values_list("title", flat=True)) == ["Khai giảng"]


def enrol_post(**changes):
    return {"full_name": "Lò Thị Mai", "position": "Kế toán", "phone": "0912 345 678", **changes}


def test_enterprise_enrols_and_forged_fields_are_ignored(ent_a, enterprise_a, enterprise_b):
    course = CourseFactory()
    url = reverse("programs:enrollment_create", args=[course.pk])
    client = client_for(ent_a)
    forged = {"state": "completed", "completion_number": "999", "enterprise": enterprise_b.pk}
    response = client.post(url, enrol_post(**forged))
    assert response.status_code == 200  # B is not among the enterprises offered
    assert not Enrollment.objects.exists()
    response = client.post(url, enrol_post(**{**forged, "enterprise": enterprise_a.pk}))
    assert response.status_code == 302
    enrollment = Enrollment.objects.get()
    assert (enrollment.enterprise, enrollment.state, enrollment.completion_number) == (
        enterprise_a,
        EnrollmentState.ENROLLED,
        "",
    )


def test_enrolment_form_shows_the_duplicate_and_full_course_refusals(officer):
    course = CourseFactory(capacity=1)
    url = reverse("programs:enrollment_create", args=[course.pk])
    client = client_for(officer)
    assert client.post(url, enrol_post()).status_code == 302
    response = client.post(url, enrol_post(phone="+84912345678"))
    assert "đã có tên trong khóa học này" in response.content.decode()
    response = client.post(url, enrol_post(full_name="Người khác"))
    assert "Khóa học đã đủ 1 học viên; không còn chỗ trống." in response.content.decode()
    assert course.enrollments.count() == 1


def test_officer_enrols_by_tax_code_and_an_unknown_one_is_refused(officer, enterprise_b):
    course = CourseFactory()
    url = reverse("programs:enrollment_create", args=[course.pk])
    client = client_for(officer)
    response = client.post(url, enrol_post(tax_code="0000000000"))
    assert "Không có doanh nghiệp nào mang mã số thuế 0000000000" in response.content.decode()
    assert client.post(url, enrol_post(tax_code=enterprise_b.tax_code)).status_code == 302
    assert Enrollment.objects.get().enterprise == enterprise_b


def test_enterprise_reads_why_it_cannot_enrol_in_a_started_course(ent_a, enterprise_a):
    course = CourseFactory(days_from_today=-1)
    page = client_for(ent_a).get(reverse("programs:course_detail", args=[course.pk]))
    assert "Khóa học đã bắt đầu" in page.content.decode()
    response = client_for(ent_a).post(
        reverse("programs:enrollment_create", args=[course.pk]),
        enrol_post(enterprise=enterprise_a.pk),
    )
    assert "đã bắt đầu" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_withdraw_page(ent_a, enterprise_a):
    enrollment = EnrollmentFactory(enterprise=enterprise_a)
    url = reverse("programs:enrollment_withdraw", args=[enrollment.pk])
    assert client_for(ent_a).post(url).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.WITHDRAWN


def test_result_page_generates_the_number(officer):
    enrollment = EnrollmentFactory(course=CourseFactory(days_from_today=-5))
    url = reverse("programs:enrollment_result", args=[enrollment.pk])
    response = client_for(officer).post(
        url, {"state": "completed", "completion_number": "", "completed_on": "", "version": 1}
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.completion_number.startswith("001/")


# --- Attendance grid ----------------------------------------------------------------------------


def test_attendance_grid_is_saved_in_one_post_and_again_changes_nothing(officer):
    course = CourseFactory(days_from_today=-1, length=3)  # yesterday, today, tomorrow
    mai, de = EnrollmentFactory.create_batch(2, course=course)
    yesterday, today, _tomorrow = course.sessions.order_by("day")
    cells = [f"{e.pk}-{s.pk}" for e in (mai, de) for s in (yesterday, today)]
    post = {"cells": cells, "present": [f"{mai.pk}-{yesterday.pk}", f"{de.pk}-{today.pk}"]}
    url = reverse("programs:attendance", args=[course.pk])
    client = client_for(officer)
    assert client.post(url, post).status_code == 302
    recorded = set(Attendance.objects.values_list("enrollment_id", "session_id", "present"))
    assert recorded == {
        (mai.pk, yesterday.pk, True),
        (mai.pk, today.pk, False),
        (de.pk, yesterday.pk, False),
        (de.pk, today.pk, True),
    }
    response = client.post(url, post, follow=True)
    assert "0 ô mới, 0 ô thay đổi" in response.content.decode()
    assert Attendance.objects.count() == 4


def test_attendance_grid_refuses_a_cell_it_did_not_show(officer):
    course = CourseFactory(days_from_today=-1, length=3)
    enrollment = EnrollmentFactory(course=course)
    tomorrow = course.sessions.order_by("day").last()
    url = reverse("programs:attendance", args=[course.pk])
    response = client_for(officer).post(url, {"cells": [f"{enrollment.pk}-{tomorrow.pk}"]})
    assert response.status_code == 400
    assert "vui lòng tải lại trang điểm danh" in response.content.decode()
    assert not Attendance.objects.exists()


def test_leaders_read_the_grid_but_cannot_post_it(leader):
    course = CourseFactory(days_from_today=-1)
    enrollment = EnrollmentFactory(course=course)
    session = course.sessions.order_by("day").first()
    url = reverse("programs:attendance", args=[course.pk])
    client = client_for(leader)
    page = client.get(url).content.decode()
    assert enrollment.full_name in page
    assert 'type="checkbox"' not in page
    cell = f"{enrollment.pk}-{session.pk}"
    assert client.post(url, {"cells": [cell], "present": [cell]}).status_code == 403
    assert not Attendance.objects.exists()


# --- Export -------------------------------------------------------------------------------------


def _export(user, fmt, query, capture):
    with capture(execute=True):
        response = client_for(user).post(
            reverse("programs:enrollment_export_create"), {"format": fmt, "query": query}
        )
    assert response.status_code == 302
    job = EnrollmentExportJob.objects.filter(user=user).latest("created_at")
    assert job.state == "done", job.error
    download = client_for(user).get(job.get_download_url())
    return job, b"".join(download.streaming_content)


def test_export_writes_the_filtered_list_with_phones_as_text(
    officer, enterprise_a, django_capture_on_commit_callbacks
):
    course = CourseFactory(days_from_today=-3, length=2)
    mai = EnrollmentFactory(
        course=course, enterprise=enterprise_a, full_name="Lò Thị Mai", phone="0912345678"
    )
    AttendanceFactory(enrollment=mai)
    EnrollmentFactory(course=course, full_name="Khác", state=EnrollmentState.WITHDRAWN)
    job, content = _export(
        officer, "xlsx", f"course={course.pk}", django_capture_on_commit_callbacks
    )
    assert job.row_count == 1
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert header[5] == "Họ và tên"
    assert row[5] == "Lò Thị Mai"
    assert row[8] == enterprise_a.tax_code
    assert row[9] == "0912345678"  # text: the leading zero kept
    assert row[11] == "Đã đăng ký"
    assert (row[12], row[13]) == (1, 2)  # present at 1 of 2 sessions


def test_enterprise_export_holds_only_its_own_trainees(
    ent_a, enterprise_a, enterprise_b, django_capture_on_commit_callbacks
):
    course = CourseFactory()
    EnrollmentFactory(course=course, enterprise=enterprise_a, full_name="Lò Thị Mai")
    EnrollmentFactory(course=course, enterprise=enterprise_b, full_name="Vàng A Dế")
    EnrollmentFactory(course=course, full_name="Không doanh nghiệp")
    _job, content = _export(ent_a, "csv", "", django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[5] for r in rows[1:]] == ["Lò Thị Mai"]
    assert rows[1][9].startswith('="0912')  # the phone stays text in Excel
