"""What the officer's and the enterprise's home pages count: each a few aggregate queries,
whatever the number of records (counts come from the database, never from Python loops)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from programs.choices import EnrollmentState
from programs.models import Enrollment

from .choices import DeclarationState, ReviewState
from .models import Adoption, Certificate, Declaration, Product

#: Working days are not counted here: "due soon" is the next few calendar days.
DUE_SOON_DAYS = 3
EXPIRING_DAYS = 90


@dataclass(frozen=True)
class OfficerQueue:
    """The officer's work queue (account requests are counted by ``enterprises.selectors``)."""

    declarations_due_soon: int
    declarations_overdue: int
    declarations_supplement_late: int
    certificates_to_verify: int
    adoptions_to_verify: int
    imports_waiting: int = 0

    @property
    def total(self) -> int:
        return (
            self.declarations_due_soon
            + self.declarations_overdue
            + self.declarations_supplement_late
            + self.certificates_to_verify
            + self.adoptions_to_verify
            + self.imports_waiting
        )


def officer_queue(*, user, today: datetime.date | None = None) -> OfficerQueue:
    """A count per line of the queue, each from the one definition the queue's filter and the
    indicators use (``DeclarationQuerySet.overdue_on`` …), never a copy of its conditions."""
    from imports.selectors import import_queue_count

    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    declarations = Declaration.objects.for_user(user)
    proposed = Q(review_state=ReviewState.PROPOSED)
    return OfficerQueue(
        declarations_due_soon=declarations.due_on(today).filter(decision_due_on__lte=soon).count(),
        declarations_overdue=declarations.overdue_on(today).count(),
        declarations_supplement_late=declarations.supplement_late_on(today).count(),
        certificates_to_verify=Certificate.objects.for_user(user).active().filter(proposed).count(),
        adoptions_to_verify=Adoption.objects.for_user(user).active().filter(proposed).count(),
        imports_waiting=import_queue_count(user=user),
    )


@dataclass
class EnterpriseSummary:
    """One enterprise's records on its user's home, and what needs its action."""

    products: int = 0
    products_published: int = 0
    declarations_draft: int = 0
    declarations_supplement: int = 0
    declarations_waiting: int = 0
    declarations_in_force: int = 0
    certificates_valid: int = 0
    certificates_expiring: int = 0
    certificates_returned: int = 0
    certificates_proposed: int = 0
    enrollments_upcoming: int = 0
    enrollments_completed: int = 0
    actions: list[str] = field(default_factory=list)

    @property
    def needs_action(self) -> bool:
        return bool(
            self.declarations_draft
            or self.declarations_supplement
            or self.certificates_returned
            or self.certificates_expiring
        )


def _merge(summaries: dict[int, EnterpriseSummary], rows, names: tuple[str, ...]) -> None:
    for row in rows:
        summary = summaries.get(row["enterprise_id"])
        if summary is not None:
            for name in names:
                setattr(summary, name, row[name])


def enterprise_summaries(
    *, user, enterprise_ids: list[int], today: datetime.date | None = None
) -> dict[int, EnterpriseSummary]:
    """For each of the user's enterprises: five grouped queries, however many enterprises and
    records (products, declarations, certificates by review, valid certificates, enrolments)."""
    today = today or timezone.localdate()
    summaries = {pk: EnterpriseSummary() for pk in enterprise_ids}
    if not enterprise_ids:
        return summaries
    mine = {"enterprise_id__in": enterprise_ids}
    _merge(
        summaries,
        Product.objects.for_user(user)
        .active()
        .filter(**mine)
        .values("enterprise_id")
        .annotate(
            products=Count("pk"), products_published=Count("pk", filter=Q(is_published=True))
        ),
        ("products", "products_published"),
    )
    in_force = Q(state__in=[DeclarationState.ACCEPTED, DeclarationState.RECORDED]) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    _merge(
        summaries,
        Declaration.objects.for_user(user)
        .active()
        .filter(**mine)
        .values("enterprise_id")
        .annotate(
            declarations_draft=Count("pk", filter=Q(state=DeclarationState.DRAFT)),
            declarations_supplement=Count(
                "pk", filter=Q(state=DeclarationState.SUPPLEMENT_REQUESTED)
            ),
            declarations_waiting=Count("pk", filter=Q(state=DeclarationState.SUBMITTED)),
            declarations_in_force=Count("pk", filter=in_force & Q(effective_on__lte=today)),
        ),
        (
            "declarations_draft",
            "declarations_supplement",
            "declarations_waiting",
            "declarations_in_force",
        ),
    )
    _merge(
        summaries,
        Certificate.objects.for_user(user)
        .active()
        .filter(**mine)
        .values("enterprise_id")
        .annotate(
            certificates_returned=Count("pk", filter=Q(review_state=ReviewState.RETURNED)),
            certificates_proposed=Count("pk", filter=Q(review_state=ReviewState.PROPOSED)),
        ),
        ("certificates_returned", "certificates_proposed"),
    )
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    _merge(
        summaries,
        Certificate.objects.for_user(user)
        .valid_on(today)
        .filter(**mine)
        .values("enterprise_id")
        .annotate(
            certificates_valid=Count("pk"),
            certificates_expiring=Count("pk", filter=Q(expires_on__lte=soon)),
        ),
        ("certificates_valid", "certificates_expiring"),
    )
    _merge(
        summaries,
        Enrollment.objects.for_user(user)
        .filter(**mine)
        .values("enterprise_id")
        .annotate(
            enrollments_upcoming=Count(
                "pk",
                filter=Q(state=EnrollmentState.ENROLLED, course__ends_on__gte=today),
            ),
            enrollments_completed=Count("pk", filter=Q(state=EnrollmentState.COMPLETED)),
        ),
        ("enrollments_upcoming", "enrollments_completed"),
    )
    return summaries
