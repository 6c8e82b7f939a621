"""Working days: weekends, Viet Nam's public holidays (Tết included), the government's extra days
off and make-up Saturdays, with known dates."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laichau_nsc.models import CalendarException
from laichau_nsc.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date
pytestmark = pytest.mark.django_db


def test_a_weekend_is_skipped():
    # Friday 27/11/2026 + 1 working day: Monday 30/11/2026.
    assert add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 30)) == 1
    assert not is_working_day(D(2026, 11, 28))


def test_tet_2026_is_skipped():
    # Tết Bính Ngọ: Monday 16/02 to Friday 20/02/2026 are days off.
    assert [is_working_day(D(2026, 2, d)) for d in range(16, 21)] == [False] * 5
    # Five working days from Thursday 12/02: 13/02, then 23, 24, 25 and 26/02.
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    assert working_days_between(D(2026, 2, 12), D(2026, 2, 26)) == 5


def test_fifteen_working_days_across_tet_2025():
    # Tết Ất Tỵ: 27/01 to 31/01/2025 off (and Saturday 01/02). From Monday 20/01/2025:
    # 21-24/01 (4), 03-07/02 (9), 10-14/02 (14), 17/02 (15).
    assert add_working_days(D(2025, 1, 20), 15) == D(2025, 2, 17)


def test_a_make_up_saturday_known_to_the_holidays_package_is_a_working_day():
    # Saturday 26/04/2025 was worked in exchange for Friday 02/05/2025.
    assert is_working_day(D(2025, 4, 26))
    assert not is_working_day(D(2025, 5, 2))
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)


def test_an_extra_day_off_and_a_make_up_saturday_from_the_settings():
    assert add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)
    CalendarException.objects.create(day=D(2026, 12, 31), reason="Nghỉ thêm (giả định)")
    # 31/12 off, 01/01/2027 New Year, then the weekend: Monday 04/01/2027.
    assert add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 4)
    CalendarException.objects.create(
        day=D(2027, 1, 2), is_working_day=True, reason="Làm bù (giả định)"
    )
    assert add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 2)


def test_a_removed_exception_is_forgotten():
    row = CalendarException.objects.create(day=D(2026, 12, 31), reason="Nghỉ thêm")
    assert not is_working_day(D(2026, 12, 31))
    row.delete()
    assert is_working_day(D(2026, 12, 31))


def test_each_year_is_read_once():
    is_working_day(D(2026, 3, 2))
    with CaptureQueriesContext(connection) as queries:
        add_working_days(D(2026, 1, 5), 200)
    assert len(queries) == 0


def test_between_and_add_agree_and_zero_is_the_same_day():
    start = D(2026, 1, 28)
    for n in (0, 1, 7, 23, 60):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(D(2026, 3, 2), D(2026, 2, 27)) == -1
    with pytest.raises(ValueError, match="negative"):
        add_working_days(start, -1)
