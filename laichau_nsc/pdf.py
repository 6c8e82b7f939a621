"""PDF documents from templates, with WeasyPrint (certificates of completion, later reports).

``render_pdf(template_name, context)`` renders a Django template to HTML, composes the text
(NFC, so a name typed with combining marks prints as one glyph per letter) and lays it out on A4
with the portal's print stylesheet (``static/css/pdf.css``): a serif with full Vietnamese
coverage (Noto Serif, else Liberation Serif, which has Times New Roman's metrics; Debian's
``fonts-noto-core`` and ``fonts-liberation2``) found by fontconfig on this machine.

Nothing is fetched over the network: stylesheets, images and fonts a template refers to are read
only from the portal's own static folders (``file:`` URLs under ``STATICFILES_DIRS`` or
``STATIC_ROOT``) or ``data:`` URLs. Any other address is refused, and the document is laid out
without it, so a hostile value in a template (an ``<img src="http://…">``) cannot make the
server call out.
"""

import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

#: The stylesheet every PDF gets, before the template's own ``<style>``.
PRINT_STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"


def _allowed_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in getattr(settings, "STATICFILES_DIRS", [])]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def local_path(url: str) -> Path | None:
    """The file a ``file:`` URL names when it lies under the portal's static folders."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if any(path.is_relative_to(root) for root in _allowed_roots()) and path.is_file():
        return path
    return None


def _fetcher():
    # Imported here: WeasyPrint loads Pango when imported, which only PDF pages need.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Reads ``data:`` URLs and the portal's own static files; refuses everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = local_path(url)
            if path is None:
                raise ValueError(f"not fetched (only the portal's static files): {url[:100]}")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return LocalOnlyFetcher(allowed_protocols=("file", "data"))


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template rendered as an A4 PDF (bytes), its text in NFC."""
    from weasyprint import CSS, HTML

    html = unicodedata.normalize("NFC", render_to_string(template_name, context))
    fetcher = _fetcher()
    document = HTML(
        string=html,
        base_url=PRINT_STYLESHEET.parent.as_uri() + "/",
        url_fetcher=fetcher,
        media_type="print",
    )
    stylesheet = CSS(filename=str(PRINT_STYLESHEET), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])
