"""``/api/v1/`` (the router), ``/api/schema/`` (OpenAPI 3), ``/api/docs/`` (Swagger UI) and
``/api/redoc/`` (ReDoc), both served from our static files (drf-spectacular-sidecar)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from enterprises import api as enterprises_api
from programs import api as programs_api
from programs import api_indicators as programs_indicators_api
from standards import api as standards_api

from . import docs, schema  # noqa: F401  (schema registers the token scheme)
from .jobs import ListExportJobViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("enterprises", enterprises_api.EnterpriseViewSet, basename="enterprise")
router.register(
    "administrative-units", enterprises_api.AdministrativeUnitViewSet, basename="admin-unit"
)
router.register("sectors", enterprises_api.SectorViewSet, basename="sector")
router.register("standards", standards_api.StandardViewSet, basename="standard")
router.register(
    "certification-bodies", standards_api.CertificationBodyViewSet, basename="certification-body"
)
router.register("adoptions", standards_api.AdoptionViewSet, basename="adoption")
router.register("certificates", standards_api.CertificateViewSet, basename="certificate")
router.register("products", standards_api.ProductViewSet, basename="product")
router.register(
    "barcode-registrations",
    standards_api.BarcodeRegistrationViewSet,
    basename="barcode-registration",
)
router.register("declarations", standards_api.DeclarationViewSet, basename="declaration")
router.register("training-courses", programs_api.TrainingCourseViewSet, basename="course")
router.register("enrollments", programs_api.EnrollmentViewSet, basename="enrollment")
router.register(
    "support-activities", programs_api.SupportActivityViewSet, basename="support-activity"
)
router.register("indicators", programs_indicators_api.IndicatorViewSet, basename="indicator")
router.register("exports", ListExportJobViewSet, basename="export")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="swagger-ui"),
    path("redoc/", docs.RedocView.as_view(url_name="api:schema"), name="redoc"),
]
