"""A list's table copies its class's columns for itself (``ColumnsCopiedPerTable``), as
django-tables2's deep copy did, without copying what no table changes."""

import pytest
from django.test import RequestFactory

from enterprises.views import EnterpriseListView, MembershipListView
from laichau_nsc.views import ColumnsCopiedPerTable
from tests.helpers import url_callbacks


@pytest.mark.parametrize("view_class", [EnterpriseListView, MembershipListView])
def test_each_table_has_its_own_columns(view_class):
    view = view_class()
    view.request = RequestFactory().get("/")
    table_class = view.get_table_class()
    assert isinstance(table_class.base_columns, ColumnsCopiedPerTable)
    assert view.get_table_class() is table_class  # wrapped once

    first, second = table_class(data=[]), table_class(data=[])
    for name, column in table_class.base_columns.items():
        assert first.columns[name].column is not column
        assert first.columns[name].column is not second.columns[name].column
        # What no table changes is shared.
        assert first.columns[name].column.verbose_name == column.verbose_name

    name = next(iter(table_class.base_columns))
    first.columns.hide(name)
    assert not first.columns[name].visible
    assert second.columns[name].visible
    assert table_class(data=[]).columns[name].visible
    assert table_class.base_columns[name].visible


def test_every_list_page_reads_outside_the_request_transaction():
    """ATOMIC_REQUESTS wraps a view in BEGIN … COMMIT; a list only reads, so it is left out
    (``ObjectListView``). Every list page of the portal is found through the URLconf."""
    from laichau_nsc.views import ObjectListView

    lists = [
        callback
        for callback in url_callbacks()
        if issubclass(getattr(callback, "view_class", object), ObjectListView)
    ]
    assert len(lists) >= 14
    for callback in lists:
        assert "default" in getattr(callback, "_non_atomic_requests", set()), callback.view_class
