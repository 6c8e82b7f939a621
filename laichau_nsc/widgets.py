"""Form widgets that stay fast on long lists of choices."""

from django import forms
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A <select> rendered in Python.

    Django renders each <option> through a template; a filter with a few hundred units and
    sectors spent more time there than the whole database work of the page. Groups of choices,
    ``(group label, [(value, label), …])`` as Django takes them, become ``<optgroup>``s.
    """

    def render(self, name, value, attrs=None, renderer=None) -> str:
        selected = {
            "" if v is None else str(v)
            for v in (value if isinstance(value, list | tuple) else [value])
        }
        final_attrs = self.build_attrs(self.attrs, attrs or {})
        final_attrs["name"] = name
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group: its label, then its options
                options = _options(label, selected)
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', option_value, options)
                )
            else:
                parts.append(_options([(option_value, label)], selected))
        body = format_html_join("", "{}", ((part,) for part in parts))
        return format_html("<select{}>{}</select>", forms.utils.flatatt(final_attrs), body)


def _options(choices, selected: set[str]) -> str:
    texts = ((_value_text(value), label) for value, label in choices)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value in selected else "", label) for value, label in texts),
    )


def _value_text(value) -> str:
    """An option's value as HTML carries it (a model choice's value object, None as "")."""
    value = getattr(value, "value", value)
    return "" if value is None else str(value)
