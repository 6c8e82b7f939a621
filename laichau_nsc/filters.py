"""The FilterSet base of every list: normalised input, Bootstrap classes and fast selects."""

import copy
import functools
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator

from .forms import NormalizingFormMixin
from .widgets import FastSelect


@dataclass(frozen=True)
class ActiveFilter:
    """One condition the list is filtered by, as the list shows it above the results."""

    name: str
    label: str
    value: str
    #: The query string of the same list without this condition (and back on page 1).
    remove_query: str


class SharedChoices(BaseChoiceIterator):
    """Choices that do not change once made (a catalogue's units or sectors), shared by every
    form made from them instead of copied: Django deep-copies a form's fields, choices and all,
    for each form, which cost a list of a few hundred units more than its whole query."""

    def __init__(self, choices) -> None:
        self.choices = tuple(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __copy__(self) -> "SharedChoices":
        return self

    def __deepcopy__(self, memo) -> "SharedChoices":
        return self


class _OwnFields(dict):
    """A form class's fields that only one form will use: ``BaseForm.__init__`` deep-copies
    ``base_fields`` for each form (every widget, choice list and error message); a FilterSet
    makes its form class and fields for one request, so a form gets them as they are."""

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


def _instance_copy(filter_: django_filters.Filter, memo: dict | None = None):
    """The copy of a declared filter that one FilterSet instance gets: its own attributes and
    its own ``extra`` (which an ``__init__`` may change, e.g. a catalogue's choices), sharing
    what nobody changes (querysets, choice lists, labels). django-filter deep-copies every
    declared filter for every request instead: querysets and all, a few milliseconds a list."""
    clone = copy.copy(filter_)
    clone.__dict__.pop("__deepcopy__", None)  # a copy of the copy is a real deep copy
    clone.__dict__.pop("_field", None)  # the form field is made from the copy's own extra
    clone.extra = dict(filter_.extra)
    if clone.__dict__.get("_method") is not None:
        clone.method = clone._method  # its FilterMethod must call the copy's parent
    return clone


def _copied_per_instance(filters: dict) -> None:
    for filter_ in filters.values():
        if "__deepcopy__" not in filter_.__dict__:
            filter_.__deepcopy__ = functools.partial(_instance_copy, filter_)


class PortalFilterSet(django_filters.FilterSet):
    #: Values a filter takes when the query does not name it (applied by the FilterSet or its
    #: view). A list filtered only by its defaults is shown as not filtered.
    defaults: ClassVar[dict[str, str]] = {}

    def __init__(self, data: QueryDict | None = None, *args, **kwargs) -> None:
        _copied_per_instance(type(self).base_filters)
        if self.defaults:
            # Also on the first, unfiltered visit (no query at all), and while sorting and paging.
            data = QueryDict(mutable=True) if data is None else data.copy()
            for name, value in self.defaults.items():
                data.setdefault(name, value)
        super().__init__(data, *args, **kwargs)

    def get_form_class(self) -> type[forms.Form]:
        # A subclass's Meta.form (plain forms.Form by default) is extended rather than replaced,
        # so the search box and every filter are normalised like any form of the portal.
        base = self._meta.form
        bases = (base,) if issubclass(base, NormalizingFormMixin) else (NormalizingFormMixin, base)
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        form_class = type(f"{type(self).__name__}Form", bases, fields)
        # These fields were made for this FilterSet alone (``_instance_copy`` drops the copied
        # filter's field), and so was this class: the form can use them without copying them.
        form_class.base_fields = _OwnFields(form_class.base_fields)
        return form_class

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            for name, field in form.fields.items():
                widget = field.widget
                if type(widget) is forms.Select:
                    field.widget = widget = FastSelect(attrs=widget.attrs, choices=widget.choices)
                    widget.options_key = self.options_key(name)
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        return self._form

    def api_form_key(self) -> Hashable | None:
        """What the form's fields depend on, when it is nothing of the request but this (the
        catalogues' versions, the day, the language…): the API then makes the form class once
        per key (``laichau_nsc.api.filters.ApiFormMixin``). None: made for every request."""
        return None

    def options_key(self, name: str) -> Hashable | None:
        """What identifies the choices of the select ``name``, so their HTML is made once
        (``FastSelect.options_key``); None: made on every request. The same key must always
        mean the same choices: include the language, and whatever the choices are built from."""
        return None

    def active_filters(self, query: QueryDict) -> list[ActiveFilter]:
        """The valid conditions of ``query`` that narrow the list, in the form's order.

        Read after validation (the list view has run it): values come from ``cleaned_data``,
        whose records were fetched while validating, so this costs no query.
        """
        form = self.form
        cleaned = getattr(form, "cleaned_data", {})
        active = []
        for name, field in form.fields.items():
            value = cleaned.get(name)
            if isinstance(value, QuerySet):  # several records chosen
                value = list(value)
            if name in form.errors or name not in cleaned:
                continue
            if name in self.defaults:
                # Leaving a default is a condition, even for "all" (the queue's "?state=").
                if self.data.get(name) == self.defaults[name]:
                    continue
            elif value in (None, "", [], ()):
                continue
            remaining = query.copy()
            for param in _params_of(name, field):
                remaining.pop(param, None)
            remaining.pop("page", None)
            active.append(
                ActiveFilter(name, str(field.label), _shown(field, value), remaining.urlencode())
            )
        return active


def _params_of(name: str, field: forms.Field) -> list[str]:
    """The query parameters one form field reads (a range widget reads several)."""
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        return [name + suffix for suffix in widget.widgets_names]
    return [name]


def _shown(field: forms.Field, value: Any) -> str:
    """A cleaned value as the user chose it: a record's name, a choice's label, the text."""
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(_shown(field, v) for v in value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        # Compared as text: a cached catalogue's choices may be keyed by integer ids.
        labels = {str(key): label for key, label in _flat(field.choices)}
        return str(labels.get(str(value), value))
    return str(value)


def _flat(choices) -> list[tuple[Any, Any]]:
    flat = []
    for key, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            flat.extend(label)
        else:
            flat.append((key, label))
    return flat
