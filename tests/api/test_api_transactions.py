"""An API read runs outside a transaction (as the pages' lists); every other request runs in
one, so a refused write keeps nothing (``ScopedViewSet.dispatch``)."""

import pytest
from django.db import connection
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from enterprises.models import Sector
from laichau_nsc.api.viewsets import ScopedViewSet
from laichau_nsc.roles import Role
from tests.helpers import url_callbacks

pytestmark = pytest.mark.django_db
SEEN: list[bool] = []


class Probe(ScopedViewSet):
    model = Sector
    read_roles = write_roles = (Role.OFFICER,)

    def list(self, request, *args, **kwargs):
        SEEN.append(connection.in_atomic_block)
        return Response([])

    def create(self, request, *args, **kwargs):
        SEEN.append(connection.in_atomic_block)
        Sector.objects.create(version="2018", code="ZZ", level="section", name="Thử")
        if request.data.get("refuse"):
            raise exceptions.ValidationError({"refuse": ["Từ chối."]})
        return Response({}, status=201)


def call(officer, method: str, path: str = "/", data=None):
    request = getattr(APIRequestFactory(), method)(path, data or {}, format="json")
    force_authenticate(request, user=officer)
    return Probe.as_view({"get": "list", "post": "create"})(request)


def test_reads_run_outside_a_transaction_and_writes_inside_one(officer, settings):
    settings.DATABASES["default"]["ATOMIC_REQUESTS"] = True
    SEEN.clear()
    assert call(officer, "get").status_code == 200
    assert call(officer, "get", "/?format=xlsx").status_code == 200
    assert call(officer, "post").status_code == 201
    # Inside the test's transaction a read gets a savepoint, so that an answered error rolls
    # back only the request, never the caller's transaction.
    assert SEEN == [True, True, True]


@pytest.mark.django_db(transaction=True)
def test_a_refused_write_keeps_nothing(officer):
    SEEN.clear()
    assert call(officer, "get").status_code == 200
    assert SEEN == [False]  # no transaction at all for a read
    assert call(officer, "post", data={"refuse": True}).status_code == 400
    assert not Sector.objects.filter(code="ZZ").exists()
    assert call(officer, "post").status_code == 201
    assert Sector.objects.filter(code="ZZ").count() == 1


def test_every_api_viewset_reads_outside_the_request_transaction():
    viewsets = [
        callback
        for callback in url_callbacks()
        if issubclass(getattr(callback, "cls", object), ScopedViewSet)
    ]
    assert len(viewsets) >= 15
    for callback in viewsets:
        assert "default" in getattr(callback, "_non_atomic_requests", set()), callback.cls
