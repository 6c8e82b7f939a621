"""Indicator values as the dashboard and the public statistics show them."""

from decimal import Decimal, InvalidOperation

from django import template

from laichau_nsc.templatetags.nsc import number

register = template.Library()


@register.filter
def figure(value) -> str:
    """12 → "12"; 1234.5 → "1.234,5"; None → "—" (no figure)."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if amount == amount.to_integral_value():
        return number(amount)
    whole, _dot, fraction = f"{abs(amount):.2f}".rstrip("0").partition(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{number(whole)},{fraction}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | Decimal | float) and not isinstance(value, bool)
