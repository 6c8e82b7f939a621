"""Working days of the Department: the legal deadlines (5 working days to decide a declaration,
15 to supplement a dossier) count only these.

A day is a working day when it is Monday to Friday and not a public holiday of Viet Nam (the
``holidays`` package: New Year, Tết with its extra days, Hùng Kings, 30/4, 1/5, 2/9 and the
substituted days off it knows about), unless the government moved work to it (a Saturday "làm
bù", which the package also knows for some years). ``CalendarException`` rows, kept by
administrators as each year's announcements come out, have the last word: an extra day off, or a
make-up working day.

Each year's days off and make-up days are computed once and kept in the cache; any change to a
``CalendarException`` renews the cache's generation, so every process rebuilds (now, and again
after the commit).
"""

import datetime
import uuid
from dataclasses import dataclass

import holidays
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "workdays:generation"
CACHE_KEY = "workdays:{}:year:{}"
#: A year's calendar stays cached this long at most (the signal drops it sooner on a change).
CACHE_TIMEOUT = 24 * 3600
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class YearCalendar:
    """The exceptions to "Monday to Friday" in one year."""

    days_off: frozenset[datetime.date]
    working_weekend_days: frozenset[datetime.date]

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_weekend_days:
            return True
        return day.weekday() < 5 and day not in self.days_off


def _build(year: int) -> YearCalendar:
    from .models import CalendarException  # the models import nothing from here

    public = holidays.VN(years=year)
    days_off = set(public)
    working = {day for day in public.weekend_workdays if day.year == year}
    rows = CalendarException.objects.filter(day__year=year).values_list("day", "is_working_day")
    for day, is_working_day in rows:
        if is_working_day:
            working.add(day)
            days_off.discard(day)
        else:
            days_off.add(day)
            working.discard(day)
    return YearCalendar(frozenset(days_off), frozenset(working))


def year_calendar(year: int) -> YearCalendar:
    """The calendar of ``year``, from the cache (one query on the exceptions when built)."""
    key = CACHE_KEY.format(cache.get(GENERATION_KEY, "0"), year)
    calendar = cache.get(key)
    if calendar is None:
        calendar = _build(year)
        cache.set(key, calendar, CACHE_TIMEOUT)
    return calendar


def is_working_day(day: datetime.date) -> bool:
    return year_calendar(day.year).is_working_day(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted): a deadline of
    ``n`` working days from ``start``. ``n == 0`` gives ``start``."""
    if n < 0:
        raise ValueError("n must not be negative")
    day, left = start, n
    calendars: dict[int, YearCalendar] = {}
    while left:
        day += ONE_DAY
        calendar = calendars.get(day.year) or calendars.setdefault(
            day.year, year_calendar(day.year)
        )
        if calendar.is_working_day(day):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` comes
    before ``start``): ``working_days_between(d, add_working_days(d, n)) == n``."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if year_calendar(day.year).is_working_day(day):
            count += 1
    return count


def forget_calendars() -> None:
    """Drop every cached calendar: now, and again after the commit (another process may have
    rebuilt one from the old rows meanwhile). A moved exception may concern two years."""

    def renew() -> None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)

    renew()
    transaction.on_commit(renew)


def _exception_changed(sender, **kwargs) -> None:
    forget_calendars()


def connect_signals() -> None:
    from .models import CalendarException

    for signal in (post_save, post_delete):
        signal.connect(_exception_changed, sender=CalendarException, dispatch_uid="workdays")
