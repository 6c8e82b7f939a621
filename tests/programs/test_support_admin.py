"""The admin's expert and support pages: registered read-only (the services keep the rules),
with history where the model has one; each page opens."""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from laichau_nsc.admin import PortalModelAdmin
from programs.models import Expert, SupportActivity, SupportExportJob
from tests.programs.factories_support import ExpertFactory, SupportActivityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Expert, SupportActivity, SupportExportJob])
def test_support_models_are_registered_read_only(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, PortalModelAdmin)
    assert isinstance(model_admin, SimpleHistoryAdmin) == hasattr(model, "history")
    if model is not SupportExportJob:
        assert not model_admin.has_add_permission(None)
        assert not model_admin.has_delete_permission(None)


def test_support_admin_pages_open(admin_client):
    expert = ExpertFactory()
    activity = SupportActivityFactory(experts=[expert])
    for obj in (expert, activity):
        meta = obj._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist, {"q": "Lê"}).status_code == 200
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        page = admin_client.get(change)
        assert page.status_code == 200
        assert str(obj) in page.content.decode()
