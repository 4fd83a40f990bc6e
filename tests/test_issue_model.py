import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from newsletter.models import Issue, IssueCredit
from tests import factories

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_issue_with_the_same_year_and_number():
    pub = factories.publication()
    factories.issue(pub=pub, year=2024, number=24, total_number=298)
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(
            publication=pub, year=2024, number=24, total_number=299, issue_date=datetime.date(2024, 12, 19)
        )


def test_database_refuses_a_second_issue_with_the_same_total_number():
    pub = factories.publication()
    factories.issue(pub=pub, year=2024, number=24, total_number=298)
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(
            publication=pub, year=2025, number=1, total_number=298, issue_date=datetime.date(2025, 1, 9)
        )


def test_the_same_numbers_are_allowed_in_another_publication():
    factories.issue(pub=factories.publication(), year=2024, number=24, total_number=298)
    other = factories.publication(slug="other")
    factories.issue(pub=other, year=2024, number=24, total_number=298)
    assert Issue.objects.filter(year=2024, number=24).count() == 2


def test_full_clean_reports_a_duplicate_number_in_chinese():
    pub = factories.publication()
    factories.issue(pub=pub, year=2024, number=24, total_number=298)
    duplicate = Issue(publication=pub, year=2024, number=24, total_number=400, issue_date=datetime.date(2024, 12, 19))
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "当年已有相同期号" in str(excinfo.value)


def test_database_refuses_a_published_issue_without_a_publication_time():
    pub = factories.publication()
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(
            publication=pub,
            year=2024,
            number=3,
            total_number=3,
            issue_date=datetime.date(2024, 2, 1),
            status=Issue.Status.PUBLISHED,
            published_at=None,
        )


def test_next_issue_proposal_continues_the_numbering_and_copies_credits():
    pub = factories.publication()
    latest = factories.issue(pub=pub, year=2024, number=23, total_number=297, issue_date=datetime.date(2024, 12, 5))
    proposal = Issue.objects.propose_next(pub)
    assert (proposal["year"], proposal["number"], proposal["total_number"]) == (2024, 24, 298)
    assert proposal["issue_date"] == datetime.date(2024, 12, 19)
    expected = [(c.role, c.editor_id) for c in latest.credits.all()]
    assert proposal["credits"] == expected and len(expected) == 3


def test_next_issue_proposal_restarts_numbering_in_a_new_year():
    pub = factories.publication()
    factories.issue(pub=pub, year=2024, number=24, total_number=298, issue_date=datetime.date(2024, 12, 19))
    proposal = Issue.objects.propose_next(pub)
    assert (proposal["year"], proposal["number"], proposal["total_number"]) == (2025, 1, 299)


def test_next_issue_proposal_for_an_empty_publication_starts_at_one():
    proposal = Issue.objects.propose_next(factories.publication())
    assert (proposal["number"], proposal["total_number"], proposal["credits"]) == (1, 1, [])


def test_credits_keep_their_order_per_role():
    issue = factories.issue()
    assert [e.name for e in issue.editors()] == ["甲编辑", "乙编辑"]
    assert [e.name for e in issue.coordinators()] == ["丙统筹"]


def test_a_person_is_credited_once_per_role_per_issue():
    issue = factories.issue()
    credit = issue.credits.filter(role=IssueCredit.Role.EDITOR).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueCredit.objects.create(issue=issue, editor=credit.editor, role=credit.role, position=9)


def test_published_includes_due_scheduled_issues_only():
    now = datetime.datetime.now(datetime.UTC)
    published = factories.issue(status=Issue.Status.PUBLISHED)
    due = factories.issue(status=Issue.Status.SCHEDULED, published_at=now - datetime.timedelta(minutes=1))
    future = factories.issue(status=Issue.Status.SCHEDULED, published_at=now + datetime.timedelta(hours=1))
    hidden = [
        factories.issue(status=s)
        for s in (
            Issue.Status.DRAFT,
            Issue.Status.IN_REVIEW,
            Issue.Status.APPROVED,
            Issue.Status.CHANGES_REQUESTED,
            Issue.Status.WITHDRAWN,
        )
    ]
    public = set(Issue.objects.published())
    assert public == {published, due}
    assert future not in public and not public & set(hidden)


def test_is_public_agrees_with_published_for_every_status_and_time():
    """The pager decides with ``Issue.is_public_state`` on stored candidates; pages list with
    ``Issue.objects.published()``. The two must never disagree."""
    now = datetime.datetime.now(datetime.UTC)
    issues = []
    for status in Issue.Status.values:
        for published_at in (now - datetime.timedelta(minutes=1), now + datetime.timedelta(hours=1), None):
            public_kind = status in (Issue.Status.PUBLISHED, Issue.Status.SCHEDULED)
            if public_kind and published_at is None:
                continue  # refused by the database (public_issue_has_published_at)
            issues.append(factories.issue(status=status, published_at=published_at))
    published = set(Issue.objects.published().values_list("pk", flat=True))
    for issue in issues:
        assert Issue.is_public_state(issue.status, issue.published_at) == (issue.pk in published), (
            issue.status,
            issue.published_at,
        )
        assert issue.is_public == (issue.pk in published)
    assert published, "some issue must be public, or the test compares nothing"
