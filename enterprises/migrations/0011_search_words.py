"""The word index of the enterprise search on PostgreSQL (see ``enterprises/search.py``).

- ``enterprises_search_tokens(text)``: the words of a folded text and the pairs of adjacent
  words, as a ``tsvector``; split at anything that is not a-z or 0-9, as ``search_words`` does.
  PL/pgSQL (about 40 µs a text), with a high cost so the planner never evaluates it row by row
  where the index could answer.
- a GIN index on it (``enterprise_search_tokens``);
- ``SearchWord``, the vocabulary, filled from every enterprise here and then kept by statement
  triggers (transition tables: one set-based insert per statement, COPY included) on insert and
  update; and a trigram index on it for "words ending with" and "words containing".

At a million enterprises the index takes a minute or two to build. SQLite gets the empty table.
"""

from django.db import migrations, models


TOKENS = r"""
CREATE OR REPLACE FUNCTION enterprises_search_tokens(t text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
DECLARE
    words text[] := array_remove(
        regexp_split_to_array(t, '[^abcdefghijklmnopqrstuvwxyz0123456789]+'), '');
    tokens text[] := words;
BEGIN
    FOR i IN 1 .. cardinality(words) - 1 LOOP
        tokens := tokens || (words[i] || ' ' || words[i + 1]);
    END LOOP;
    RETURN array_to_tsvector(tokens);
END
$$
"""

WORDS = r"""
CREATE OR REPLACE FUNCTION enterprises_search_words_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO enterprises_searchword (word)
    SELECT DISTINCT word
    FROM changed, regexp_split_to_table(changed.search_text,
                                        '[^abcdefghijklmnopqrstuvwxyz0123456789]+') AS word
    WHERE word ~ '[a-z]'
    ORDER BY word
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END
$$
"""

FORWARD = [
    TOKENS,
    WORDS,
    "CREATE TRIGGER enterprise_search_words_insert AFTER INSERT ON enterprises_enterprise "
    "REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION enterprises_search_words_added()",
    "CREATE TRIGGER enterprise_search_words_update AFTER UPDATE ON enterprises_enterprise "
    "REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION enterprises_search_words_added()",
    r"""
    INSERT INTO enterprises_searchword (word)
    SELECT DISTINCT word
    FROM enterprises_enterprise, regexp_split_to_table(search_text,
                                 '[^abcdefghijklmnopqrstuvwxyz0123456789]+') AS word
    WHERE word ~ '[a-z]'
    ON CONFLICT (word) DO NOTHING
    """,
    "CREATE INDEX searchword_trgm ON enterprises_searchword USING gin (word gin_trgm_ops)",
    "CREATE INDEX enterprise_search_tokens ON enterprises_enterprise "
    "USING gin (enterprises_search_tokens(search_text))",
    "ANALYZE enterprises_enterprise",
    "ANALYZE enterprises_searchword",
]

BACKWARD = [
    "DROP INDEX IF EXISTS enterprise_search_tokens",
    "DROP TRIGGER IF EXISTS enterprise_search_words_insert ON enterprises_enterprise",
    "DROP TRIGGER IF EXISTS enterprise_search_words_update ON enterprises_enterprise",
    "DROP FUNCTION IF EXISTS enterprises_search_words_added()",
    "DROP FUNCTION IF EXISTS enterprises_search_tokens(text)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0010_search_text_with_address'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.TextField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'từ tìm kiếm',
                'verbose_name_plural': 'từ tìm kiếm',
            },
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
