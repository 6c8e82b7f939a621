"""Bounded pagination: a list never counts or pages past ``PORTAL_LIST_MAX_ROWS`` rows.

At a million enterprises ``COUNT(*)`` and ``OFFSET 900000`` cost seconds; nobody reads page 20,000
either. The page says "more than N results, narrow the search" instead.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


def _queryset_of(object_list):
    """The QuerySet under a django-tables2 ``BoundRows`` (or the object itself)."""
    data = getattr(object_list, "data", None)
    return getattr(data, "data", object_list)


class BoundedPaginator(Paginator):
    @property
    def max_rows(self) -> int:
        return settings.PORTAL_LIST_MAX_ROWS

    @cached_property
    def count(self) -> int:
        queryset = _queryset_of(self.object_list)
        if hasattr(queryset, "query"):
            # COUNT over a LIMITed subquery stops after max_rows + 1 rows.
            return queryset.order_by()[: self.max_rows + 1].count()
        return super().count

    @property
    def is_capped(self) -> bool:
        return self.count > self.max_rows

    @cached_property
    def num_pages(self) -> int:
        shown = min(self.count, self.max_rows)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, -(-shown // self.per_page))
