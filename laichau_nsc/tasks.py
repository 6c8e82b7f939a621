"""The Celery side of the job runner (``laichau_nsc/jobs.py``): thin tasks, state in the rows."""

from celery import shared_task

from . import jobs


@shared_task(name="nsc.run_job", bind=True)
def run_job(self, label: str, pk: str) -> None:
    """Run one job row; a redelivered or duplicate message finds it claimed or done."""
    jobs.execute(label, pk, heartbeat=not self.request.is_eager)


@shared_task(name="nsc.sweep_jobs")
def sweep_jobs() -> dict:
    """celery beat, every minute: take over jobs of dead workers, send what is pending."""
    result = jobs.sweep()
    return {"requeued": result.requeued, "failed": result.failed, "dispatched": result.dispatched}
