"""A scheduled issue is invisible everywhere before its time and visible everywhere after it,
whether or not ``publish_scheduled`` has run."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Issue
from newsletter.workflow import perform
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status
GO_LIVE = datetime.datetime(2031, 3, 6, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TITLE = "滨海新区试点海关监管新模式"


def surfaces(issue, article):
    """Every public page that could show the issue, with what each would show of it."""
    section = article.section
    return [
        (reverse("newsletter:home"), issue.get_absolute_url()),
        (reverse("newsletter:issue_archive"), issue.get_absolute_url()),
        (reverse("newsletter:issue_year", args=[issue.year]), issue.get_absolute_url()),
        (issue.get_absolute_url(), TITLE),
        (article.get_absolute_url(), TITLE),
        (reverse("newsletter:tag_detail", args=[article.topics.get().slug]), TITLE),
        (reverse("regions:detail", args=[section.slug]), TITLE),
        (reverse("newsletter:search") + "?q=海关监管", article.get_absolute_url()),
        (reverse("feeds:issues_rss"), issue.get_absolute_url()),
        (reverse("feeds:articles_rss"), TITLE),
        (reverse("sitemap"), issue.get_absolute_url()),
    ]


def visible(client, url, marker):
    response = client.get(url)
    assert response.status_code in (200, 404), url
    return response.status_code == 200 and marker in response.content.decode()


@pytest.mark.parametrize("job_runs", [False, True], ids=["without_job", "with_job"])
def test_a_scheduled_issue_appears_on_every_public_surface_exactly_at_its_time(
    client, chief_user, job_runs, django_capture_on_commit_callbacks
):
    with time_machine.travel(GO_LIVE - datetime.timedelta(days=1), tick=False):
        issue = factories.issue(status=S.APPROVED, year=2031, number=5)
        article = factories.article(issue=issue, section="天津", title=TITLE, topics=["口岸通关"])
        with django_capture_on_commit_callbacks(execute=True):  # what happens when the move commits
            perform(issue, "schedule", by=chief_user, publish_at=GO_LIVE)
        pages = surfaces(issue, article)
        assert [url for url, marker in pages if visible(client, url, marker)] == []

    with time_machine.travel(GO_LIVE - datetime.timedelta(seconds=1), tick=False):
        if job_runs:
            call_command("publish_scheduled", stdout=io.StringIO())
        assert [url for url, marker in pages if visible(client, url, marker)] == []
        assert Issue.objects.get(pk=issue.pk).status == S.SCHEDULED

    with time_machine.travel(GO_LIVE + datetime.timedelta(seconds=1), tick=False):
        if job_runs:
            call_command("publish_scheduled", stdout=io.StringIO())
        assert [url for url, marker in pages if not visible(client, url, marker)] == []
        expected = S.PUBLISHED if job_runs else S.SCHEDULED
        assert Issue.objects.get(pk=issue.pk).status == expected
        assert Issue.objects.published().filter(pk=issue.pk).exists()


def test_the_schedule_form_takes_beijing_time(client, chief_user):
    issue = factories.issue(status=S.APPROVED)
    factories.article(issue=issue)
    with time_machine.travel(GO_LIVE - datetime.timedelta(days=1), tick=False):
        client.force_login(chief_user)  # inside: a session from "now" would have expired by 2031
        response = client.post(
            reverse("admin:newsletter_issue_transition", args=[issue.pk, "schedule"]),
            {"publish_at": "2031-03-06T09:00", "comment": "", "confirmed": "True"},
        )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == S.SCHEDULED
    assert issue.published_at == GO_LIVE
    assert timezone.localtime(issue.published_at).hour == 9
