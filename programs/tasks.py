"""Celery tasks of the programme: thin, they call services."""

from celery import shared_task

from . import summaries


@shared_task(name="programs.refresh_summaries")
def refresh_summaries() -> dict:
    """celery beat, every minute: ask for the rebuild of every stale year's summaries."""
    return {"years": summaries.summaries_schedule()}
