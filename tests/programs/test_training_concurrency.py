"""Two enterprises taking the last seat of a course at the same moment: the course row's lock
serves them one after the other, so the second reads that the course is full and the course
never holds more trainees than seats (a count checked without the lock would let both in)."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from programs import services_training as services
from programs.models import Enrollment
from tests.enterprises.factories import EnterpriseFactory, MembershipFactory
from tests.factories import UserFactory
from tests.helpers import require_postgresql
from tests.programs.training_factories import CourseFactory, EnrollmentFactory


# A transaction test empties the tables after it; serialized_rollback puts back what the
# migrations created (the role groups, beat's schedules) for the tests after it.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_enrolments_racing_for_the_last_seat_keep_one(monkeypatch):
    require_postgresql()
    # Widen the race: each enrolment, once it has counted the seats, waits (up to 2 s) for the
    # other to have counted too. Without the lock both count two seats taken and both save;
    # with it the second cannot count before the first has committed, and the wait times out.
    counted = threading.Barrier(2)
    check_capacity = services._check_capacity

    def check_then_wait(course, enrollment):
        check_capacity(course, enrollment)
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=2)

    monkeypatch.setattr(services, "_check_capacity", check_then_wait)
    course = CourseFactory(capacity=3)
    EnrollmentFactory.create_batch(2, course=course)  # one seat left
    members = []
    for name in ("Công ty Chè Tam Đường", "Hợp tác xã Tân Uyên"):
        enterprise = EnterpriseFactory(name=name)
        user = UserFactory(roles=["enterprise"])
        MembershipFactory(user=user, enterprise=enterprise)
        members.append((user, enterprise))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def enrol(user, enterprise, name: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.enrollment_create(
                course_id=course.pk,
                data={"enterprise": enterprise, "full_name": name, "phone": "0912000111"},
                user=user,
            )
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=enrol, args=(*members[0], "Lò Thị Mai")),
        threading.Thread(target=enrol, args=(*members[1], "Vàng A Dế")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted(["saved", "Khóa học đã đủ 3 học viên; không còn chỗ trống."])
    assert Enrollment.objects.filter(course=course).active().count() == 3
