"""Filters of the course list and the trainee list; the trainee export uses the same set, so a
file holds exactly the rows the list shows (to the same user)."""

from collections.abc import Hashable

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises import catalogues
from enterprises.models import Enterprise
from laichau_nsc.filters import PortalFilterSet
from laichau_nsc.text import fold

from .choices import CourseTopic, EnrollmentState
from .models import Enrollment, TrainingCourse

ARCHIVED_CHOICES = [("no", _("Đang theo dõi")), ("yes", _("Đã lưu trữ")), ("all", _("Tất cả"))]
WHEN_CHOICES = [
    ("upcoming", _("Sắp diễn ra")),
    ("running", _("Đang diễn ra")),
    ("past", _("Đã kết thúc")),
]


def _year_filter(field_name: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        label=_("Năm"),
        field_name=field_name,
        lookup_expr="year",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CourseFilterSet(PortalFilterSet):
    """Courses by words of their title, place or organiser (case and diacritics ignored), topic,
    year, administrative unit (with the units under it), when, open for enrolment, archived."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tên khóa, địa điểm, đơn vị tổ chức…")}
        ),
    )
    topic = django_filters.ChoiceFilter(
        label=_("Chủ đề"), choices=CourseTopic.choices, empty_label=_("Tất cả")
    )
    year = _year_filter("starts_on")
    admin_unit = django_filters.ChoiceFilter(
        label=_("Đơn vị hành chính"), method="filter_admin_unit", empty_label=_("Tất cả")
    )
    when = django_filters.ChoiceFilter(
        label=_("Thời gian"), choices=WHEN_CHOICES, empty_label=_("Tất cả"), method="filter_when"
    )
    enrolment_open = django_filters.BooleanFilter(
        label=_("Đang nhận đăng ký"),
        widget=forms.Select(choices=[("", _("Tất cả")), ("true", _("Có")), ("false", _("Không"))]),
    )
    archived = django_filters.ChoiceFilter(
        label=_("Tình trạng lưu trữ"),
        choices=ARCHIVED_CHOICES,
        empty_label=None,
        null_label=None,
        method="filter_archived",
    )
    defaults = {"archived": "no"}

    class Meta:
        model = TrainingCourse
        fields = ("q", "topic", "year", "admin_unit", "when", "enrolment_open", "archived")

    def __init__(self, data=None, *args, staff: bool = True, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["admin_unit"].extra["choices"] = catalogues.units().choices(
            timezone.localdate()
        )
        if not staff:
            # Enterprises see the courses in force; archived ones are the Department's business.
            del self.filters["archived"]

    def options_key(self, name: str) -> Hashable | None:
        language = get_language()
        if name == "admin_unit":
            return (catalogues.units(), timezone.localdate(), language)
        if name in ("topic", "when", "enrolment_open", "archived"):
            return (CourseFilterSet, name, language)
        return None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "archived" not in self.filters:
            queryset = queryset.filter(is_archived=False)
        return queryset

    def filter_search(self, queryset, name: str, value: str):
        """In the database, on the stored folded text (``TrainingCourse.build_search_text``)."""
        words = fold(value)
        if not words:
            return queryset
        return queryset.filter(search_text__contains=words)

    def filter_admin_unit(self, queryset, name: str, value: str):
        units = catalogues.units()
        unit = units.get(int(value))
        if unit is None:
            return queryset.none()
        return queryset.filter(admin_unit_id__in=units.subtree(unit.id))

    def filter_when(self, queryset, name: str, value: str):
        today = timezone.localdate()
        if value == "upcoming":
            return queryset.filter(starts_on__gt=today)
        if value == "running":
            return queryset.filter(starts_on__lte=today, ends_on__gte=today)
        return queryset.filter(ends_on__lt=today)

    def filter_archived(self, queryset, name: str, value: str):
        if value == "yes":
            return queryset.filter(is_archived=True)
        if value == "all":
            return queryset
        return queryset.filter(is_archived=False)


class EnrollmentFilterSet(PortalFilterSet):
    """Trainees by name or phone (folded), or their enterprise's name or tax code; by course,
    topic, year of the course and state. Withdrawn trainees are shown only when asked for."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Họ tên, điện thoại, doanh nghiệp…")}
        ),
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Khóa học"),
        queryset=TrainingCourse.objects.order_by("-starts_on", "pk"),
        empty_label=_("Tất cả"),
    )
    topic = django_filters.ChoiceFilter(
        label=_("Chủ đề"),
        field_name="course__topic",
        choices=CourseTopic.choices,
        empty_label=_("Tất cả"),
    )
    year = _year_filter("course__starts_on")
    state = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=[("active", _("Đang có tên (chưa rút)")), *EnrollmentState.choices],
        empty_label=_("Tất cả"),
        method="filter_state",
    )
    defaults = {"state": "active"}

    class Meta:
        model = Enrollment
        fields = ("q", "course", "topic", "year", "state")

    def options_key(self, name: str) -> Hashable | None:
        if name in ("topic", "state"):
            return (EnrollmentFilterSet, name, get_language())
        return None

    def filter_search(self, queryset, name: str, value: str):
        words = fold(value)
        if not words:
            return queryset
        condition = Q(person_key__contains=words)
        digits = "".join(c for c in value if c.isdigit())
        if len(digits) >= 3:
            condition |= Q(person_key__contains=digits)
        enterprises = Enterprise.objects.search(value).values("pk")
        return queryset.filter(condition | Q(enterprise__in=enterprises))

    def filter_state(self, queryset, name: str, value: str):
        if value == "active":
            return queryset.active()
        return queryset.filter(state=value)
