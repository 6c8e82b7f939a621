"""QR codes of the public traceability pages (segno), and the absolute addresses they hold.

A QR code printed on a package is read for years, so it holds the page's stable address built
from ``settings.SITE_URL`` (never the address the enterprise user happened to open the portal
with): ``/truy-xuat/<public code>/`` for a product, ``/truy-xuat/<public code>/<trace code>/``
for one lot. Error correction level M (15 % of the code may be lost: a scratch, a fold) with
segno's usual quiet zone of 4 modules.
"""

import io

import segno
from django.conf import settings
from django.urls import reverse

ERROR_LEVEL = "m"
#: Pixels per module of the PNG: a 33-module code is 330 px, sharp at 3 cm when printed.
PNG_SCALE = 10


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def product_page_url(public_code: str) -> str:
    return absolute(reverse("public:product_page", args=[public_code]))


def lot_page_url(public_code: str, trace_code: str) -> str:
    return absolute(reverse("public:lot_page", args=[public_code, trace_code]))


def make(url: str) -> segno.QRCode:
    # micro=False: a Micro QR code is not read by phones' camera apps.
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def png(url: str) -> bytes:
    out = io.BytesIO()
    make(url).save(out, kind="png", scale=PNG_SCALE)
    return out.getvalue()


def svg(url: str) -> bytes:
    """A standalone SVG file (for print shops and design tools): scalable, black on white."""
    out = io.BytesIO()
    make(url).save(out, kind="svg", scale=4, light="#fff", title=url)
    return out.getvalue()


def svg_inline(url: str) -> str:
    """An ``<svg>`` element to put inside a page (the label sheet): no size of its own (a
    ``viewBox``), so the style sheet sizes it; no inline style, so the strict CSP allows it."""
    return make(url).svg_inline(omitsize=True, light="#fff", svgclass="qr")
