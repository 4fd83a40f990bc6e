"""PostgreSQL query plans for tests that check an index answers a condition."""

from django.db import connection


def plan_without_full_or_plain_index_scans(queryset):
    """EXPLAIN of ``queryset`` with sequential and plain (b-tree walk) index scans priced out.

    On a few dozen rows the planner may rightly prefer those paths, and its choice then depends on
    statistics other tests left behind; what remains must be an index answering the condition. The
    planner's own choice at archive scale is what `make bench` measures. Call inside a transaction
    (the test's): the settings are SET LOCAL.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
