from celery import shared_task

from laichau_nsc import jobs

from . import reminders


@shared_task(name="standards.send_certificate_reminders")
def send_certificate_reminders() -> None:
    """Nightly (celery beat): certificate reminders, as a job of the runner, once a day however
    often beat asks (a second run of the day finds the first job)."""
    jobs.submit_daily(reminders.certificate_reminders_send)
