from django.db import migrations

# Search index for PostgreSQL: the set of overlapping two-character substrings (CJK bigrams, as
# Lucene's CJK analyzer indexes them) of Article.search_text, in a GIN index. newsletter/search.py
# explains the choice over pg_trgm. SQLite has no such index; search there scans search_text,
# which at the sizes SQLite serves is fast enough and gives the same results.
#
# The function must be IMMUTABLE to be indexed; it is (its result depends on its argument only).
# It is not inlinable (it has a FROM clause), so the index expression and the query expression
# stay the same function call and the planner matches them.

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION newsletter_search_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}'::text[])
    FROM generate_series(1, char_length(t) - 1) AS i
$$;
"""
CREATE_INDEX = """
CREATE INDEX IF NOT EXISTS newsletter_article_search_bigrams_idx
ON newsletter_article USING gin (newsletter_search_bigrams(search_text));
"""
DROP_INDEX = "DROP INDEX IF EXISTS newsletter_article_search_bigrams_idx"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS newsletter_search_bigrams(text)"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(CREATE_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP_INDEX)
    schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    """Search index: a GIN index over the CJK bigrams of Article.search_text (PostgreSQL only)."""

    dependencies = [("newsletter", "0002_roles")]
    operations = [migrations.RunPython(create_search_index, drop_search_index)]
