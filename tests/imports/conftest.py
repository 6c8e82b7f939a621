import pytest

from imports import services
from imports.models import ImportJob


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Upload a file, let the job runner check it, optionally confirm; returns the last job."""

    def run(user, kind, upload, *, confirm=False, params=None) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.import_upload(user=user, kind=kind, upload=upload, params=params)
        job.refresh_from_db()
        if confirm:
            with django_capture_on_commit_callbacks(execute=True):
                job = services.import_confirm(preview=job, user=user)
            job.refresh_from_db()
        return job

    return run
