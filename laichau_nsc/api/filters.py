"""The pages' FilterSets, reused as they are by the API (NetBox's pattern)."""

import functools
import threading
from collections import OrderedDict

from django_filters import rest_framework as filters

#: Form classes kept per FilterSet class and ``api_form_key``; a few keys at a time (a key
#: names a version of the catalogues, which a change replaces).
_FORM_CLASSES: OrderedDict = OrderedDict()
_FORM_CLASSES_KEPT = 16
_FORM_CLASSES_LOCK = threading.Lock()


class ApiFormMixin:
    """The FilterSet's form as an API request needs it: the same fields, data and validation,
    without what only a page needs.

    ``PortalFilterSet.form`` dresses the widgets for the page (CSS classes, and a select whose
    options are drawn once per catalogue, which asks the cache for the catalogue's version);
    an answer in JSON draws no widget. (Its fields are not deep-copied either:
    ``PortalFilterSet.get_form_class`` gives every form the fields made for it alone.)

    A FilterSet whose fields depend only on what its ``api_form_key`` names (e.g. the
    catalogues' versions, the day and the language) has its form class made once per key and
    shared by the requests: an API form only validates, and validating reads its fields
    without changing them. A FilterSet that changes its form's fields per request (per user,
    say) keeps the default key, None: a class made for each request.
    """

    def api_form_class(self) -> type:
        key = self.api_form_key()
        if key is None:
            return self.get_form_class()
        key = (type(self), key)
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = self.get_form_class()
            with _FORM_CLASSES_LOCK:
                _FORM_CLASSES[key] = form_class
                while len(_FORM_CLASSES) > _FORM_CLASSES_KEPT:
                    _FORM_CLASSES.popitem(last=False)
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form_class = self.api_form_class()
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
