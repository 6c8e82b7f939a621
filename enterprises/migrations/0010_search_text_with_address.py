"""The folded search text now holds the address too, so a full address finds its enterprise.

Rebuilt here for the enterprises that have an address, in batches, with the fold the model
uses (``Enterprise.build_search_text``). At a million rows this takes a minute or two; the
trigram index grows with the longer text (see README, "Benchmarks").
"""

from django.db import migrations

from laichau_nsc.text import fold

BATCH = 5000


def rebuild_search_text(apps, schema_editor):
    enterprise = apps.get_model("enterprises", "Enterprise")
    rows = (
        enterprise.objects.exclude(address="")
        .order_by("pk")
        .values_list("pk", "name", "short_name", "tax_code", "representative", "address")
    )
    table = enterprise._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        batch = []
        for pk, *parts in rows.iterator(chunk_size=BATCH):
            batch.append((fold(" ".join(p for p in parts if p)), pk))
            if len(batch) == BATCH:
                cursor.executemany(f"UPDATE {table} SET search_text = %s WHERE id = %s", batch)  # noqa: S608
                batch = []
        if batch:
            cursor.executemany(f"UPDATE {table} SET search_text = %s WHERE id = %s", batch)  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0009_unit_origin_sector_crosswalk")]
    operations = [migrations.RunPython(rebuild_search_text, migrations.RunPython.noop)]
