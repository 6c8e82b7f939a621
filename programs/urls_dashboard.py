"""The leaders' dashboard (mounted at /bang-dieu-khien/)."""

from django.urls import path, re_path

from .views import dashboard

app_name = "dashboard"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    re_path(
        r"^(?P<year>\d{4})/(?P<table>[a-z0-9_-]+)\.(?P<fmt>csv|xlsx)$",
        dashboard.DashboardExportView.as_view(),
        name="export",
    ),
]
