"""A certificate's derived state, rebuilt from its events: never typed by anyone.

From the events (``CertificateEvent``) this rebuilds, in one place:

- the validity periods: each ``issued`` or ``renewed`` event opens a period from its date to its
  ``expires_on``; a renewal before the earlier period ran out ends that period the day before;
- the current period (``issued_on`` / ``expires_on``) and the original issue (``first_issued_on``);
- the suspensions: ``suspended`` opens one, ``reinstated`` closes it (suspended until the day
  before), a new issue or renewal also lifts it;
- ``withdrawn_on``: the first withdrawal after the latest issue (a certificate issued again after
  a withdrawal is valid again);
- the surveillance due date: 12 months after the last audit, or after the issue decision when
  no audit followed it; a passed surveillance event counts as an audit;
- the clear stretch (``clear_from`` / ``clear_until``): the last days of the current period that
  no suspension touches, so a list can tell "valid on D" from the row alone when D falls in it
  (``CertificateQuerySet.expiring_within``); none when a suspension runs to the period's end.

Services call ``rebuild(certificate)`` after every change of events, inside their transaction.
"""

import datetime
from dataclasses import dataclass, field

from .choices import ISSUING_EVENTS, CertificateEventKind
from .models import Certificate, CertificateEvent, CertificatePeriod, CertificateSuspension

SURVEILLANCE_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


@dataclass
class Derived:
    periods: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)
    suspensions: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)
    withdrawn_on: datetime.date | None = None
    last_audit_on: datetime.date | None = None
    surveillance_due_on: datetime.date | None = None
    clear: tuple[datetime.date, datetime.date] | None = None


def clear_stretch(
    periods: list[tuple[datetime.date, datetime.date]],
    suspensions: list[tuple[datetime.date, datetime.date | None]],
) -> tuple[datetime.date, datetime.date] | None:
    """The last days of the last period that no suspension covers, as (first, last) day.

    Every day of the stretch is in a validity period and in no suspension (suspended from its
    start until the day before its end; an open one forever), so for those days "valid" depends
    only on the row's own withdrawal, review and archive columns. ``None`` when there is no
    period or a suspension runs to the period's end. The migration that added the columns
    computes the same in SQL (``standards/migrations/0011_certificate_clear_stretch.py``).
    """
    if not periods:
        return None
    first, last = periods[-1]
    for starts_on, ends_on in suspensions:
        if starts_on > last or (ends_on is not None and ends_on <= first):
            continue  # outside the period
        if ends_on is None:
            return None
        first = max(first, ends_on)
    return (first, last) if first <= last else None


def derive(events: list[CertificateEvent]) -> Derived:
    """The derived state of a certificate from its events (pure: no database access)."""
    result = Derived()
    open_suspension: datetime.date | None = None
    decision: datetime.date | None = None
    for event in sorted(events, key=lambda e: (e.happened_on, e.pk or 0)):
        day = event.happened_on
        if event.kind in ISSUING_EVENTS:
            if result.periods and result.periods[-1][1] >= day:
                start, _end = result.periods[-1]
                if start >= day:
                    result.periods.pop()  # replaced on its first day: it never applied
                else:
                    result.periods[-1] = (start, day - datetime.timedelta(days=1))
            result.periods.append((day, event.expires_on))
            if open_suspension is not None:
                result.suspensions.append((open_suspension, day))
                open_suspension = None
            result.withdrawn_on = None
            decision = day
            result.last_audit_on = day
        elif event.kind == CertificateEventKind.SUSPENDED and open_suspension is None:
            open_suspension = day
        elif event.kind == CertificateEventKind.REINSTATED and open_suspension is not None:
            if day > open_suspension:
                result.suspensions.append((open_suspension, day))
            open_suspension = None
        elif event.kind == CertificateEventKind.WITHDRAWN and result.withdrawn_on is None:
            result.withdrawn_on = day
        elif event.kind == CertificateEventKind.SURVEILLANCE_PASSED:
            result.last_audit_on = day
    if open_suspension is not None:
        result.suspensions.append((open_suspension, None))
    base = result.last_audit_on or decision
    if base is not None:
        result.surveillance_due_on = add_months(base, SURVEILLANCE_MONTHS)
    result.clear = clear_stretch(result.periods, result.suspensions)
    return result


def rebuild(certificate: Certificate) -> Certificate:
    """Store the state derived from ``certificate``'s events (call inside a transaction)."""
    derived = derive(list(certificate.events.all()))
    certificate.periods.all().delete()
    CertificatePeriod.objects.bulk_create(
        CertificatePeriod(certificate=certificate, starts_on=start, ends_on=end)
        for start, end in derived.periods
    )
    certificate.suspensions.all().delete()
    CertificateSuspension.objects.bulk_create(
        CertificateSuspension(certificate=certificate, starts_on=start, ends_on=end)
        for start, end in derived.suspensions
    )
    fields = {
        "withdrawn_on": derived.withdrawn_on,
        "surveillance_due_on": derived.surveillance_due_on,
        "clear_from": derived.clear[0] if derived.clear else None,
        "clear_until": derived.clear[1] if derived.clear else None,
    }
    if derived.periods:
        # The original issue may predate the first event recorded here (a certificate entered
        # at its renewal): keep the earlier date typed from the paper.
        first = derived.periods[0][0]
        typed = certificate.first_issued_on
        fields["first_issued_on"] = min(first, typed) if typed else first
        fields["issued_on"], fields["expires_on"] = derived.periods[-1]
    audits = [d for d in (derived.last_audit_on, certificate.last_audit_on) if d]
    if audits:
        fields["last_audit_on"] = max(audits)
        fields["surveillance_due_on"] = add_months(max(audits), SURVEILLANCE_MONTHS)
    Certificate.objects.filter(pk=certificate.pk).update(**fields)
    for name, value in fields.items():
        setattr(certificate, name, value)
    return certificate
