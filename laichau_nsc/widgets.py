"""Form widgets that stay fast on long lists of choices."""

import threading
from collections.abc import Hashable

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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
        # Every part was escaped when it was made.
        options = self._escaped_options().html(selected, self.allow_multiple_selected)
        return mark_safe(f"<select{_flatatt(final_attrs)}>{options}</select>")  # noqa: S308

    def _escaped_options(self) -> "_Options":
        key = self.options_key
        if key is None:
            return _Options(self.choices)
        cached = _options_cache.get(key)
        if cached is None:
            cached = _Options(self.choices)
            with _options_lock:
                if len(_options_cache) >= OPTIONS_CACHE_SIZE:
                    _options_cache.pop(next(iter(_options_cache)))  # the oldest
                _options_cache[key] = cached
        return cached


def _flatatt(attrs: dict) -> str:
    """``django.forms.utils.flatatt``: `` name="value"`` in name order, then `` name`` for each
    true boolean in name order; nothing for False or None. Without its ``format_html`` per
    attribute."""
    pairs, flags = [], []
    for name, value in attrs.items():
        if isinstance(value, bool):
            if value:
                flags.append(name)
        elif value is not None:
            pairs.append((name, value))
    return "".join(
        [f' {conditional_escape(n)}="{conditional_escape(v)}"' for n, v in sorted(pairs)]
        + [f" {conditional_escape(n)}" for n in sorted(flags)]
    )


class _Options:
    """The escaped HTML of a select's choices, made once: the parts of the select with
    nothing chosen, joined, and for each value the parts that read differently when it is
    chosen. Groups of choices, ``(group label, [(value, label), …])``, become ``<optgroup>``s.
    """

    __slots__ = ("chosen", "parts", "unchosen")

    def __init__(self, choices) -> None:
        self.parts: list[str] = []
        #: value → [(index in parts, the option chosen)]; a value may be offered twice.
        self.chosen: dict[str, list[tuple[int, str]]] = {}
        for option_value, label in choices:
            if isinstance(label, list | tuple):  # a group: its label, then its options
                self.parts.append(f'<optgroup label="{conditional_escape(option_value)}">')
                for value, option_label in label:
                    self._add(value, option_label)
                self.parts.append("</optgroup>")
            else:
                self._add(option_value, label)
        self.unchosen = "".join(self.parts)

    def _add(self, value, label) -> None:
        value = _value_text(value)
        opening = f'<option value="{conditional_escape(value)}"'
        closing = f">{conditional_escape(label)}</option>"
        self.chosen.setdefault(value, []).append((len(self.parts), f"{opening} selected{closing}"))
        self.parts.append(opening + closing)

    def html(self, selected: set[str], multiple: bool = False) -> str:
        changes = [change for value in selected for change in self.chosen.get(value, ())]
        if not changes:
            return self.unchosen
        if not multiple:
            changes = [min(changes)]  # as Django's Select: the first option of a chosen value
        parts = self.parts.copy()
        for index, part in changes:
            parts[index] = part
        return "".join(parts)


def _value_text(value) -> str:
    """An option's value as HTML carries it (a model choice's value object, None as "")."""
    value = getattr(value, "value", value)
    return "" if value is None else str(value)
