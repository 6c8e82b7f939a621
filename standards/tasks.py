from celery import shared_task

from laichau_nsc import jobs

from . import reminders, services_declarations


@shared_task(name="standards.send_certificate_reminders")
def send_certificate_reminders() -> None:
    """Nightly (celery beat): certificate reminders, as a job of the runner, once a day however
    often beat asks (a second run of the day finds the first job)."""
    jobs.submit_daily(reminders.certificate_reminders_send)


@shared_task(name="standards.run_declarations_nightly")
def run_declarations_nightly() -> None:
    """Nightly (celery beat): cancel dossiers whose supplement deadline passed, remind the
    officers of overdue ones; once a day as a job of the runner."""
    jobs.submit_daily(services_declarations.declarations_nightly)
