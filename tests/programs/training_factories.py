"""Factories of the training tests: courses (with one session a day), enrolments, attendance."""

import datetime

import factory
from django.utils import timezone

from programs.choices import CourseTopic, EnrollmentState
from programs.models import Attendance, CourseSession, Enrollment, TrainingCourse
from programs.services_training import person_key

TODAY = timezone.localdate


class CourseFactory(factory.django.DjangoModelFactory):
    """A course; ``days_from_today`` places it (negative: in the past). One session a day."""

    class Meta:
        model = TrainingCourse
        skip_postgeneration_save = True

    class Params:
        days_from_today = 10
        length = 2

    title = factory.Sequence(lambda n: f"Tập huấn áp dụng công cụ 5S và Kaizen, lớp {n}")
    topic = CourseTopic.PRODUCTIVITY_TOOLS
    starts_on = factory.LazyAttribute(
        lambda o: TODAY() + datetime.timedelta(days=o.days_from_today)
    )
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=o.length - 1))
    place = "Hội trường Sở Khoa học và Công nghệ, thành phố Lai Châu"
    organiser = "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Lai Châu"
    trainers = "TS. Trần Văn Bình (Viện Năng suất Việt Nam)"
    capacity = 30
    enrolment_open = True

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if not create:
            return
        days = (self.ends_on - self.starts_on).days + 1
        CourseSession.objects.bulk_create(
            CourseSession(course=self, day=self.starts_on + datetime.timedelta(days=i))
            for i in range(days)
        )


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    enterprise = None
    full_name = factory.Sequence(lambda n: f"Nguyễn Thị Hoa {n}")
    position = "Cán bộ kỹ thuật"
    phone = factory.Sequence(lambda n: f"0912{n:06d}")
    person_key = factory.LazyAttribute(lambda o: person_key(o.full_name, o.phone))
    state = EnrollmentState.ENROLLED


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    enrollment = factory.SubFactory(EnrollmentFactory)
    session = factory.LazyAttribute(lambda o: o.enrollment.course.sessions.first())
    present = True
