"""Where the communes of 1 July 2025 came from, and the VSIC 2018 → 2025 crosswalk."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0008_vietnamese_name_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="SectorCrosswalk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
            ],
            options={
                "verbose_name": "bảng chuyển đổi ngành kinh tế",
                "verbose_name_plural": "bảng chuyển đổi ngành kinh tế",
                "ordering": ["source", "target"],
            },
        ),
        migrations.CreateModel(
            name="UnitOrigin",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
            ],
            options={
                "verbose_name": "nguồn gốc đơn vị hành chính",
                "verbose_name_plural": "nguồn gốc đơn vị hành chính",
                "ordering": ["successor", "predecessor"],
            },
        ),
        migrations.AddField(
            model_name="sectorcrosswalk",
            name="source",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="crosswalk_targets",
                to="enterprises.sector",
                verbose_name="ngành theo phiên bản cũ",
            ),
        ),
        migrations.AddField(
            model_name="sectorcrosswalk",
            name="target",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="crosswalk_sources",
                to="enterprises.sector",
                verbose_name="ngành tương ứng theo phiên bản mới",
            ),
        ),
        migrations.AddField(
            model_name="unitorigin",
            name="predecessor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="successions",
                to="enterprises.administrativeunit",
                verbose_name="đơn vị cũ",
            ),
        ),
        migrations.AddField(
            model_name="unitorigin",
            name="successor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="origins",
                to="enterprises.administrativeunit",
                verbose_name="đơn vị mới",
            ),
        ),
        migrations.AddConstraint(
            model_name="sectorcrosswalk",
            constraint=models.UniqueConstraint(
                fields=("source", "target"), name="crosswalk_pair_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="unitorigin",
            constraint=models.UniqueConstraint(
                fields=("successor", "predecessor"), name="unit_origin_pair_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="unitorigin",
            constraint=models.CheckConstraint(
                condition=models.Q(("successor", models.F("predecessor")), _negated=True),
                name="unit_origin_not_itself",
            ),
        ),
    ]
