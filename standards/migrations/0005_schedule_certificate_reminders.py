"""Schedule the nightly certificate reminders in django-celery-beat's database scheduler.

At 01:30 (Asia/Ho_Chi_Minh), after the day has turned, so "today" is the day the reminders are
about; schedules live in the database so administrators can change or pause them in the admin.
"""

from django.db import migrations

TASK = "standards.send_certificate_reminders"


def schedule(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    at_half_past_one, _ = crontab.objects.get_or_create(
        minute="30",
        hour="1",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Ho_Chi_Minh",
    )
    periodic.objects.get_or_create(
        name="Nhắc hạn chứng chỉ (hằng đêm)", defaults={"task": TASK, "crontab": at_half_past_one}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0004_products_barcodes_declarations"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
