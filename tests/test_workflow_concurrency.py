"""Two people pressing the same button at the same moment: exactly one move happens."""

import threading

import pytest
from django.db import connection

from newsletter import roles
from newsletter.models import Issue, IssueEvent
from newsletter.workflow import TransitionError, perform
from tests import factories
from tests.factories import role_user

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="行锁（select_for_update）只在 PostgreSQL 上有意义；SQLite 串行写入。CI 会在 PostgreSQL 上运行此测试。",
)


def race(issue_pk, action, users, **kwargs):
    barrier = threading.Barrier(len(users))
    results = []

    def attempt(user):
        try:
            barrier.wait(timeout=10)
            perform(Issue.objects.get(pk=issue_pk), action, by=user, **kwargs)
            results.append("ok")
        except TransitionError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "action, state, group", [("publish", "approved", roles.CHIEF), ("approve", "in_review", roles.REVIEWER)]
)
def test_two_simultaneous_moves_on_one_issue_let_exactly_one_through(action, state, group):
    issue = factories.issue(status=state)
    factories.article(issue=issue)
    users = [role_user("first", group), role_user("second", group)]
    assert race(issue.pk, action, users) == ["ok", "refused"]
    assert IssueEvent.objects.filter(issue=issue, action=action).count() == 1
    assert Issue.objects.get(pk=issue.pk).version == issue.version + 1
