"""Model building blocks shared by every app (no models of their own).

``NormalizedTextMixin`` makes ``full_clean()`` normalise every text field, so services, future
imports and the REST API store what the forms store; ``CodeField`` marks a text field that holds
a code or number, which gets NFKC as well (full-width digits become ASCII).
"""

from collections.abc import Callable, Iterable

from django.db import models

from .text import normalize_code, normalize_text


class CodeField(models.CharField):
    """A CharField holding a code or number (tax code, phone, GTIN): normalised with NFKC.

    In a ModelForm it becomes ``laichau_nsc.forms.CodeField``, which the forms normalise the
    same way.
    """

    def formfield(self, **kwargs):
        from .forms import CodeField as CodeFormField  # forms import the auth models

        return super().formfield(**{"form_class": CodeFormField, **kwargs})


def model_field_normalizer(field: models.Field) -> Callable[[str], str] | None:
    """How values of ``field`` are normalised: codes NFKC, TextField multi-line, None: as is."""
    if isinstance(field, CodeField):
        return normalize_code
    if isinstance(field, models.TextField):
        return lambda value: normalize_text(value, multiline=True)
    if isinstance(field, models.CharField):  # also EmailField, URLField, SlugField …
        return normalize_text
    return None


class NormalizedTextMixin:
    """Normalises every CharField and TextField value in ``clean_fields()``.

    Put it first among a model's bases: ``class Product(NormalizedTextMixin, models.Model)``.
    ``tests/test_normalisation.py`` fails for a model of ours with text fields that lacks it.
    """

    def clean_fields(self, exclude: Iterable[str] | None = None) -> None:
        skipped = set(exclude or ())
        for field in self._meta.concrete_fields:
            normalizer = model_field_normalizer(field)
            value = getattr(self, field.attname)
            if normalizer and field.name not in skipped and isinstance(value, str):
                setattr(self, field.attname, normalizer(value))
        super().clean_fields(exclude=exclude)
