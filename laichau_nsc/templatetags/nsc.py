"""Formatting every template uses: VND amounts and numbers with Vietnamese separators."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _group(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@register.filter
def number(value) -> str:
    """1234567 → "1.234.567" (whole numbers; blanks stay blank)."""
    if value in (None, ""):
        return ""
    try:
        return _group(int(Decimal(value).to_integral_value()))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


@register.filter
def vnd(value) -> str:
    """An amount in đồng: 1500000 → "1.500.000 ₫"."""
    formatted = number(value)
    return f"{formatted} ₫" if formatted else ""


@register.filter
def yesno_vi(value) -> str:
    return _("Có") if value else _("Không")
