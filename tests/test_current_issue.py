"""The current issue is the public one with the highest number, not the one published last.

Every archive import ends with back issues being published (or scheduled) after the current one:
they must not take over the home page's cover, the top of the issues feed or the archive lists.
"""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from newsletter import workflow
from newsletter.models import Issue

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.fixture
def current_and_back_issue(db):
    """The current issue (2024-24, published days ago) and an approved back issue (2023-3)."""
    current = f.issue(year=2024, number=24, total_number=298, published_at=timezone.now() - datetime.timedelta(days=3))
    f.article(current, title="本期头条文章")
    back = f.issue(status=Issue.Status.APPROVED, year=2023, number=3, total_number=258)
    f.article(back, title="往期文章")
    return current, back


def cover_link(client):
    html = client.get("/").content.decode()
    match = re.search(r'<p class="cover-actions"><a class="button" href="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_home_shows_the_highest_numbered_public_issue_after_a_back_issue_is_published(
    client, chief_user, current_and_back_issue
):
    current, back = current_and_back_issue
    workflow.perform(back, workflow.PUBLISH, by=chief_user)
    assert back.published_at > current.published_at
    assert cover_link(client) == current.get_absolute_url()
    html = client.get("/").content.decode()
    assert back.get_absolute_url() in html  # listed among the earlier issues, not on the cover


def test_home_keeps_the_current_issue_when_a_back_issue_is_scheduled_and_goes_public(
    client, chief_user, current_and_back_issue
):
    current, back = current_and_back_issue
    workflow.perform(back, workflow.SCHEDULE, by=chief_user, publish_at=timezone.now() + datetime.timedelta(hours=1))
    # The scheduled time comes (the issue is public from then on, before any job runs).
    Issue.objects.filter(pk=back.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    assert Issue.objects.published().filter(pk=back.pk).exists()
    assert cover_link(client) == current.get_absolute_url()


def test_home_lists_earlier_issues_by_number_not_by_publication_time(client, chief_user):
    newest = f.issue(year=2024, number=24, total_number=298, published_at=timezone.now() - datetime.timedelta(days=9))
    middle = f.issue(year=2024, number=20, total_number=294, published_at=timezone.now() - datetime.timedelta(days=1))
    oldest = f.issue(year=2023, number=2, total_number=257, published_at=timezone.now() - datetime.timedelta(hours=1))
    html = client.get("/").content.decode()
    assert cover_link(client) == newest.get_absolute_url()
    positions = [html.index(f'href="{issue.get_absolute_url()}"') for issue in (middle, oldest)]
    assert positions == sorted(positions)


@pytest.mark.parametrize("url", ["/feeds/issues/", "/feeds/issues/atom/"])
def test_issues_feed_starts_with_the_highest_numbered_issue_after_a_back_issue_is_published(
    client, chief_user, current_and_back_issue, url
):
    current, back = current_and_back_issue
    workflow.perform(back, workflow.PUBLISH, by=chief_user)
    root = ET.fromstring(client.get(url).content)
    atom = "{http://www.w3.org/2005/Atom}"
    if root.tag == "rss":
        links = [item.findtext("link") for item in root.iter("item")]
    else:
        links = [entry.find(f"{atom}link").get("href") for entry in root.iter(f"{atom}entry")]
    assert [link.split("testserver")[-1] for link in links] == [current.get_absolute_url(), back.get_absolute_url()]


def test_issue_querysets_current_is_the_highest_total_number_among_public_issues(chief_user):
    f.issue(year=2024, number=24, total_number=298, published_at=timezone.now() - datetime.timedelta(days=9))
    draft = f.issue(status=Issue.Status.DRAFT, year=2025, number=1, total_number=299)
    back = f.issue(year=2020, number=1, total_number=150, published_at=timezone.now())
    current = Issue.objects.current()
    assert (current.year, current.number) == (2024, 24)
    assert current.pk not in (draft.pk, back.pk)


def test_articles_feed_says_it_is_in_order_of_publication(client):
    f.article(f.issue())
    root = ET.fromstring(client.get("/feeds/articles/").content)
    assert "按发布时间排列" in root.find("channel").findtext("description")
