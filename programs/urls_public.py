"""The public statistics: approved figures of each year (mounted at /thong-ke/, no login)."""

from django.urls import re_path

from .views import public_statistics

app_name = "statistics"

urlpatterns = [
    re_path(r"^$", public_statistics.statistics_page, name="page"),
    re_path(
        r"^(?P<year>\d{4})/(?P<table>[a-z0-9_-]+)\.(?P<fmt>csv|xlsx)$",
        public_statistics.statistics_download,
        name="download",
    ),
]
