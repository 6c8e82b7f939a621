"""The FilterSet base of every list: normalised input, Bootstrap classes and fast selects."""

import django_filters
from django import forms

from .forms import NormalizingFormMixin
from .widgets import FastSelect


class PortalFilterSet(django_filters.FilterSet):
    def get_form_class(self) -> type[forms.Form]:
        # A subclass's Meta.form (plain forms.Form by default) is wrapped rather than replaced,
        # so the search box and every filter are normalised like any form of the portal.
        form_class = super().get_form_class()
        if issubclass(form_class, NormalizingFormMixin):
            return form_class
        return type(form_class.__name__, (NormalizingFormMixin, form_class), {})

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
