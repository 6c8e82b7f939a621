"""The enterprise list's rows, drawn in Python (``enterprises.tables.enterprise_rows_html``)."""

from django import template
from django.utils.safestring import SafeString

from ..tables import enterprise_rows_html

register = template.Library()


@register.simple_tag
def enterprise_rows(rows) -> SafeString:
    """``{% enterprise_rows table.page.object_list %}``: the <tr>s of a page of the list."""
    return enterprise_rows_html(row.record for row in rows)
