"""Form widgets that stay fast on long lists of choices."""

from django import forms
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A <select> rendered in Python.

    Django renders each <option> through a template; a filter with a few hundred units and
    sectors spent more time there than the whole database work of the page.
    """

    def render(self, name, value, attrs=None, renderer=None) -> str:
        selected = {
            "" if v is None else str(v)
            for v in (value if isinstance(value, list | tuple) else [value])
        }
        final_attrs = self.build_attrs(self.attrs, attrs or {})
        final_attrs["name"] = name
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), " selected" if str(v) in selected else "", label)
                for v, label in self._flat_choices()
            ),
        )
        return format_html("<select{}>{}</select>", forms.utils.flatatt(final_attrs), options)

    def _flat_choices(self):
        for value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup: flatten it
                yield from label
            else:
                yield ("" if value is None else getattr(value, "value", value)), label
