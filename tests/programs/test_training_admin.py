"""The admin's training pages: every training model registered, read-only (the services keep
the rules), with history where the model has one; each page opens."""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from laichau_nsc.admin import PortalModelAdmin
from programs.models import (
    Attendance,
    CourseSession,
    Enrollment,
    EnrollmentExportJob,
    TrainingCourse,
)
from tests.programs.training_factories import AttendanceFactory

pytestmark = pytest.mark.django_db

TRAINING_MODELS = (TrainingCourse, CourseSession, Enrollment, Attendance, EnrollmentExportJob)


def test_training_models_are_registered_read_only():
    for model in TRAINING_MODELS:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, PortalModelAdmin), model
        assert isinstance(model_admin, SimpleHistoryAdmin) == hasattr(model, "history"), model
        assert not model_admin.has_add_permission(None)
        assert not model_admin.has_delete_permission(None)


def test_training_admin_pages_open(admin_client):
    attendance = AttendanceFactory()
    records = {
        TrainingCourse: attendance.enrollment.course,
        CourseSession: attendance.session,
        Enrollment: attendance.enrollment,
        Attendance: attendance,
    }
    for model, obj in records.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist, {"q": "Nguyễn"}).status_code == 200
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert admin_client.get(change).status_code == 200
