"""Bounded, ids-first pagination for lists over a million rows.

A list never counts or pages past ``PORTAL_LIST_MAX_ROWS`` rows: at a million enterprises
``COUNT(*)`` and ``OFFSET 900000`` cost seconds, and nobody reads page 20,000. The page says
"more than N results, narrow the search" instead.

One query fetches the ordered primary keys of the first ``max_rows + 1`` matches: that gives the
count and every page's ids, so the last page costs what the first does and a search's matches
are scanned once, not once for the count and again for the page. A second query fetches the
page's rows by primary key.

A search (a queryset with ``newest_ids``, whose ``searched_for`` is set) is bounded differently:
when more than ``max_rows`` rows match, the list holds the ``max_rows`` matches added last, in
the order asked for, and says so (``shows_newest``). Finding the alphabetically first matches
of a broad search costs seconds at a million rows (``EnterpriseQuerySet.newest_ids``).
"""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from django_tables2.data import TableData
from django_tables2.rows import BoundRows

from . import lookups  # noqa: F401  (registers pk__among)


def _queryset_of(object_list):
    """The QuerySet under a django-tables2 ``BoundRows`` (or the object itself)."""
    data = getattr(object_list, "data", None)
    return getattr(data, "data", object_list)


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, *args, rows=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        #: Where the page's rows are read by primary key (``ObjectListView.get_rows``): the
        #: user's records (``for_user``) with what a row shows, without the list's conditions.
        #: The ids met every condition already; asked through the filtered queryset, the rows'
        #: query repeats them, which PostgreSQL plans and checks again (10-16 ms for the
        #: expiring certificates' subqueries). None: through the filtered queryset.
        self.rows = rows

    @property
    def max_rows(self) -> int:
        return settings.PORTAL_LIST_MAX_ROWS

    @cached_property
    def _queryset(self):
        queryset = _queryset_of(self.object_list)
        return queryset if hasattr(queryset, "query") else None

    @cached_property
    def shows_newest(self) -> bool:
        """Whether the list holds only the newest ``max_rows`` of more matches."""
        return self._bounded_by_newest and len(self._ids) > self.max_rows

    @property
    def _bounded_by_newest(self) -> bool:
        queryset = self._queryset
        return bool(getattr(queryset, "searched_for", "")) and hasattr(queryset, "newest_ids")

    @cached_property
    def _ids(self) -> list:
        queryset = self._queryset
        if not self._bounded_by_newest:
            return list(queryset.values_list("pk", flat=True)[: self.max_rows + 1])
        if hasattr(queryset, "newest_in_order"):  # the queryset orders them its own way
            return queryset.newest_in_order(self.max_rows)
        newest = queryset.newest_ids(self.max_rows + 1)
        # Only the order is asked here: the ids already meet every condition, so the query is
        # a primary-key lookup that PostgreSQL cannot mistake for another search.
        model = queryset.model
        shown = (
            model._default_manager.filter(pk__among=newest[: self.max_rows])
            .order_by(*(queryset.query.order_by or model._meta.ordering))
            .values_list("pk", flat=True)
        )
        # The newest id beyond the bound stays last: it only says that there are more.
        return [*shown, *newest[self.max_rows :]]

    @cached_property
    def count(self) -> int:
        if self._queryset is None:
            return super().count
        return len(self._ids)

    @property
    def is_capped(self) -> bool:
        return self.count > self.max_rows

    @cached_property
    def num_pages(self) -> int:
        shown = min(self.count, self.max_rows)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, -(-shown // self.per_page))

    def page(self, number) -> Page:
        if self._queryset is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._ids[bottom : min(bottom + self.per_page, self.max_rows)]
        queryset = self._queryset if self.rows is None else self.rows
        if hasattr(queryset, "without_word_index"):
            # The ids met every condition already; the word index's would be computed per row.
            queryset = queryset.without_word_index()
        # A table may read its rows its own way (EnterpriseTable: tuples, not models).
        page_records = getattr(getattr(self.object_list, "table", None), "page_records", None)
        if page_records is not None:
            records = page_records(queryset, ids)
        else:
            rows = queryset.order_by().in_bulk(ids)
            records = [rows[pk] for pk in ids if pk in rows]
        return Page(self._as_rows(records), number, self)

    def _as_rows(self, records: list):
        """Records in the container the caller paginated (django-tables2 rows or a list)."""
        if isinstance(self.object_list, BoundRows):
            data = TableData.from_data(records)
            data.set_table(self.object_list.table)
            return BoundRows(data=data, table=self.object_list.table)
        return records
