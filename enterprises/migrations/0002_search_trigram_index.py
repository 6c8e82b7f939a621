"""Trigram GIN index for diacritic-blind search on PostgreSQL.

``search_text`` holds the folded text; ``LIKE '%tam duong%'`` uses this index. SQLite has no
trigram index and scans, which is fine at a province's size; the national scale runs on PostgreSQL.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS enterprise_search_trgm "
        "ON enterprises_enterprise USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
