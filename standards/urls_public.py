"""Pages anyone may open without a login (namespace ``public``)."""

from django.urls import path, re_path

from . import views_public
from .views import public_products

app_name = "public"

urlpatterns = [
    path("tra-cuu-chung-chi/", views_public.certificate_check, name="certificate_check"),
    # Traceability (issue 8): a product's page, a lot's page, GS1 Digital Link.
    path("truy-xuat/<str:public_code>/", public_products.product_page, name="product_page"),
    path(
        "truy-xuat/<str:public_code>/<str:trace_code>/",
        public_products.lot_page,
        name="lot_page",
    ),
    # GS1 Digital Link: /01/<GTIN>[/22/<variant>][/10/<lot>][/21/<serial>], in that order. The
    # lot may hold a "/" (sent as %2F, which the server decodes), hence the lazy match.
    re_path(
        r"^01/(?P<gtin>[^/]+)(?:/22/(?P<cpv>[^/]+))?(?:/10/(?P<lot>.+?))?"
        r"(?:/21/(?P<serial>[^/]+))?/?$",
        public_products.digital_link,
        name="digital_link",
    ),
]
