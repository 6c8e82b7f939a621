"""The API's fast representation gives exactly DRF's own output, on every endpoint."""

import pytest
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
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


@pytest.mark.parametrize("persona", ["officer", "ent_a"])
def test_value_rows_equal_drfs(api_records, officer, ent_a, persona):
    """Lists drawn from ``values()`` rows answer exactly what DRF draws from the records."""
    user = {"officer": officer, "ent_a": ent_a}[persona]
    request = Request(RequestFactory().get("/"))
    request.user = user
    compared = set()
    for _prefix, viewset, _basename in router.registry:
        model = getattr(viewset, "model", None)
        serializer_class = getattr(viewset, "serializer_class", None)
        if serializer_class is None or not hasattr(model.objects, "for_user"):
            continue
        view = viewset(request=request, format_kwarg=None, action="list")
        view.args, view.kwargs = (), {}
        queryset = view.get_queryset()
        rows = view.value_rows(queryset)
        if rows is queryset:
            continue  # a field that is not a column: drawn from the records
        by_id = {row["id"]: row for row in rows[:5]}
        for instance in queryset.filter(pk__in=by_id):
            serializer = serializer_class(instance, context={"request": request})
            expected = _drf_representation(serializer, instance)
            drawn = serializer.to_representation(by_id[instance.pk])
            assert drawn == expected, viewset
            # The same bytes too: a value passed on as it is must be of DRF's type.
            assert JSONRenderer().render(drawn) == JSONRenderer().render(expected), viewset
            compared.add(viewset.__name__)
    assert "EnterpriseViewSet" in compared or persona != "officer"
    assert len(compared) >= 3, compared


def test_the_enterprise_list_builds_no_model_instances(api_clients, api_records, monkeypatch):
    """The officer's enterprise list reads rows, not records (no Enterprise is built)."""
    from django.urls import reverse

    from enterprises.models import Enterprise

    built = []
    original = Enterprise.from_db.__func__

    def counting(cls, *args, **kwargs):
        built.append(cls)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Enterprise, "from_db", classmethod(counting))
    response = api_clients["officer"].get(reverse("api:enterprise-list"))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert built == []


def test_a_method_field_reads_its_own_requests_context(officer, settings):
    """Plans of plain fields serve every request; a method field's stays with its serializer,
    so an answer never carries another request's host."""
    from django.test import RequestFactory

    from laichau_nsc.api.jobs import ListExportJobSerializer
    from laichau_nsc.models import JobState, ListExportJob

    job = ListExportJob.objects.create(user=officer, list_key="products", format="csv")
    ListExportJob.objects.filter(pk=job.pk).update(state=JobState.DONE)
    job.refresh_from_db()
    job.file.name = "exports/x.csv"
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    urls = []
    for host in ("a.example", "b.example"):
        request = Request(RequestFactory().get("/", HTTP_HOST=host))
        request.user = officer
        urls.append(ListExportJobSerializer(job, context={"request": request}).data["download_url"])
    assert "a.example" in urls[0], urls
    assert "b.example" in urls[1], urls


def test_times_are_drawn_in_the_current_time_zone(officer, settings):
    """A row's times are put in the time zone of the request, as DRF puts them, and UTC is Z."""
    import datetime
    import zoneinfo

    from django.utils import timezone

    from enterprises.api import EnterpriseSerializer

    serializer = EnterpriseSerializer()
    when = datetime.datetime(2026, 1, 5, 1, 0, 0, 123456, tzinfo=datetime.UTC)
    row = dict.fromkeys(EnterpriseSerializer.value_paths())
    row.update(id=1, created_at=when, updated_at=when.replace(microsecond=0))
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        utc = EnterpriseSerializer().to_representation(row)
    assert serializer.to_representation(row)["created_at"] == "2026-01-05T08:00:00.123456+07:00"
    assert utc["created_at"] == "2026-01-05T01:00:00.123456Z"
    assert utc["updated_at"] == "2026-01-05T01:00:00Z"
