"""Enterprises sort by Vietnamese collation; the name indexes are rebuilt collated so the
list's ORDER BY still walks them. Former units are searched through their periods."""

import django.db.models.deletion
from django.db import migrations, models

import laichau_nsc.collation


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_membership_language"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="enterprise",
            options={
                "ordering": [models.OrderBy(laichau_nsc.collation.VietnameseCollate("name")), "pk"],
                "verbose_name": "doanh nghiệp",
                "verbose_name_plural": "doanh nghiệp",
            },
        ),
        migrations.RemoveIndex(
            model_name="enterprise",
            name="enterprise_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="enterprise",
            name="enterprise_unit_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="enterprise",
            name="enterprise_sector_name_idx",
        ),
        migrations.AlterField(
            model_name="unitassignment",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assignments",
                to="enterprises.administrativeunit",
                verbose_name="đơn vị hành chính",
            ),
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                laichau_nsc.collation.VietnameseCollate("name"),
                models.F("id"),
                name="enterprise_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                models.F("admin_unit"),
                laichau_nsc.collation.VietnameseCollate("name"),
                models.F("id"),
                name="enterprise_unit_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                models.F("sector"),
                laichau_nsc.collation.VietnameseCollate("name"),
                models.F("id"),
                name="enterprise_sector_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="unitassignment",
            index=models.Index(
                fields=["unit", "enterprise"], name="assignment_unit_enterprise_idx"
            ),
        ),
    ]
