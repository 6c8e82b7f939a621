"""The pages' FilterSets, reused as they are by the API (NetBox's pattern)."""

import functools

from django_filters import rest_framework as filters


class ApiFormMixin:
    """The FilterSet's form as an API request needs it: the same fields, data and validation,
    without what only a page needs.

    ``PortalFilterSet.form`` dresses the widgets for the page (CSS classes, and a select whose
    options are drawn once per catalogue, which asks the cache for the catalogue's version);
    an answer in JSON draws no widget. (Its fields are not deep-copied either:
    ``PortalFilterSet.get_form_class`` gives every form the fields made for it alone.)
    """

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form_class = self.get_form_class()
            if self.is_bound:
                self._form = form_class(self.data, prefix=self.form_prefix)
            else:
                self._form = form_class(prefix=self.form_prefix)
        return self._form


@functools.cache
def api_filterset_class(filterset_class: type) -> type:
    """``filterset_class`` with ``ApiFormMixin``: made once per class."""
    return type(filterset_class.__name__, (ApiFormMixin, filterset_class), {})


class PortalFilterBackend(filters.DjangoFilterBackend):
    """Passes a viewset's extra FilterSet arguments (e.g. the course list's ``staff``), and
    filters with the FilterSet's API form (``ApiFormMixin``). The schema still describes the
    viewset's own FilterSet (``get_filterset_class``)."""

    def get_filterset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        if filterset_class is getattr(view, "filterset_class", None):
            # A declared FilterSet; one made from ``filterset_fields`` is a new class each time.
            filterset_class = api_filterset_class(filterset_class)
        return filterset_class(**kwargs)

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        extra = getattr(view, "get_filterset_kwargs", None)
        return {**kwargs, **(extra() if extra else {})}
