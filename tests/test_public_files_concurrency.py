"""Syncs of one issue at once, and a sync racing a withdrawal, on PostgreSQL's row locks.

The sync takes the issue's row lock (as the workflow does) before it reads the issue's state, so a
withdrawal that commits while the sync waits is seen, and two syncs at once run one after the other.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from newsletter import public_files
from newsletter.models import Issue, PublicFile
from tests import factories

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="两个连接之间的行锁只在 PostgreSQL 上有意义；SQLite 串行写入。CI 会在 PostgreSQL 上运行此测试。",
)
pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]


def public_keys(storage):
    answer = storage.client.list_objects_v2(Bucket=storage.bucket_name, Prefix="public/")
    return {entry["Key"] for entry in answer.get("Contents", [])}


def in_thread(target, errors):
    def run():
        try:
            target()
        except Exception as error:  # reported by the assertions below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def hold_row_lock(issue_id, then=None):
    """Another connection locks the issue's row (as a workflow move does) until ``release`` is set."""
    locked, release, errors = threading.Event(), threading.Event(), []

    def hold():
        with transaction.atomic():
            Issue.objects.select_for_update().get(pk=issue_id)
            if then:
                then()
            locked.set()
            assert release.wait(timeout=60)

    thread = in_thread(hold, errors)
    assert locked.wait(timeout=30), errors
    return thread, release, errors


def wait_until_blocked(count):
    """Until ``count`` connections wait for a lock (bounded: 10 s)."""
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.1)
    pytest.fail("the syncs never waited for the row lock")


def published_issue_with_figures():
    issue = factories.issue(status=Issue.Status.PUBLISHED)
    article = factories.article(issue)
    factories.figure(article, position=1)
    factories.figure(article, caption="第二张", position=2)
    return issue


def test_two_syncs_of_one_issue_at_once_make_each_copy_once_and_fail_nothing(bucket):
    issue = published_issue_with_figures()
    holder, release, errors = hold_row_lock(issue.pk)
    syncs = [in_thread(lambda: public_files.sync_issue(issue.pk), errors) for _ in range(2)]
    wait_until_blocked(2)
    release.set()
    for thread in [holder, *syncs]:
        thread.join(timeout=60)

    assert errors == []
    assert PublicFile.objects.filter(issue=issue).count() == 2
    assert public_keys(bucket) == set(PublicFile.objects.values_list("key", flat=True))


def test_a_sync_waiting_for_a_withdrawal_sees_it_and_leaves_no_public_copy(bucket):
    issue = published_issue_with_figures()
    public_files.sync_issue(issue.pk)
    assert len(public_keys(bucket)) == 2

    def withdraw():  # in the lock holder's transaction, as the workflow's move; its own sync is not run
        Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.WITHDRAWN)

    holder, release, errors = hold_row_lock(issue.pk, then=withdraw)
    sync = in_thread(lambda: public_files.sync_issue(issue.pk), errors)
    wait_until_blocked(1)
    release.set()
    for thread in (holder, sync):
        thread.join(timeout=60)

    assert errors == []
    assert public_keys(bucket) == set() and not PublicFile.objects.exists()
