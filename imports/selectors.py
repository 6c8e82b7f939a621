"""Reads about imports for other pages (the officers' home)."""

from .models import ImportJob


def import_queue_count(*, user) -> int:
    """Imports waiting: checks queued or running, and clean checks nobody confirmed yet."""
    return ImportJob.objects.for_user(user).waiting().count()
