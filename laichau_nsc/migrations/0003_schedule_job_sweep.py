"""Schedule the job runner's sweep every minute in django-celery-beat's database scheduler.

The sweep puts jobs whose worker died back in the queue (or fails them after their last try) and
sends jobs that could not be queued while the broker was away.
"""

from django.db import migrations

TASK = "nsc.sweep_jobs"


def schedule(apps, schema_editor):
    interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval.objects.get_or_create(every=60, period="seconds")
    periodic.objects.get_or_create(
        name="Quét việc chạy nền (mỗi phút)", defaults={"task": TASK, "interval": every_minute}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("laichau_nsc", "0002_job_runner"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
