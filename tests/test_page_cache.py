"""Whole-page cache: warm pages cost no query, and every public change is visible on the next request."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsletter import workflow
from newsletter.models import Issue
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries.captured_queries)


def _public_issue(**kw):
    issue = factories.issue(status=Issue.Status.PUBLISHED, **kw)
    factories.article(issue=issue, title="已发布的文章", section="上海", topics=["缓存测试"])
    return issue


PAGES = ["/", "/issues/", "/feeds/issues/", "/feeds/articles/", "/sitemap.xml"]


@pytest.mark.parametrize("url", PAGES)
def test_a_warm_page_is_served_from_the_cache_without_any_query(client, url):
    _public_issue()
    first, cold_queries = get(client, url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert cold_queries <= 8
    second, warm_queries = get(client, url)
    assert second["X-Page-Cache"] == "hit"
    assert warm_queries == 0
    assert second.content == first.content


def test_conditional_get_answers_304_from_the_cache(client):
    _public_issue()
    first = client.get("/")
    etag = first["ETag"]
    response, queries = get(client, "/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b"" and queries == 0


def test_publishing_shows_the_new_issue_on_the_very_next_request(
    client, chief_user, django_capture_on_commit_callbacks
):
    old = _public_issue(year=2024, number=1, total_number=1)
    new = factories.issue(status=Issue.Status.APPROVED, year=2024, number=2, total_number=2)
    factories.article(issue=new, title="刚刚发布的新文章", section="广东", region_tags=["湖北"])
    region_url = factories.region("湖北").get_absolute_url()
    urls = ["/", new.get_absolute_url(), "/feeds/issues/", "/feeds/articles/"]
    for url in urls + [old.get_absolute_url()]:
        client.get(url)  # warm the cache
    assert client.get(new.get_absolute_url()).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(new, "publish", by=chief_user)

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "刚刚发布的新文章".encode() in response.content or new.feed_title.encode() in response.content, url
    assert "刚刚发布的新文章" in client.get(region_url).content.decode()


def test_withdrawing_removes_the_issue_on_the_very_next_request(client, chief_user, django_capture_on_commit_callbacks):
    issue = _public_issue()
    for url in ["/", issue.get_absolute_url(), "/feeds/issues/", "/feeds/articles/"]:
        assert "已发布的文章" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(issue, "withdraw", by=chief_user, comment="内容有误")
    assert client.get(issue.get_absolute_url()).status_code == 404
    for url in ["/", "/feeds/issues/", "/feeds/articles/"]:
        assert "已发布的文章" not in client.get(url).content.decode(), url


def test_a_correction_shows_on_the_next_request(client):
    issue = _public_issue()
    article = issue.articles.get()
    assert "更正后的标题" not in client.get(article.get_absolute_url()).content.decode()
    article.title = "更正后的标题"
    article.save()
    assert "更正后的标题" in client.get(article.get_absolute_url()).content.decode()
    assert "更正后的标题" in client.get(issue.get_absolute_url()).content.decode()


def test_a_region_rename_shows_on_the_next_request(client):
    issue = _public_issue()
    client.get(issue.get_absolute_url())
    region = factories.region("上海")
    region.name = "上海市"
    region.save()
    assert "【上海市】" in client.get(issue.get_absolute_url()).content.decode()


def test_a_scheduled_issue_appears_when_due_without_any_save_or_job(client):
    _public_issue(year=2024, number=1, total_number=1)
    go_live = timezone.now() + datetime.timedelta(hours=2)
    scheduled = factories.issue(
        status=Issue.Status.SCHEDULED, published_at=go_live, year=2024, number=2, total_number=2
    )
    factories.article(issue=scheduled, title="定时发布的文章")
    assert "定时发布的文章" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    with time_machine.travel(go_live + datetime.timedelta(minutes=1), tick=False):
        assert "定时发布的文章" in client.get("/").content.decode()


def test_signed_in_staff_always_get_fresh_uncached_pages(client, superuser):
    _public_issue()
    client.force_login(superuser)
    first = client.get("/")
    assert "X-Page-Cache" not in first
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len(queries.captured_queries) > 0


def test_preview_links_and_the_admin_are_never_cached(client, superuser):
    client.force_login(superuser)
    assert "X-Page-Cache" not in client.get(reverse("admin:index"))
