"""``{{ row.value|indicator_value:row.indicator.places }}``: Vietnamese separators, "–" for none."""

from decimal import Decimal

from django import template

from programs.indicators import format_number

register = template.Library()


@register.filter
def indicator_value(value, places: int = 0) -> str:
    return format_number(value, int(places or 0))


@register.filter
def input_number(value) -> str:
    """A number as typed back into a box: no grouping, a decimal comma ("12,5", "20"); what
    the user typed (a string) as it was."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
