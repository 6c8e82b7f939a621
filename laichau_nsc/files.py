"""Uploaded files (certificate scans, dossiers): where they are stored.

Files live under ``MEDIA_ROOT/private/`` through Django's storage API (local disk by default,
S3-compatible storage with django-storages in production), never under the static root, with a
random name so a path cannot be guessed; they are served only through views that check the user
may see the record.
"""

import uuid
from pathlib import PurePath

from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateUploadTo:
    """``upload_to`` for private files: ``private/<folder>/<yyyy>/<mm>/<random>.<ext>``."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()[:8]
        now = timezone.localtime()
        return f"private/{self.folder}/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other) -> bool:
        return isinstance(other, PrivateUploadTo) and other.folder == self.folder


def private_upload_to(folder: str) -> PrivateUploadTo:
    return PrivateUploadTo(folder)
