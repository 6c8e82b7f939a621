"""Swagger UI and ReDoc under the portal's strict CSP: no inline script, no CDN.

drf-spectacular's own templates inline their start-up script (and ReDoc's loads web fonts from
a CDN), which our ``script-src 'self'`` refuses. Ours load the sidecar's files and a start-up
script of ours from the static files, and pass the schema's address in ``data-`` attributes.
ReDoc writes its styles into ``<style>`` elements: its page alone admits styles carrying the
request's nonce, which ReDoc is given.
"""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView


class SwaggerView(SpectacularSwaggerView):
    template_name = "api/swagger_ui.html"


@method_decorator(csp_update({"style-src": [NONCE]}), name="get")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
