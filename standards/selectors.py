"""Reads that views, exports and the enterprise page share (HackSoft's selectors)."""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from enterprises.models import Enterprise

from .choices import CertificateStatus, ReviewState, StandardKind
from .filters import CertificateFilterSet
from .models import Adoption, Certificate


def _to_querydict(params: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def filtered_certificates(*, user, params: dict[str, Any] | QueryDict) -> QuerySet[Certificate]:
    """The user's certificates narrowed by the list's filters (with ``status_on`` annotated
    for the chosen date); invalid filters give no rows."""
    data = params if isinstance(params, QueryDict) else _to_querydict(params)
    filterset = CertificateFilterSet(data, queryset=Certificate.objects.for_user(user))
    return filterset.qs if filterset.is_valid() else Certificate.objects.none()


EXPORT_FIELDS = (
    "number",
    "standard__code",
    "standard__kind",
    "body__name",
    "enterprise__name",
    "enterprise__tax_code",
    "enterprise__admin_unit__name",
    "enterprise__sector__code",
    "scope",
    "first_issued_on",
    "issued_on",
    "expires_on",
    "last_audit_on",
    "surveillance_due_on",
    "status_on",
    "review_state",
    "is_archived",
)


def certificate_export_rows(
    *, user, params: dict[str, Any], fields: Sequence[str] = EXPORT_FIELDS, limit: int
) -> Iterator[list[Any]]:
    """Rows of the export in list order; choice codes shown as their labels, the other codes
    (certificate numbers, tax codes, sector codes) as text."""
    labels = {
        "standard__kind": dict(StandardKind.choices),
        "status_on": dict(CertificateStatus.choices),
        "review_state": dict(ReviewState.choices),
    }
    rows = filtered_certificates(user=user, params=params).values_list(*fields)[:limit]
    for row in rows.iterator(chunk_size=2000):
        yield [
            str(labels[f].get(v, v)) if f in labels and v else v
            for f, v in zip(fields, row, strict=True)
        ]


def enterprise_records(*, enterprise: Enterprise, user) -> dict[str, Any]:
    """The adoptions and certificates shown on an enterprise's page: two queries whatever
    their number (status today annotated, related names joined)."""
    today = timezone.localdate()
    adoptions = (
        Adoption.objects.for_user(user)
        .filter(enterprise=enterprise, is_archived=False)
        .select_related("standard")
        .order_by("standard__code", "pk")
    )
    certificates = (
        Certificate.objects.for_user(user)
        .filter(enterprise=enterprise, is_archived=False)
        .select_related("standard", "body")
        .with_status_on(today, name="status_today")
        .order_by("-expires_on", "pk")
    )
    return {"adoptions": list(adoptions), "certificates": list(certificates), "today": today}
