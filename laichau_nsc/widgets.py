"""Form widgets that stay fast on long lists of choices."""

import threading
from collections.abc import Hashable

from django import forms
from django.utils.html import conditional_escape, format_html

#: Escaped options kept per ``FastSelect.options_key``: a few lists per language and catalogue.
OPTIONS_CACHE_SIZE = 64
_options_cache: dict[Hashable, list] = {}
_options_lock = threading.Lock()


class FastSelect(forms.Select):
    """A <select> rendered in Python.

    Django renders each <option> through a template; a filter with a few hundred units and
    sectors spent more time there than the whole database work of the page. Groups of choices,
    ``(group label, [(value, label), …])`` as Django takes them, become ``<optgroup>``s.

    ``options_key``, when set, names the choices (e.g. a catalogue and a language): their
    escaped HTML is then made once and reused by every later select with the same key, so a
    list page does not escape and translate two hundred labels on every request. Whoever sets
    it promises that the same key always means the same choices.
    """

    options_key: Hashable | None = None

    def render(self, name, value, attrs=None, renderer=None) -> str:
        selected = {
            "" if v is None else str(v)
            for v in (value if isinstance(value, list | tuple) else [value])
        }
        final_attrs = self.build_attrs(self.attrs, attrs or {})
        final_attrs["name"] = name
        parts = []
        for option in self._escaped_options():
            if isinstance(option, _Group):
                parts.append(option.opening)
                parts.extend(o.html(selected) for o in option.options)
                parts.append("</optgroup>")
            else:
                parts.append(option.html(selected))
        # Every part was escaped when it was made.
        return format_html(
            "<select{}>{}</select>", forms.utils.flatatt(final_attrs), _Safe("".join(parts))
        )

    def _escaped_options(self) -> list:
        key = self.options_key
        if key is None:
            return _escape_choices(self.choices)
        cached = _options_cache.get(key)
        if cached is None:
            cached = _escape_choices(self.choices)
            with _options_lock:
                if len(_options_cache) >= OPTIONS_CACHE_SIZE:
                    _options_cache.pop(next(iter(_options_cache)))  # the oldest
                _options_cache[key] = cached
        return cached


class _Safe(str):
    """Already escaped: ``format_html`` passes it through."""

    def __html__(self) -> str:
        return self


class _Option:
    __slots__ = ("closing", "opening", "value")

    def __init__(self, value, label) -> None:
        self.value = _value_text(value)
        self.opening = f'<option value="{conditional_escape(self.value)}"'
        self.closing = f">{conditional_escape(label)}</option>"

    def html(self, selected: set[str]) -> str:
        if self.value in selected:
            return f"{self.opening} selected{self.closing}"
        return self.opening + self.closing


class _Group:
    __slots__ = ("opening", "options")

    def __init__(self, label, options: list[_Option]) -> None:
        self.opening = f'<optgroup label="{conditional_escape(label)}">'
        self.options = options


def _escape_choices(choices) -> list:
    escaped: list = []
    for option_value, label in choices:
        if isinstance(label, list | tuple):  # a group: its label, then its options
            escaped.append(_Group(option_value, [_Option(v, lbl) for v, lbl in label]))
        else:
            escaped.append(_Option(option_value, label))
    return escaped


def _value_text(value) -> str:
    """An option's value as HTML carries it (a model choice's value object, None as "")."""
    value = getattr(value, "value", value)
    return "" if value is None else str(value)
