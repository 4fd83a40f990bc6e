from django.db import migrations

# The bigram function is evaluated for every article written (it is the GIN index's expression), and
# on an import of the bench archive it was about a third of the time PostgreSQL spent inserting
# articles: the SQL version of 0004 builds a row per character (unnest of two slices) and
# aggregates them again, ~1 ms for a typical article here.
#
# This version builds the array with three string operations, no row per character: double every
# character ("abcd" → "aabbccdd"), drop the first one ("abbccdd"), cut the rest into two-character
# pieces separated by \x01 ("ab\x01bc\x01cd\x01d") and split on \x01; the last piece (one
# character, or none) is cut off by the slice. It returns exactly what 0004's function returns, the
# same bigrams in the same order; a text that itself contains \x01 takes 0004's way, so that holds
# for every text. The index therefore stays valid and is not rebuilt.
#
# PL/pgSQL rather than SQL: a SQL function without FROM would be inlined, and the planner would lose
# the COST that makes it prefer the GIN index over re-computing the function in a sequential scan.

FASTER = r"""
CREATE OR REPLACE FUNCTION newsletter_search_bigrams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
BEGIN
    IF strpos(t, E'\x01') > 0 THEN
        RETURN (SELECT coalesce(array_agg(x || y), '{}'::text[])
                FROM (SELECT string_to_array(t, NULL) AS c) AS chars,
                     unnest(c[1:cardinality(c) - 1], c[2:]) AS pairs(x, y));
    END IF;
    RETURN coalesce((string_to_array(
        regexp_replace(substr(regexp_replace(t, '(.)', '\1\1', 'g'), 2), '(..)', '\1' || E'\x01', 'g'),
        E'\x01'))[1:char_length(t) - 1], '{}'::text[]);
END
$$;
"""
# 0004's function, restored on the way back.
LINEAR = """
CREATE OR REPLACE FUNCTION newsletter_search_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
    SELECT coalesce(array_agg(x || y), '{}'::text[])
    FROM (SELECT string_to_array(t, NULL) AS c) AS chars,
         unnest(c[1:cardinality(c) - 1], c[2:]) AS pairs(x, y)
$$;
"""


def _replace(function_sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(function_sql)

    return operation


class Migration(migrations.Migration):
    """Search index: the bigram function without a row per character (PostgreSQL only)."""

    dependencies = [("newsletter", "0005_issue_renditions")]
    operations = [migrations.RunPython(_replace(FASTER), _replace(LINEAR))]
