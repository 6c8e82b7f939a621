"""Tables of the course and trainee lists: django-tables2 orders and paginates; the rows are drawn
by the lists' own templates. Every ordering ends with the key, so pages never overlap."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Enrollment, TrainingCourse


class CourseTable(tables.Table):
    title = tables.Column(verbose_name=_("Khóa học"), order_by=("title", "pk"))
    topic = tables.Column(verbose_name=_("Chủ đề"), order_by=("topic", "pk"))
    starts_on = tables.Column(verbose_name=_("Thời gian"), order_by=("starts_on", "pk"))
    place = tables.Column(verbose_name=_("Nơi tổ chức"), order_by=("place", "pk"))
    enrolled = tables.Column(verbose_name=_("Học viên"), orderable=False, empty_values=())

    class Meta:
        model = TrainingCourse
        fields = ("title", "topic", "starts_on", "place", "enrolled")
        order_by = ("-starts_on",)


class EnrollmentTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Họ và tên"), order_by=("full_name", "pk"))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"), order_by=("enterprise__name", "pk"))
    course = tables.Column(verbose_name=_("Khóa học"), order_by=("course__starts_on", "pk"))
    state = tables.Column(verbose_name=_("Tình trạng"), order_by=("state", "pk"))

    class Meta:
        model = Enrollment
        fields = ("full_name", "enterprise", "course", "state")
        # Unsorted: the queryset's order (newest course first, names in Vietnamese order).
