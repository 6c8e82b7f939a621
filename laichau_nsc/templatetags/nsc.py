"""Formatting every template uses: VND amounts and numbers with Vietnamese separators; and the
layout's navigation menu, rendered once per set of roles and language."""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language
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


#: The navigation menus rendered so far, by what they depend on (see ``nav_menu``).
_NAV_MENUS: dict[tuple, SafeString] = {}


@register.simple_tag(takes_context=True)
def nav_menu(context: template.Context) -> SafeString:
    """The navbar's menu of pages (``inc/nav_menu.html``) for the user's roles.

    It shows every page of a role with its links and labels and nothing of the user, so it is
    the same for everyone with the same roles: rendered once per process for each set of roles,
    language and URL prefix (its 17 URLs and 20 labels cost more than the rest of the layout),
    then reused. The roles come from the context processor, read fresh on each request: a user
    who loses a role gets the smaller menu on the next page. With ``DEBUG`` on it is rendered
    every time, so an edited template shows at once.
    """
    user = context.get("user")
    flags = {
        "is_authenticated": bool(user is not None and user.is_authenticated),
        "is_officer": bool(context.get("is_officer")),
        "is_leader": bool(context.get("is_leader")),
        "is_enterprise_user": bool(context.get("is_enterprise_user")),
    }
    key = (*flags.values(), get_language(), get_script_prefix(), get_urlconf())
    menu = None if settings.DEBUG else _NAV_MENUS.get(key)
    if menu is None:
        menu = SafeString(render_to_string("inc/nav_menu.html", flags).strip())
        _NAV_MENUS[key] = menu
    return menu


@receiver(setting_changed)
def _forget_nav_menus(**kwargs) -> None:
    """A test that changes the URLs or languages gets menus rendered under its settings."""
    _NAV_MENUS.clear()
