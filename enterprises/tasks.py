from celery import shared_task

from . import services


@shared_task(name="enterprises.export_enterprises")
def export_enterprises(job_id: str) -> None:
    """Build an enterprise-list export; idempotent, so a redelivered task does no harm."""
    services.export_job_run(job_id=job_id)


@shared_task(
    name="enterprises.notify_membership_decision",
    autoretry_for=(OSError,),
    max_retries=5,
    retry_backoff=True,
)
def notify_membership_decision(membership_id: int) -> None:
    """Tell the applicant what an officer decided (retried while the mail server is away)."""
    services.membership_notify(membership_id=membership_id)


@shared_task(name="enterprises.purge_old_exports")
def purge_old_exports() -> int:
    """Nightly (celery beat): export files are kept for a week."""
    return services.export_files_purge(older_than_days=7)
