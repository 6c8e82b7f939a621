"""The public certificate check (what IAF CertSearch offers the public): by certificate number or
enterprise name, is a certificate recorded here valid today?

Only what a certificate says on its face is read: number, enterprise name, standard, scope,
certification body, issue and expiry dates, and the status today. Never contacts, sites, files,
records under review (``review_state`` other than verified) or archived ones: the selector builds
plain values from ``public_certificates()``, so a template cannot reach anything else.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q

from enterprises.models import Enterprise
from laichau_nsc.text import fold, normalize_code

from .choices import CertificateStatus
from .models import Certificate, CertificatePeriod, CertificateSuspension

#: Results shown for one query; more means the visitor should type more of the name.
MAX_RESULTS = 20
#: Shortest query (after folding) that is searched: "ab" would list every certificate.
MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 100
CACHE_SECONDS = 300


@dataclass(frozen=True)
class PublicCertificate:
    """What the public page shows of one certificate, and nothing more."""

    number: str
    enterprise_name: str
    standard_code: str
    standard_title: str
    scope: str
    body_name: str
    issued_on: datetime.date
    expires_on: datetime.date
    status: str  # a CertificateStatus value, shown in the visitor's language

    @property
    def valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    def get_status_display(self) -> str:
        return str(CertificateStatus(self.status).label)


@dataclass(frozen=True)
class CheckResult:
    certificates: tuple[PublicCertificate, ...]
    truncated: bool  # more than MAX_RESULTS matched


def public_certificates():
    """Certificates the public may see: verified by an officer, neither the certificate nor its
    enterprise archived."""
    return Certificate.objects.active().verified()


def check_certificates(query: str, *, today: datetime.date) -> CheckResult:
    """Certificates whose number is ``query`` (case-blind) or whose enterprise's name contains
    it (case- and diacritic-blind), with their status on ``today``; cached.

    The cache key holds ``today``: a status changes at midnight (an expiry, a suspension that
    starts), so a result cached late on one day is never served the next. Within a day an
    officer's change (a suspension recorded, a certificate verified) shows after at most
    ``CACHE_SECONDS``, which is as fresh as a published register needs to be; what is cached is
    the plain public values, never a record, so nothing more can leak through the cache.
    """
    key = _cache_key(query, today)
    result = cache.get(key)
    if result is None:
        result = _search(query, today=today)
        cache.set(key, result, CACHE_SECONDS)
    return result


def _cache_key(query: str, today: datetime.date) -> str:
    normalised = f"{normalize_code(query).casefold()}\n{fold(query)}"
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"certificate-check:{today.isoformat()}:{digest}"


def _search(query: str, *, today: datetime.date) -> CheckResult:
    """Two index-friendly steps rather than one ``number = … OR enterprise IN (…)`` query, which
    PostgreSQL can only answer by reading every certificate:

    1. the first enterprises by name that match the query (folded, through the trigram index)
       and hold a public certificate: walking the name index stops after ``MAX_RESULTS + 1``,
       however broad the query ("cong ty");
    2. their certificates, or those whose number is the query (``certificate_number_upper_idx``).
    """
    public = public_certificates()
    enterprise_ids = list(
        Enterprise.objects.active()
        .search(query)
        .filter(Exists(public.filter(enterprise=OuterRef("pk"))))
        .order_by("name", "pk")
        .values_list("pk", flat=True)[: MAX_RESULTS + 1]
    )
    matches = (
        public.filter(Q(number__iexact=normalize_code(query)) | Q(enterprise_id__in=enterprise_ids))
        .select_related("enterprise", "standard", "body")
        .annotate(valid_today=Exists(Certificate.objects.valid_on(today).filter(pk=OuterRef("pk"))))
        .prefetch_related(
            # Only what status_on needs to name why a certificate is not valid today.
            Prefetch("periods", queryset=CertificatePeriod.objects.order_by("starts_on")),
            Prefetch("suspensions", queryset=CertificateSuspension.objects.order_by("starts_on")),
        )
        .order_by("enterprise__name", "standard__code", "-issued_on", "pk")[: MAX_RESULTS + 1]
    )
    rows = list(matches)
    return CheckResult(
        certificates=tuple(_public(c, today) for c in rows[:MAX_RESULTS]),
        truncated=len(rows) > MAX_RESULTS or len(enterprise_ids) > MAX_RESULTS,
    )


def _public(certificate: Certificate, today: datetime.date) -> PublicCertificate:
    return PublicCertificate(
        number=certificate.number,
        enterprise_name=certificate.enterprise.name,
        standard_code=certificate.standard.code,
        standard_title=certificate.standard.title,
        scope=certificate.scope,
        body_name=str(certificate.body),
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        status=_status(certificate, today),
    )


def _status(certificate: Certificate, today: datetime.date) -> str:
    """Valid exactly when ``valid_on`` says so; otherwise why not, from the periods and events."""
    if certificate.valid_today:
        return CertificateStatus.VALID
    status = certificate.status_on(today)
    # valid_on is the definition: a certificate it leaves out is never shown as valid.
    return CertificateStatus.EXPIRED if status == CertificateStatus.VALID else status


def query_problem(query: str) -> str:
    """Why ``query`` is not searched ("" when it is): empty, too short or too long."""
    folded = fold(query)
    if not folded:
        return "empty"
    if len(folded.replace(" ", "")) < MIN_QUERY_LENGTH:
        return "short"
    if len(query) > MAX_QUERY_LENGTH:
        return "long"
    return ""
