"""The nightly certificate reminders: 90, 30 and 7 days before expiry, and overdue surveillance.

``certificate_reminders_send`` runs once a day through the job runner (``standards.tasks``). It
tells the enterprise's users (approved memberships) and the officers, in each one's language,
through ``laichau_nsc.notifications.notify`` (a notification in the bell and an e-mail).

Exactly once per certificate and threshold:

- A reminder is *claimed* by inserting its ``CertificateReminder`` row (unique per certificate,
  kind and the date it is about: the expiry, or the surveillance due date) with
  ``ON CONFLICT DO NOTHING … RETURNING``, in the same transaction as the notifications and the
  outbox rows it leads to. A second run, or one running at the same moment (PostgreSQL makes the
  second insert wait for the first transaction and then skip), claims nothing and sends nothing;
  a run that fails rolls its claims back with its notifications, and the next run sends them.
- Catch-up: each threshold has a window (90 → more than 30 and at most 90 days left; 30 → more
  than 7 and at most 30; 7 → 0 to 7). A certificate is reminded at the threshold whose window
  it is in now, so after missed days a certificate 20 days from expiry that never got its 90-day
  reminder gets the 30-day one, and the 90-day one is recorded as skipped, never sent late.
- A renewal moves the expiry, so the reminders about the new expiry start afresh; a passed
  surveillance moves the due date the same way.

Only certificates valid on the day (``Certificate.objects.valid_on``: verified, not archived,
not suspended or withdrawn) are reminded. The work is done in the database in chunks: one query
per threshold selects the due certificates (streamed with a server-side cursor on PostgreSQL),
and each chunk of ``chunk_size`` is claimed and notified in one transaction, so memory stays flat
however many certificates are due.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from enterprises.choices import MembershipState
from enterprises.models import Membership
from laichau_nsc import jobs
from laichau_nsc.notifications import notify
from laichau_nsc.roles import Role

from .choices import EXPIRY_THRESHOLDS, ReminderKind
from .models import Certificate, CertificateReminder

CHUNK_SIZE = 500

#: What a reminder needs of a certificate, read by the selecting query itself.
FIELDS = (
    "pk",
    "number",
    "expires_on",
    "surveillance_due_on",
    "enterprise_id",
    "enterprise__name",
    "standard__code",
    "body__name",
)

EXPIRY_TEMPLATE = "standards/email/certificate_expiry"
SURVEILLANCE_TEMPLATE = "standards/email/certificate_surveillance"


@dataclass(frozen=True)
class Reminder:
    """One threshold: which certificates are due for it on a day, and what they are told."""

    kind: ReminderKind
    #: The certificate's date the reminder is about (and unique with): expiry or surveillance.
    about_field: str
    template: str
    queryset: QuerySet
    #: Less urgent thresholds whose reminder is recorded as skipped when this one is sent.
    passed: tuple[ReminderKind, ...] = ()


def not_reminded(queryset: QuerySet, kind: ReminderKind, about_field: str) -> QuerySet:
    already = CertificateReminder.objects.filter(
        certificate=OuterRef("pk"), kind=kind, about_date=OuterRef(about_field)
    )
    return queryset.exclude(Exists(already))


def reminders_due(day: datetime.date) -> list[Reminder]:
    """The thresholds of ``day``, each with the query selecting the certificates due for it."""
    valid = Certificate.objects.valid_on(day)
    thresholds = sorted(EXPIRY_THRESHOLDS, reverse=True)  # 90, 30, 7
    plan = []
    for index, (days, kind) in enumerate(thresholds):
        closer = thresholds[index + 1][0] if index + 1 < len(thresholds) else None
        window = valid.filter(expires_on__lte=day + datetime.timedelta(days=days))
        if closer is None:
            window = window.filter(expires_on__gte=day)
        else:
            window = window.filter(expires_on__gt=day + datetime.timedelta(days=closer))
        plan.append(
            Reminder(
                kind=kind,
                about_field="expires_on",
                template=EXPIRY_TEMPLATE,
                queryset=not_reminded(window, kind, "expires_on"),
                passed=tuple(k for d, k in thresholds if d > days),
            )
        )
    overdue = valid.filter(surveillance_due_on__lt=day)
    kind = ReminderKind.SURVEILLANCE_OVERDUE
    plan.append(
        Reminder(
            kind=kind,
            about_field="surveillance_due_on",
            template=SURVEILLANCE_TEMPLATE,
            queryset=not_reminded(overdue, kind, "surveillance_due_on"),
        )
    )
    return plan


@dataclass
class Outcome:
    sent: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    notified: int = 0

    def as_dict(self) -> dict[str, int]:
        return {**self.sent, "skipped": self.skipped, "notifications": self.notified}


@jobs.background
def certificate_reminders_send(
    *, day: str | None = None, chunk_size: int = CHUNK_SIZE
) -> dict[str, int]:
    """Send the reminders due on ``day`` (ISO date; today by default). Safe to run again."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    officers = officer_ids()
    outcome = Outcome()
    for reminder in reminders_due(today):
        rows = reminder.queryset.order_by().values(*FIELDS).iterator(chunk_size=chunk_size)
        sent = 0
        for chunk in chunked(rows, chunk_size):
            sent += _send_chunk(chunk, reminder, today, officers, outcome)
        outcome.sent[reminder.kind.value] = sent
    return outcome.as_dict()


def chunked(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def officer_ids() -> list[int]:
    users = get_user_model().objects.filter(groups__name=Role.OFFICER, is_active=True)
    return list(users.order_by("pk").values_list("pk", flat=True).distinct())


def _send_chunk(
    rows: list[dict], reminder: Reminder, today: datetime.date, officers: list[int], outcome
) -> int:
    """Claim, record the passed thresholds, and notify: one transaction per chunk."""
    with transaction.atomic():
        claimed = claim(rows, reminder.kind, reminder.about_field)
        rows = [row for row in rows if row["pk"] in claimed]
        if not rows:
            return 0
        outcome.skipped += _record_passed(rows, reminder)
        members = enterprise_members({row["enterprise_id"] for row in rows})
        for row in rows:
            outcome.notified += notify(
                [*members.get(row["enterprise_id"], ()), *officers],
                kind=f"certificate_{reminder.kind.value}",
                template=reminder.template,
                context=_context(row, today),
                url=certificate_url(row["pk"], row["enterprise_id"]),
                dedupe_key=f"certificate:{row['pk']}:{reminder.kind.value}:{row[reminder.about_field]}",
            )
    return len(rows)


def claim(rows: list[dict], kind: str, about_field: str) -> set[int]:
    """Insert the reminder rows of ``rows``; the ids of the certificates whose row is new.

    A row another run inserted first (committed, or still in its transaction: PostgreSQL waits
    for it) is left alone and its certificate is not returned.
    """
    if not rows:
        return set()
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(CertificateReminder._meta.db_table)
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list = []
    for row in rows:
        about = ops.adapt_datefield_value(row[about_field])
        params.extend((row["pk"], kind, about, now, False, now))
    sql = (
        f"INSERT INTO {table} (certificate_id, kind, about_date, sent_at, skipped, created_at) "  # noqa: S608 - names from the model
        f"VALUES {placeholders} "
        "ON CONFLICT (certificate_id, kind, about_date) DO NOTHING RETURNING certificate_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for (pk,) in cursor.fetchall()}


def _record_passed(rows: list[dict], reminder: Reminder) -> int:
    """Thresholds the certificates went past unreminded (missed days): recorded as skipped."""
    if not reminder.passed:
        return 0
    wanted = {(row["pk"], kind) for row in rows for kind in reminder.passed}
    expiry = {row["pk"]: row[reminder.about_field] for row in rows}
    existing = set(
        CertificateReminder.objects.filter(
            certificate_id__in=list(expiry), kind__in=reminder.passed
        ).values_list("certificate_id", "kind", "about_date")
    )
    new = [
        CertificateReminder(certificate_id=pk, kind=kind, about_date=expiry[pk], skipped=True)
        for pk, kind in sorted(wanted)
        if (pk, kind, expiry[pk]) not in existing
    ]
    CertificateReminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def enterprise_members(enterprise_ids: set[int]) -> dict[int, list[int]]:
    """Users of each enterprise (approved memberships of active users): one query."""
    members: dict[int, list[int]] = defaultdict(list)
    rows = Membership.objects.filter(
        enterprise_id__in=enterprise_ids, state=MembershipState.APPROVED, user__is_active=True
    ).values_list("enterprise_id", "user_id")
    for enterprise_id, user_id in rows:
        members[enterprise_id].append(user_id)
    return members


def certificate_url(pk: int, enterprise_id: int) -> str:
    """The certificate's page; the enterprise's page while the certificate pages are not there
    (both are open to the enterprise's users and the officers)."""
    try:
        return reverse("standards:certificate_detail", args=[pk])
    except NoReverseMatch:
        return reverse("enterprises:enterprise_detail", args=[enterprise_id])


def _context(row: dict, today: datetime.date) -> dict:
    return {
        "number": row["number"],
        "standard_code": row["standard__code"],
        "enterprise_name": row["enterprise__name"],
        "body_name": row["body__name"],
        "expires_on": row["expires_on"],
        "days_left": (row["expires_on"] - today).days,
        "surveillance_due_on": row["surveillance_due_on"],
    }
