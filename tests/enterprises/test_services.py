import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from enterprises import selectors, services
from enterprises.models import Enterprise, UnitAssignment
from tests.enterprises.factories import AdministrativeUnitFactory, EnterpriseFactory

DISTRICT_END = datetime.date(2025, 6, 30)
COMMUNE_START = datetime.date(2025, 7, 1)


@pytest.fixture
def district(db):
    return AdministrativeUnitFactory(
        code="106", name="Huyện Tam Đường", level="district", valid_from=None, valid_to=DISTRICT_END
    )


@pytest.fixture
def commune(db):
    return AdministrativeUnitFactory(
        code="03390", name="Xã Bình Lư", level="commune", valid_from=COMMUNE_START
    )


def test_moving_to_a_merged_unit_dates_from_the_merger(officer, district, commune):
    enterprise = services.enterprise_create(
        data={
            "name": "Công ty Chè Bình Lư",
            "tax_code": "0100233488",
            "legal_form": "joint_stock",
            "admin_unit": district,
        },
        user=officer,
    )
    services.enterprise_update(
        enterprise_id=enterprise.pk, data={"admin_unit": commune}, version=1, user=officer
    )
    periods = list(
        UnitAssignment.objects.filter(enterprise=enterprise)
        .order_by("unit__code")
        .values_list("unit__name", "valid_from", "valid_to")
    )
    assert periods == [
        ("Xã Bình Lư", COMMUNE_START, None),
        ("Huyện Tam Đường", None, DISTRICT_END),
    ]


def test_reports_group_by_the_unit_of_their_time(officer, district, commune):
    enterprise = EnterpriseFactory(admin_unit=commune)
    UnitAssignment.objects.create(enterprise=enterprise, unit=district, valid_to=DISTRICT_END)
    UnitAssignment.objects.create(enterprise=enterprise, unit=commune, valid_from=COMMUNE_START)

    def by_unit(day):
        return dict(
            Enterprise.objects.annotate(unit_then=selectors.unit_on(day))
            .values_list("unit_then")
            .annotate(n=Count("pk"))
        )

    assert by_unit(datetime.date(2023, 12, 31)) == {district.pk: 1}
    assert by_unit(datetime.date(2026, 12, 31)) == {commune.pk: 1}


def test_stale_version_raises_conflict_and_saves_nothing(officer, enterprise_b):
    services.enterprise_update(
        enterprise_id=enterprise_b.pk, data={"phone": "0213 111"}, version=1, user=officer
    )
    with pytest.raises(services.EditConflictError) as conflict:
        services.enterprise_update(
            enterprise_id=enterprise_b.pk, data={"phone": "0213 222"}, version=1, user=officer
        )
    assert [(c.field, c.old, c.new) for c in conflict.value.changes] == [("phone", "", "0213 111")]
    enterprise_b.refresh_from_db()
    assert (enterprise_b.phone, enterprise_b.version) == ("0213 111", 2)


def test_invalid_data_rolls_back(officer, enterprise_b):
    with pytest.raises(ValidationError):
        services.enterprise_update(
            enterprise_id=enterprise_b.pk,
            data={"phone": "0213 333", "founded_on": datetime.date(2999, 1, 1)},
            version=1,
            user=officer,
        )
    enterprise_b.refresh_from_db()
    assert (enterprise_b.phone, enterprise_b.version) == ("", 1)
    assert enterprise_b.history.count() == 1


def test_household_id_only_for_households(officer):
    data = {"name": "Sai loại hình", "tax_code": "012085001234", "legal_form": "joint_stock"}
    with pytest.raises(ValidationError) as error:
        services.enterprise_create(data=data, user=officer)
    assert "hộ kinh doanh" in str(error.value)
    services.enterprise_create(data={**data, "legal_form": "household"}, user=officer)


def test_inline_export_logs_no_broker_warning(
    officer, enterprise_b, django_capture_on_commit_callbacks, caplog
):
    """Celery opens a broker connection even for an inline task; without a configured broker
    kombu used to warn "No hostname was supplied. Reverting to default 'localhost'"."""
    import kombu.pools

    from laichau_nsc.celery import app as celery_app

    # The connection is made once per process: drop what earlier tests left, as a new process.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()
    with caplog.at_level("WARNING"), django_capture_on_commit_callbacks(execute=True):
        job = services.export_job_create(user=officer, fmt="csv", params={})
    job.refresh_from_db()
    assert job.state == "done"
    noisy = [r for r in caplog.records if r.name.startswith(("kombu", "celery", "redis"))]
    assert noisy == [], [r.getMessage() for r in noisy]


def test_website_without_scheme_means_https(officer, enterprise_b):
    from enterprises.forms import EnterpriseContactForm

    form = EnterpriseContactForm(
        data={"website": "htxtanuyen.vn", "version": 1}, instance=enterprise_b
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["website"] == "https://htxtanuyen.vn"


def test_old_export_files_are_purged_and_job_rows_kept(officer, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from enterprises.models import ExportJob

    with django_capture_on_commit_callbacks(execute=True):
        old = services.export_job_create(user=officer, fmt="csv", params={})
    with django_capture_on_commit_callbacks(execute=True):
        new = services.export_job_create(user=officer, fmt="csv", params={})
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    old.refresh_from_db()
    old_path = old.file.path

    assert services.export_files_purge(older_than_days=7) == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, old.file.name) == ("done", "")
    assert not os.path.exists(old_path)
    assert new.file.name


def test_purge_is_scheduled_nightly_in_the_database(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="enterprises.purge_old_exports")
    assert (task.crontab.hour, task.crontab.minute) == ("2", "0")
    assert str(task.crontab.timezone) == "Asia/Ho_Chi_Minh"


def test_a_plain_move_starts_today_even_into_a_younger_unit(officer):
    founded = datetime.date(2005, 3, 1)
    old = AdministrativeUnitFactory(name="Huyện X", level="district", valid_from=None)
    new = AdministrativeUnitFactory(
        name="Huyện Y", level="district", valid_from=datetime.date(2009, 1, 1)
    )
    enterprise = EnterpriseFactory(admin_unit=old, founded_on=founded)
    UnitAssignment.objects.create(enterprise=enterprise, unit=old, valid_from=founded)
    services.enterprise_update(
        enterprise_id=enterprise.pk, data={"admin_unit": new}, version=1, user=officer
    )
    today = timezone.localdate()
    periods = list(
        UnitAssignment.objects.filter(enterprise=enterprise)
        .order_by("valid_from")
        .values_list("unit__name", "valid_from", "valid_to")
    )
    assert periods == [
        ("Huyện X", founded, today - datetime.timedelta(days=1)),
        ("Huyện Y", today, None),
    ]


def test_rerun_of_an_abandoned_export_leaves_one_file(officer, settings):
    from enterprises.models import ExportJob, export_folder
    from laichau_nsc import jobs

    long_ago = timezone.now() - datetime.timedelta(seconds=60)
    job = ExportJob.objects.create(
        user=officer, format="csv", state="running", attempts=1, lease_expires_at=long_ago
    )
    first_try = os.path.join(settings.MEDIA_ROOT, export_folder(job), "1")
    os.makedirs(first_try)
    with open(os.path.join(first_try, "doanh-nghiep-do-dang.csv"), "w") as orphan:
        orphan.write("half")  # the dead worker's file, never recorded in the row
    jobs.execute(ExportJob._meta.label, job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == "done"
    assert job.file.name.startswith(f"{export_folder(job)}/2/")
    assert os.listdir(first_try) == []
