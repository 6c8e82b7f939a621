from celery import shared_task

from laichau_nsc import jobs

from . import services


@shared_task(name="enterprises.purge_old_exports")
def purge_old_exports() -> None:
    """Nightly (celery beat): export files are kept for a week. Runs as a job of the runner,
    once a day however often beat asks."""
    jobs.submit_daily(services.export_files_purge)
