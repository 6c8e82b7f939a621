"""The FilterSet base of every list: Bootstrap classes and fast selects, no crispy-forms."""

import django_filters
from django import forms

from .widgets import FastSelect


class PortalFilterSet(django_filters.FilterSet):
    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                widget = field.widget
                if type(widget) is forms.Select:
                    field.widget = widget = FastSelect(attrs=widget.attrs, choices=widget.choices)
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        return self._form
