"""Uploaded files (certificate scans, dossiers): what is accepted, where it is stored, how it is
served.

- **Accepted** only as PDF, JPEG or PNG judged by the content, never the name or the browser's
  word (``validate_document``): the type's signature must open the file (offset 0, no BOM or
  HTML before it), no HTML or script markers anywhere in it (a polyglot that is also a web
  page), a size limit (``PORTAL_UPLOAD_MAX_BYTES``), images re-opened with Pillow within a pixel
  limit (``PORTAL_UPLOAD_MAX_PIXELS``: a decompression bomb is refused before it is decoded),
  PDFs re-opened with pypdf. The stored name's extension follows the content.
- **Stored** under ``MEDIA_ROOT/private/`` through Django's storage API (local disk by default,
  S3-compatible storage with django-storages in production), never under the static root, with
  a random name so a path cannot be guessed (``PrivateUploadTo``).
- **Served** only through views that fetched the record with ``for_user`` (a 404 otherwise),
  by ``private_file_response``: an attachment, with the content type of what was checked and
  ``nosniff``.
- **Replaced** with ``replace_file``: the old file is deleted only once the transaction that
  stored the new one commits, so a failed save loses nothing.
"""

import io
import logging
import uuid
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


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


# --- What is accepted ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentType:
    mime: str
    extension: str
    signature: bytes
    label: str


DOCUMENT_TYPES = (
    DocumentType("application/pdf", ".pdf", b"%PDF-", "PDF"),
    DocumentType("image/jpeg", ".jpg", b"\xff\xd8\xff", "JPEG"),
    DocumentType("image/png", ".png", b"\x89PNG\r\n\x1a\n", "PNG"),
)
CONTENT_TYPES = {t.extension: t.mime for t in DOCUMENT_TYPES}

#: What makes a browser treat bytes as a page or run them as script. Searched in the whole file
#: (lower-cased): in a scan's compressed data these byte strings do not occur by chance.
ACTIVE_MARKERS = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<svg",
    b"<meta",
    b"<link",
    b"<form",
    b"<img",
    b"<a href",
    b"javascript:",
    b"onload=",
    b"onerror=",
)
#: PDF features that run code or other programs when the file is opened.
PDF_ACTIVE_NAMES = (b"/javascript", b"/js ", b"/js(", b"/js<", b"/launch", b"/embeddedfile")
_CHUNK = 1024 * 1024
_OVERLAP = 32


def _human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _scan_for(upload, needles: tuple[bytes, ...]) -> bytes | None:
    """The first of ``needles`` found anywhere in the file (case-insensitive), or None."""
    upload.seek(0)
    tail = b""
    while chunk := upload.read(_CHUNK):
        window = (tail + chunk).lower()
        for needle in needles:
            if needle in window:
                return needle
        tail = window[-_OVERLAP:]
    return None


def validate_document(upload: UploadedFile) -> DocumentType:
    """Check an uploaded scan or dossier; returns its type or raises ``ValidationError``.

    The file is read, never trusted: its name and the browser's content type are ignored.
    """
    size = upload.size or 0
    if size > settings.PORTAL_UPLOAD_MAX_BYTES:
        raise _refuse(
            _("Tệp quá lớn (%(size)s); tối đa %(limit)s.")
            % {
                "size": _human_size(size),
                "limit": _human_size(settings.PORTAL_UPLOAD_MAX_BYTES),
            },
            "too_large",
        )
    if size == 0:
        raise _refuse(_("Tệp rỗng."), "empty")
    upload.seek(0)
    head = upload.read(8192)
    kind = next((t for t in DOCUMENT_TYPES if head.startswith(t.signature)), None)
    guessed = filetype.guess(head)
    if kind is None or guessed is None or guessed.mime != kind.mime:
        raise _refuse(
            _(
                "Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên). "
                "Tệp này không phải một trong các loại đó."
            ),
            "type",
        )
    if _scan_for(upload, ACTIVE_MARKERS) is not None:
        raise _refuse(
            _(
                "Tệp có chứa mã trang web hoặc mã lệnh (HTML, script) nên không được nhận. "
                "Hãy quét hoặc xuất lại tài liệu thành PDF, JPEG hoặc PNG thông thường."
            ),
            "active_content",
        )
    if kind.mime == "application/pdf":
        _check_pdf(upload)
    else:
        _check_image(upload, kind)
    upload.seek(0)
    return kind


def _check_image(upload, kind: DocumentType) -> None:
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            # Only the header is read so far: the size is known before anything is decoded.
            width, height = image.size
            if width * height > settings.PORTAL_UPLOAD_MAX_PIXELS:
                raise _refuse(
                    _(
                        "Ảnh có kích thước %(width)s × %(height)s điểm ảnh, vượt giới hạn "
                        "%(limit)s triệu điểm ảnh. Hãy quét lại với độ phân giải thấp hơn."
                    )
                    % {
                        "width": width,
                        "height": height,
                        "limit": settings.PORTAL_UPLOAD_MAX_PIXELS // 1_000_000,
                    },
                    "pixels",
                )
            if image.format != kind.label:
                raise _refuse(_("Nội dung ảnh không khớp với định dạng của tệp."), "type")
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow's own guard, far above ours: it refuses before reading the size out to us.
        raise _refuse(
            _("Ảnh có kích thước vượt giới hạn %(limit)s triệu điểm ảnh.")
            % {"limit": settings.PORTAL_UPLOAD_MAX_PIXELS // 1_000_000},
            "pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        message = _("Không đọc được ảnh: tệp bị hỏng hoặc không đúng định dạng.")
        raise _refuse(message, "corrupt") from None


def _check_pdf(upload) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if _scan_for(upload, PDF_ACTIVE_NAMES) is not None:
        raise _refuse(
            _("Tệp PDF có chứa mã lệnh hoặc tệp đính kèm nên không được nhận."),
            "active_content",
        )
    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(upload.read()), strict=False)
        if reader.is_encrypted:
            raise _refuse(_("Tệp PDF có mật khẩu; hãy gửi bản không đặt mật khẩu."), "encrypted")
        if len(reader.pages) == 0:
            raise _refuse(_("Tệp PDF không có trang nào."), "corrupt")
    except ValidationError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise _refuse(_("Không đọc được tệp PDF: tệp bị hỏng."), "corrupt") from None


def named_for_storage(upload: UploadedFile, kind: DocumentType, stem: str = "tep") -> UploadedFile:
    """The stored name's extension follows the checked content, not the uploaded name."""
    upload.name = f"{stem}{kind.extension}"
    upload.content_type = kind.mime
    return upload


# --- Storing and serving ------------------------------------------------------------------------


def replace_file(instance: models.Model, field: str, upload: UploadedFile) -> str:
    """Store ``upload`` in ``instance.<field>`` (the caller saves the instance) and delete the
    file it replaces once the transaction commits; returns the old name ("" if none).

    If the transaction rolls back, the record still points at the old file, which is still
    there. Call it inside the service's transaction.
    """
    field_file = getattr(instance, field)
    old_name = field_file.name or ""
    field_file.save(upload.name, upload, save=False)
    if old_name and old_name != field_file.name:
        storage = field_file.storage
        transaction.on_commit(lambda: _delete_quietly(storage, old_name))
    return old_name


def discard_on_error(field_file) -> None:
    """Delete a file just written when the save it belonged to failed."""
    if field_file and field_file.name:
        _delete_quietly(field_file.storage, field_file.name)


def _delete_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # pragma: no cover - a file already gone is what we wanted
        logger.warning("could not delete replaced file %s", name)


def private_file_response(field_file, *, download_name: str) -> FileResponse:
    """Serve a private file as an attachment with its checked content type and ``nosniff``.

    The caller has already fetched the record through ``for_user``.
    """
    if not field_file:
        raise Http404
    extension = PurePath(field_file.name).suffix.lower()
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404  # only what validate_document accepted is ever served
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{download_name}{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
