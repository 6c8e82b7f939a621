"""The portal's form renderer (``FORM_RENDERER``): Django's, with ``<input>`` widgets drawn in
Python.

Every text, number, date, e-mail, hidden or checkbox input of every form goes through three
templates (``text.html`` includes ``input.html``, which includes ``attrs.html``): about 0.4 ms
of the list page's server time for its one search box, more on the forms with many inputs.
``input_html`` writes the bytes those templates write for the same widget context
(``tests/test_forms_renderer.py`` compares them on every kind of value and attribute); every
other widget (selects, text areas, radio lists, multi-widgets) keeps its template.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

#: The widget templates that are ``input.html`` and nothing else (Django's own, unchanged since
#: Django 1.11).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "input",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _as_text(value) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless it was safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def attrs_html(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"`` each, `` name`` for True, nothing
    for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_as_text(value)}"')
    return "".join(parts)


def input_html(widget: dict) -> str:
    """``django/forms/widgets/input.html`` for a widget's context (``Widget.get_context``)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_as_text(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{attrs_html(widget["attrs"])}>'
    )


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        return super().render(template_name, context, request)
