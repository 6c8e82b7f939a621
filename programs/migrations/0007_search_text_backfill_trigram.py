"""Fills the folded search text of experts, support activities and courses, and indexes it.

The list searches match ``search_text`` in the database (``LIKE '%…%'``) instead of folding every
row in Python. Rows that existed before ``0006`` are rebuilt here in batches with the fold the
models use (``build_search_text``); on PostgreSQL a trigram GIN index serves the ``LIKE``, as for
enterprises (``enterprises/0002_search_trigram_index``). SQLite has no trigram index and scans.
"""

from django.db import migrations

from laichau_nsc.text import fold

BATCH = 5000

#: model name → the columns folded into its search text, in the order the model folds them.
SOURCES = {
    "Expert": ("full_name", "organisation", "qualifications"),
    "SupportActivity": ("title",),
    "TrainingCourse": ("title", "place", "organiser"),
}

INDEXES = {
    "programs_expert": "programs_expert_search_trgm",
    "programs_supportactivity": "programs_support_search_trgm",
    "programs_trainingcourse": "programs_course_search_trgm",
}


def backfill(apps, schema_editor):
    for model_name, columns in SOURCES.items():
        model = apps.get_model("programs", model_name)
        table = model._meta.db_table
        rows = model.objects.order_by("pk").values_list("pk", *columns)
        sql = f"UPDATE {table} SET search_text = %s WHERE id = %s"  # noqa: S608
        with schema_editor.connection.cursor() as cursor:
            batch = []
            for pk, *parts in rows.iterator(chunk_size=BATCH):
                batch.append((fold(" ".join(p for p in parts if p)), pk))
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, index in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES.values():
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("programs", "0006_search_text_fields")]
    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
