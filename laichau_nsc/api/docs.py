"""Swagger UI and ReDoc under the portal's strict CSP: no inline script, no CDN.

drf-spectacular's own templates inline their start-up script (and ReDoc's loads web fonts from
a CDN), which our ``script-src 'self'`` refuses. Ours load the sidecar's files and a start-up
script of ours from the static files, and pass the schema's address in ``data-`` attributes.
ReDoc writes its styles into ``<style>`` elements: its page alone admits styles carrying the
request's nonce, which ReDoc is given, and the two ``style`` attributes its bundle sets (by
hash). ReDoc's footer logo comes from Redocly's CDN: the CSP refuses it (no picture, nothing
else lost).
"""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView


class SwaggerView(SpectacularSwaggerView):
    template_name = "api/swagger_ui.html"


#: The two empty or fixed ``style`` attributes ReDoc's bundle sets (their CSP hashes).
REDOC_STYLE_HASHES = [
    "'unsafe-hashes'",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]


@method_decorator(csp_update({"style-src": [NONCE, *REDOC_STYLE_HASHES]}), name="get")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
