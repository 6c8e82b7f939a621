"""The pages' FilterSets, reused as they are by the API (NetBox's pattern)."""

from django_filters import rest_framework as filters


class PortalFilterBackend(filters.DjangoFilterBackend):
    """Passes a viewset's extra FilterSet arguments (e.g. the course list's ``staff``)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        extra = getattr(view, "get_filterset_kwargs", None)
        return {**kwargs, **(extra() if extra else {})}
