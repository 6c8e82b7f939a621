"""Uploaded scans are judged by their content: spoofed files are refused with a message.

Every spoofed file is built here, byte by byte or with Pillow and pypdf.
"""

import functools
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from laichau_nsc.files import validate_document
from laichau_nsc.forms import DocumentField


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(40, 30), comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 30)).save(buffer, "JPEG", comment=comment)
    return buffer.getvalue()


@functools.cache
def pdf_bytes(extra: bytes = b"") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue() + extra


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels with one tiny compressed row: what a
    decompression bomb looks like before anyone decodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(content: bytes, name: str = "chung-chi.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "mime"),
    [(pdf_bytes(), "application/pdf"), (jpeg_bytes(), "image/jpeg"), (png_bytes(), "image/png")],
)
def test_real_pdf_jpeg_and_png_are_accepted(content, mime):
    # Named wrongly on purpose: the content decides.
    assert validate_document(upload(content, name="scan.bin")).mime == mime


SPOOFED = {
    "HTML renamed .pdf": (
        b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
        "Chỉ nhận tệp PDF, JPEG hoặc PNG",
    ),
    "HTML first, %PDF after (PDF readers accept it)": (
        b"<html><script>alert(1)</script></html>\n" + pdf_bytes(),
        "Chỉ nhận tệp PDF, JPEG hoặc PNG",
    ),
    "PDF signature after a byte-order mark": (
        b"\xef\xbb\xbf" + pdf_bytes(),
        "Chỉ nhận tệp PDF, JPEG hoặc PNG",
    ),
    "a text file": (b"Giay chung nhan ISO 9001", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    "a GIF": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    "JPEG whose comment is a script (polyglot)": (
        jpeg_bytes(comment=b"*/<script>alert(1)</script>/*"),
        "mã trang web hoặc mã lệnh",
    ),
    "PNG with a web page appended": (
        png_bytes() + b"<html><body onload=alert(1)></body></html>",
        "mã trang web hoặc mã lệnh",
    ),
    "PDF with an HTML page in its first KBs": (
        pdf_bytes().replace(b"%PDF-1.3", b"%PDF-1.3\n%<html><script>x()</script>", 1),
        "mã trang web hoặc mã lệnh",
    ),
    "PDF that runs JavaScript": (
        pdf_bytes(b"\n1 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n"),
        "mã lệnh hoặc tệp đính kèm",
    ),
    "a truncated PNG": (png_bytes()[:60], "Không đọc được ảnh"),
    "a PDF signature and nothing else": (b"%PDF-1.7\n" + b"0" * 200, "Không đọc được tệp PDF"),
    "a decompression bomb (100,000 × 100,000 pixels)": (
        png_header_only(100_000, 100_000),
        "vượt giới hạn",
    ),
    "an image over our limit but under Pillow's own (60 million pixels)": (
        png_header_only(10_000, 6_000),
        "10000 × 6000 điểm ảnh, vượt giới hạn 50 triệu",
    ),
    "an empty file": (b"", "Tệp rỗng"),
}


@pytest.mark.parametrize("case", SPOOFED)
def test_spoofed_file_is_refused_with_a_message(case):
    content, message = SPOOFED[case]
    with pytest.raises(ValidationError) as error:
        validate_document(upload(content))
    assert message in " ".join(error.value.messages)


def test_oversized_file_is_refused(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 50 * 1024
    content = pdf_bytes(b"%" + b"0" * 60 * 1024)
    with pytest.raises(ValidationError) as error:
        validate_document(upload(content))
    assert "Tệp quá lớn (60 KB); tối đa 50 KB." in error.value.messages


def test_image_over_the_pixel_limit_is_refused_before_decoding(settings):
    settings.PORTAL_UPLOAD_MAX_PIXELS = 1000
    with pytest.raises(ValidationError) as error:
        validate_document(upload(png_bytes(size=(50, 50)), name="a.png"))
    assert "50 × 50" in error.value.messages[0]


def test_document_field_names_the_file_after_its_content():
    field = DocumentField(stem="chung-chi")
    cleaned = field.clean(upload(png_bytes(), name="giay.pdf", content_type="application/pdf"))
    assert (cleaned.name, cleaned.content_type) == ("chung-chi.png", "image/png")
