"""Formatting every template uses: VND amounts and numbers with Vietnamese separators; and the
layout's parts (navigation menu, navbar, footer), rendered once per kind of user and language."""

import re
from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
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
    _LAYOUT_PARTS.clear()
    _BELLS.clear()


# --- The layout's parts, drawn once per kind of user ----------------------------------------------
#
# Every signed-in page draws the same head links, skip link, navbar and footer around its content:
# about 40 translated labels, URLs and static paths that cost more Python than a short page's own
# content. ``layout_part`` renders such a part once per process for each combination of what it
# depends on (language, URL prefix and URLconf, the user's roles and whether a superuser, the
# portal's names) with marks in place of what changes per request (the CSRF token, the current
# path, the user's name and the bell's count), keeps it, and fills the marks in one pass on each
# request. With DEBUG on it renders the part on every request, so an edited template shows at
# once; tests/test_layout.py compares both ways, byte for byte.

_LAYOUT_PARTS: dict[tuple, str] = {}
_BELLS: dict[tuple, str] = {}
_MARK = re.compile("\ue000([a-z]+)\ue001")


def _mark(name: str) -> str:
    # Private-use characters: escaping leaves them as they are, and no label contains them.
    return f"\ue000{name}\ue001"


class _MarkedUser:
    """What the layout reads of a signed-in user, with a mark for its name."""

    is_authenticated = True

    def __init__(self, is_superuser: bool):
        self.is_superuser = is_superuser

    def get_full_name(self) -> str:
        return _mark("name")

    def get_username(self) -> str:
        return _mark("name")


class _MarkedRequest:
    def get_full_path(self) -> str:
        return _mark("path")


_CSRF_INPUT = format_html(
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', _mark("csrf")
)


@register.simple_tag(takes_context=True)
def layout_part(context: template.Context, template_name: str) -> SafeString:
    """``template_name`` as ``{% include %}`` would render it, from a copy kept per kind of user."""
    if settings.DEBUG:
        return SafeString(context.template.engine.get_template(template_name).render(context))
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    flags = (
        signed_in,
        signed_in and bool(user.is_superuser),
        bool(context.get("is_officer")),
        bool(context.get("is_leader")),
        bool(context.get("is_enterprise_user")),
    )
    names = (str(context.get("PORTAL_PROVINCE_NAME")), str(context.get("PORTAL_DEPARTMENT_NAME")))
    key = (template_name, *flags, *names, get_language(), get_script_prefix(), get_urlconf())
    part = _LAYOUT_PARTS.get(key)
    if part is None:
        part = _render_marked(context, template_name, flags, names)
        _LAYOUT_PARTS[key] = part
    values = _request_values(context, part)
    return SafeString(_MARK.sub(lambda match: values[match[1]], part))


def _render_marked(context: template.Context, template_name: str, flags: tuple, names: tuple):
    signed_in, superuser, officer, leader, enterprise_user = flags
    marked = template.Context(
        {
            "user": _MarkedUser(superuser) if signed_in else AnonymousUser(),
            "is_officer": officer,
            "is_leader": leader,
            "is_enterprise_user": enterprise_user,
            "PORTAL_PROVINCE_NAME": names[0],
            "PORTAL_DEPARTMENT_NAME": names[1],
            "request": _MarkedRequest(),
            "csrf_token": _mark("csrf"),
            "layout_marks": True,
        },
        autoescape=context.autoescape,
    )
    html = context.template.engine.get_template(template_name).render(marked)
    # The whole input is the mark: a page rendered without a token shows none (as csrf_token).
    return html.replace(_CSRF_INPUT, _mark("csrfinput"))


def _request_values(context: template.Context, part: str) -> dict[str, str]:
    values: dict[str, str] = {}
    if _mark("csrfinput") in part:
        token = context.get("csrf_token")
        token = str(token) if token else ""
        values["csrfinput"] = (
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
            if token and token != "NOTPROVIDED"  # noqa: S105  (Django's "no token" value)
            else ""
        )
    if _mark("path") in part:
        request = context.get("request")
        values["path"] = escape(request.get_full_path()) if request is not None else ""
    if _mark("name") in part:
        user = context.get("user")
        values["name"] = escape(user.get_full_name() or user.get_username())
    if _mark("bell") in part:
        values["bell"] = _bell(context)
    return values


@register.simple_tag(takes_context=True)
def nav_bell(context: template.Context) -> SafeString:
    """The navbar's bell with the unread count (``inc/nav_bell.html``)."""
    if context.get("layout_marks"):
        return SafeString(_mark("bell"))
    if settings.DEBUG:
        return SafeString(context.template.engine.get_template("inc/nav_bell.html").render(context))
    return SafeString(_bell(context))


def _bell(context: template.Context) -> str:
    bell = context.get("notification_bell")
    unread = bell.unread if bell is not None else 0
    capped = bool(unread) and bell.capped
    key = (unread, capped, get_language(), get_script_prefix(), get_urlconf())
    html = _BELLS.get(key)
    if html is None:
        html = render_to_string(
            "inc/nav_bell.html",
            {"notification_bell": {"unread": unread, "capped": capped}},
        )
        _BELLS[key] = html
    return html


@register.simple_tag
def filter_fields(form) -> SafeString:
    """A list's filter form's fields (``generic/inc/filter_form.html``): the hidden ones as they
    are, each visible one with its label and errors. The same bytes as the template loop it
    replaced (``tests/test_forms_renderer.py``), without a template node per label, id and
    error on the busiest pages."""
    parts = [conditional_escape(field) for field in form.hidden_fields()]
    parts.append("\n")
    for field in form.visible_fields():
        errors = "".join(
            f'<div class="invalid-feedback d-block">{conditional_escape(error)}</div>'
            for error in field.errors
        )
        parts.append(
            f'\n  <div class="mb-3">\n'
            f'    <label class="form-label" for="{conditional_escape(field.auto_id)}">'
            f"{conditional_escape(field.label)}</label>\n"
            f"    {conditional_escape(field)}\n"
            f"    {errors}\n"
            f"  </div>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)
