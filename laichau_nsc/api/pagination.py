"""Paging of API lists: cursor paging for the large lists (enterprises, certificates, products),
so page 1,000 costs what page 1 costs and no count runs; numbered pages for the others."""

from django.conf import settings
from rest_framework.pagination import CursorPagination, PageNumberPagination


class PortalPageNumberPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PortalCursorPagination(CursorPagination):
    """Newest first by id: an id never changes, so a cursor never skips or repeats a row."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


def export_limit() -> int:
    return settings.PORTAL_EXPORT_MAX_ROWS
