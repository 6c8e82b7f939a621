"""The API's fast representation gives exactly DRF's own output, on every endpoint."""

import pytest
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.request import Request

from laichau_nsc.api.urls import router

pytestmark = pytest.mark.django_db


def _drf_representation(serializer, instance) -> dict:
    """DRF's ModelSerializer.to_representation, bypassing our fast mixin."""
    return dict(serializers.Serializer.to_representation(serializer, instance))


@pytest.mark.parametrize("persona", ["officer", "ent_a"])
def test_fast_representation_equals_drfs(api_records, officer, ent_a, persona):
    user = {"officer": officer, "ent_a": ent_a}[persona]
    request = Request(RequestFactory().get("/"))
    request.user = user
    compared = 0
    for _prefix, viewset, _basename in router.registry:
        model = getattr(viewset, "model", None)
        serializer_class = getattr(viewset, "serializer_class", None)
        if serializer_class is None or not hasattr(model.objects, "for_user"):
            continue
        view = viewset(request=request, format_kwarg=None, action="list")
        view.args, view.kwargs = (), {}
        for instance in view.get_queryset()[:5]:
            serializer = serializer_class(instance, context={"request": request})
            assert serializer.data == _drf_representation(serializer, instance), viewset
            compared += 1
    assert compared > 10
