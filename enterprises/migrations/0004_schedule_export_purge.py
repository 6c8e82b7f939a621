"""Schedule the nightly purge of old export files in django-celery-beat's database scheduler.

Schedules live in the database so administrators can change or pause them in the admin.
"""

from django.db import migrations

TASK = "enterprises.purge_old_exports"


def schedule(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    at_two, _ = crontab.objects.get_or_create(
        minute="0",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Ho_Chi_Minh",
    )
    periodic.objects.get_or_create(
        name="Xóa tệp xuất dữ liệu cũ (hằng đêm)", defaults={"task": TASK, "crontab": at_two}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_unit_code_unique_without_start"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
