"""Mark the dashboard's summaries stale when a record the indicators read changes.

Bookkeeping, not business logic: one UPDATE of the few ``SummaryState`` rows once the
transaction commits (``summaries.summaries_mark_changed``); the rebuild itself runs later in the
job runner.
Changes made by ``QuerySet.update()`` send no signal: the summaries' nightly age limit
(``SUMMARY_MAX_AGE``) catches those.

An approval step (``YearApproval`` saved or deleted) changes no figure but what the dashboard
says of the year: it drops the cached states (``summaries.forget_states``), so the dashboard's
year pages are rendered again with the new approval.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from .summaries import forget_states, summaries_mark_changed

#: The records the indicators are computed from (``app_label.Model``).
WATCHED = (
    "enterprises.Enterprise",
    "enterprises.UnitAssignment",
    "enterprises.AdministrativeUnit",
    "enterprises.Sector",
    "standards.Standard",
    "standards.Adoption",
    "standards.Certificate",
    "standards.CertificatePeriod",
    "standards.CertificateSuspension",
    "standards.Declaration",
    "standards.Product",
    "standards.BarcodeRegistration",
    "standards.BarcodeFee",
    "standards.TraceabilityRecord",
    "programs.TrainingCourse",
    "programs.Enrollment",
    "programs.Attendance",
    "programs.SupportActivity",
    "programs.Expert",
    "programs.AnnualPlan",
    "programs.Target",
    "programs.ManualIndicatorValue",
)
#: Records the dashboard shows but the indicators do not read: their change only drops the
#: dashboard's cached states (and with them the version of every year's page).
DASHBOARD_WATCHED = ("programs.YearApproval",)
#: Many-to-many relations the indicators count through.
WATCHED_M2M = (("standards.Declaration", "products"),)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    summaries_mark_changed()


def _dashboard_changed(sender, **kwargs) -> None:
    forget_states()


def _m2m_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        summaries_mark_changed()


def connect() -> None:
    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:  # a model another part has not added yet
            continue
        uid = f"summaries:{label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
    for label in DASHBOARD_WATCHED:
        model = apps.get_model(label)
        uid = f"dashboard:{label}"
        post_save.connect(_dashboard_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_dashboard_changed, sender=model, dispatch_uid=f"{uid}:delete")
    for label, field in WATCHED_M2M:
        through = getattr(apps.get_model(label), field).through
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"summaries:{label}.{field}")
