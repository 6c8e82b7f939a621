"""Seed which kinds of declaration are filed with the Department and which are only recorded,
and schedule the declarations' nightly job (lapsed supplements, overdue dossiers).

The defaults (README, "Declarations") follow the Law on Standards and Technical Regulations
(2006), Circular 28/2012/TT-BKHCN as amended by Circulars 02/2017/TT-BKHCN and 06/2020/TT-BKHCN,
and Decree 154/2018/ND-CP, which ended the filing of declarations of conformity to a standard
(hợp chuẩn). Administrators change them in the admin; a new row from a date is a new rule.
"""

import datetime

from django.db import migrations

TASK = "standards.run_declarations_nightly"

RULES = [
    ("company_standard", False, datetime.date(2007, 1, 1),
     "Luật Tiêu chuẩn và Quy chuẩn kỹ thuật 2006; Thông tư 11/2021/TT-BKHCN: doanh nghiệp tự "
     "công bố, không nộp hồ sơ"),
    ("applied_standard", False, datetime.date(2007, 1, 1),
     "Luật Tiêu chuẩn và Quy chuẩn kỹ thuật 2006: doanh nghiệp tự công bố tiêu chuẩn áp dụng"),
    ("conformity_standard", True, datetime.date(2013, 1, 26),
     "Thông tư 28/2012/TT-BKHCN: đăng ký bản công bố hợp chuẩn tại Sở KH&CN"),
    ("conformity_standard", False, datetime.date(2018, 11, 9),
     "Nghị định 154/2018/NĐ-CP; Thông tư 06/2020/TT-BKHCN: bãi bỏ thủ tục đăng ký công bố "
     "hợp chuẩn"),
    ("conformity_regulation", True, datetime.date(2013, 1, 26),
     "Thông tư 28/2012/TT-BKHCN, sửa đổi bởi Thông tư 02/2017/TT-BKHCN và 06/2020/TT-BKHCN: "
     "đăng ký bản công bố hợp quy tại Sở KH&CN"),
]


def seed(apps, schema_editor):
    rule = apps.get_model("standards", "DeclarationRule")
    for kind, filed, valid_from, basis in RULES:
        rule.objects.get_or_create(
            kind=kind,
            valid_from=valid_from,
            defaults={"must_be_filed": filed, "legal_basis": basis},
        )
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    at_one_forty_five, _ = crontab.objects.get_or_create(
        minute="45",
        hour="1",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Ho_Chi_Minh",
    )
    periodic.objects.get_or_create(
        name="Hồ sơ công bố: hủy hồ sơ quá hạn bổ sung, nhắc hồ sơ quá hạn xử lý (hằng đêm)",
        defaults={"task": TASK, "crontab": at_one_forty_five},
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()
    rule = apps.get_model("standards", "DeclarationRule")
    for kind, _filed, valid_from, _basis in RULES:
        rule.objects.filter(kind=kind, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0007_traceability_versions_and_stage_history"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
