"""Workflow email: the right people, only after the transaction commits, none when it rolls back.

These tests use real transactions (transaction=True) so that commit and rollback really happen.
"""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from newsletter import roles
from newsletter.models import Issue
from newsletter.workflow import perform
from tests import factories
from tests.factories import role_user

pytestmark = pytest.mark.django_db(transaction=True)

S = Issue.Status


@pytest.fixture
def people():
    return {
        "editor": role_user("editor", roles.EDITOR),
        "reviewer": role_user("reviewer", roles.REVIEWER),
        "reviewer2": role_user("reviewer2", roles.REVIEWER),
        "chief": role_user("chief", roles.CHIEF),
    }


def ready_issue(status=S.DRAFT, **fields):
    issue = factories.issue(status=status, **fields)
    factories.article(issue=issue)
    return issue


def sent():
    return sorted(address for message in mail.outbox for address in message.to)


def test_submitting_emails_the_reviewers_after_commit(people):
    issue = ready_issue()
    mail.outbox.clear()
    with transaction.atomic():
        perform(issue, "submit", by=people["editor"])
        assert mail.outbox == []  # not before the commit
    assert sent() == ["reviewer2@example.com", "reviewer@example.com"]
    assert "待审核" in mail.outbox[0].subject
    assert f"/admin/newsletter/issue/{issue.pk}/change/" in mail.outbox[0].body


def test_no_email_when_the_transaction_rolls_back(people):
    issue = ready_issue()
    mail.outbox.clear()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            perform(issue, "submit", by=people["editor"])
            raise RuntimeError("something later in the same request failed")
    assert mail.outbox == []
    assert Issue.objects.get(pk=issue.pk).status == S.DRAFT


def test_requesting_changes_emails_the_submitter_with_the_comment(people):
    issue = ready_issue(status=S.IN_REVIEW, submitted_by=people["editor"])
    mail.outbox.clear()
    perform(issue, "request_changes", by=people["reviewer"], comment="第二篇的来源日期有误。")
    assert sent() == ["editor@example.com"]
    assert "第二篇的来源日期有误。" in mail.outbox[0].body


def test_approving_emails_the_submitter_and_the_chief_editor(people):
    issue = ready_issue(status=S.IN_REVIEW, submitted_by=people["editor"])
    mail.outbox.clear()
    perform(issue, "approve", by=people["reviewer"])
    assert sent() == ["chief@example.com", "editor@example.com"]


def test_publishing_and_withdrawing_email_everyone_involved_but_the_actor(people):
    issue = ready_issue(status=S.DRAFT)
    perform(issue, "submit", by=people["editor"])
    perform(issue, "approve", by=people["reviewer"])
    mail.outbox.clear()
    perform(issue, "publish", by=people["chief"])
    assert sent() == ["editor@example.com", "reviewer@example.com"]
    assert "已发布" in mail.outbox[0].subject and issue.get_absolute_url() in mail.outbox[0].body
    mail.outbox.clear()
    perform(issue, "withdraw", by=people["chief"], comment="数据需复核。")
    assert sent() == ["editor@example.com", "reviewer@example.com"]
    assert "已撤回" in mail.outbox[0].subject


def test_a_refused_move_sends_nothing(people):
    issue = ready_issue(status=S.DRAFT)
    mail.outbox.clear()
    from newsletter.workflow import TransitionError

    with pytest.raises(TransitionError):
        perform(issue, "publish", by=people["chief"])
    assert mail.outbox == []


def test_scheduling_sends_no_email_but_the_scheduled_publication_does(people):
    issue = ready_issue(status=S.APPROVED, submitted_by=people["editor"])
    mail.outbox.clear()
    perform(issue, "schedule", by=people["chief"], publish_at=timezone.now() + datetime.timedelta(minutes=1))
    assert mail.outbox == []
    from newsletter.workflow import publish_due

    publish_due(now=timezone.now() + datetime.timedelta(minutes=2))
    assert "editor@example.com" in sent() and "chief@example.com" in sent()
