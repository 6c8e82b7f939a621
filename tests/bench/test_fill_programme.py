"""The indicators bench fills the programme's tables with raw SQL at national scale; a column a
later migration adds (NOT NULL, with its default only in Django) breaks it silently until a
one-hour bench run. Run it here, small, on PostgreSQL, and check the rows are ones the models
accept and the search finds."""

import pytest

from laichau_nsc.text import fold
from programs.models import Enrollment, SupportActivity, SupportFunding, TrainingCourse
from tests.bench.indicators import fill_programme
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import require_postgresql


@pytest.mark.django_db
def test_the_bench_fills_the_programme_with_valid_rows():
    require_postgresql()
    EnterpriseFactory.create_batch(40)
    fill_programme(lambda message: None)

    activities = SupportActivity.objects.all()
    assert activities.exists()
    assert SupportFunding.objects.exists()
    assert TrainingCourse.objects.exists()
    assert Enrollment.objects.exists()
    for activity in activities[:5]:
        activity.full_clean(exclude=["enterprise", "adoption", "course"])
        assert activity.search_text == SupportActivity.build_search_text(activity.title)
    course = TrainingCourse.objects.first()
    assert fold(course.title) in course.search_text
