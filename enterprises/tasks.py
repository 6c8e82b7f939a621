from celery import shared_task

from . import services


@shared_task(name="enterprises.export_enterprises")
def export_enterprises(job_id: str) -> None:
    """Build an enterprise-list export; idempotent, so a redelivered task does no harm."""
    services.export_job_run(job_id=job_id)
