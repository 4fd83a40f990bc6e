"""Feeds over HTTP: conditional GET, content types, 404s, drafts never leaking, query counts, discovery."""

import datetime
import re

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter.models import Issue
from tests import factories

pytestmark = pytest.mark.django_db

Status = Issue.Status
FEEDS = [
    "/feeds/issues/",
    "/feeds/issues/atom/",
    "/feeds/articles/",
    "/feeds/articles/atom/",
    "/feeds/regions/shanghai/",
    "/feeds/regions/shanghai/atom/",
    "/feeds/regions/beijing/",
    "/feeds/regions/beijing/atom/",
    "/feeds/tags/tan-shi-chang/",
    "/feeds/tags/tan-shi-chang/atom/",
]


def public_article(**fields):
    issue = factories.issue(**fields)
    return factories.article(
        issue=issue, section="上海", title="公开文章", body="公开正文。", region_tags=("北京",), topics=("碳市场",)
    )


@pytest.mark.parametrize("url", FEEDS)
def test_conditional_get_answers_304_with_the_validators_of_the_first_response(client, url):
    public_article()
    first = client.get(url)
    assert first.status_code == 200 and first.content
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]+"', etag)  # strong: a hash of the body
    assert last_modified.endswith(" GMT")

    by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == etag
    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304 and by_date.content == b""
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_newly_published_issue_invalidates_both_validators(client):
    public_article(published_at=timezone.now() - datetime.timedelta(days=3))
    first = client.get("/feeds/articles/")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):  # HTTP dates count whole seconds
        public_article(published_at=timezone.now() - datetime.timedelta(hours=1))
    for headers in ({"If-None-Match": first["ETag"]}, {"If-Modified-Since": first["Last-Modified"]}):
        response = client.get("/feeds/articles/", headers=headers)
        assert response.status_code == 200 and response.content.count(b"<item>") == 2


def test_withdrawing_an_issue_removes_it_from_every_feed_and_changes_the_validators(client):
    public_article(published_at=timezone.now() - datetime.timedelta(days=30))
    withdrawn = public_article(published_at=timezone.now() - datetime.timedelta(days=2))
    withdrawn_title = withdrawn.issue.feed_title
    before = {url: client.get(url) for url in FEEDS}
    assert withdrawn_title.encode() in before["/feeds/issues/"].content

    issue = withdrawn.issue
    issue.status = Status.WITHDRAWN
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):  # HTTP dates count whole seconds
        issue.save()

    for url in FEEDS:
        response = client.get(url, headers={"If-None-Match": before[url]["ETag"]})
        assert response.status_code == 200, url
        assert f"/article/{withdrawn.pk}<".encode() not in response.content
        assert withdrawn_title.encode() not in response.content
        ims = client.get(url, headers={"If-Modified-Since": before[url]["Last-Modified"]})
        assert ims.status_code == 200, url


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_are_served_with_their_registered_content_types(client, url):
    public_article()
    kind = "atom" if url.endswith("/atom/") else "rss"
    assert client.get(url)["Content-Type"] == f"application/{kind}+xml; charset=utf-8"


@pytest.mark.parametrize(
    "url",
    ["/feeds/regions/no-such-place/", "/feeds/regions/no-such-place/atom/", "/feeds/tags/no-such-topic/"]
    + ["/feeds/tags/no-such-topic/atom/"],
)
def test_unknown_region_or_topic_slug_is_404(client, url):
    assert client.get(url).status_code == 404


NON_PUBLIC = [
    (Status.DRAFT, None),
    (Status.DRAFT, -5),  # back to draft after having had a publication time
    (Status.IN_REVIEW, None),
    (Status.CHANGES_REQUESTED, None),
    (Status.APPROVED, None),
    (Status.SCHEDULED, 2),  # scheduled, not yet due
    (Status.WITHDRAWN, -3),
]


def test_no_feed_and_not_the_feeds_page_shows_anything_that_is_not_public(client):
    public = public_article()
    hidden = []
    for index, (status, days) in enumerate(NON_PUBLIC):
        published_at = timezone.now() + datetime.timedelta(days=days) if days is not None else None
        issue = factories.issue(status=status, published_at=published_at, theme=f"秘密主题{index}")
        article = factories.article(
            issue=issue,
            section="上海",
            title=f"未公开文章{index}",
            body=f"未公开正文{index}。",
            region_tags=("北京",),
            topics=("碳市场", f"草稿专有主题{index}"),
        )
        hidden.append((issue, article, index))
    factories.article(issue=None, section="上海", title="未编入期刊的文章", region_tags=("北京",), topics=("碳市场",))
    assert len({issue.status for issue, _, _ in hidden}) == 6

    for url in FEEDS:
        body = client.get(url).content.decode()
        assert "公开正文" in body, url
        assert "未编入期刊的文章" not in body, url
        for issue, article, index in hidden:
            for secret in (f"未公开文章{index}", f"未公开正文{index}", f"秘密主题{index}", f"草稿专有主题{index}"):
                assert secret not in body, (url, issue.status, secret)
            assert f"总第{issue.total_number}期" not in body, (url, issue.status)
            assert f"/issue/{issue.pk}<" not in body and f"/article/{article.pk}<" not in body
    page = client.get("/feeds/").content.decode()
    assert "碳市场" in page and "草稿专有主题" not in page
    assert public.title in client.get("/feeds/articles/").content.decode()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_issue_with_articles(published_days_ago):
    issue = factories.issue(published_at=timezone.now() - datetime.timedelta(days=published_days_ago))
    for section in ("区域", "上海"):
        factories.article(issue=issue, section=section, region_tags=("北京",), topics=("碳市场", "并购重组"))
    return issue


@pytest.mark.parametrize("url", FEEDS)
def test_query_count_does_not_grow_with_the_number_of_items(client, url):
    _add_issue_with_articles(10)
    small = _count_queries(client, url)
    for days in (1, 2, 3, 4):
        _add_issue_with_articles(days)
    assert _count_queries(client, url) == small
    assert small <= 12


def test_every_public_page_links_the_site_wide_feeds_and_region_and_topic_pages_their_own(client):
    article = public_article()
    home = client.get("/").content.decode()
    for href, kind in (
        ("/feeds/issues/", "rss"),
        ("/feeds/issues/atom/", "atom"),
        ("/feeds/articles/", "rss"),
        ("/feeds/articles/atom/", "atom"),
    ):
        assert re.search(rf'<link rel="alternate" type="application/{kind}\+xml" title="[^"]+" href="{href}">', home)
    assert "/feeds/regions/" not in home and "/feeds/tags/" not in home
    for page in (article.get_absolute_url(), article.issue.get_absolute_url(), "/regions/", "/feeds/"):
        assert 'href="/feeds/issues/"' in client.get(page).content.decode(), page

    region_page = client.get("/regions/shanghai/").content.decode()
    assert (
        'type="application/rss+xml" title="双周决策观察 · 【上海】（RSS）" href="/feeds/regions/shanghai/"'
        in region_page
    )
    assert (
        'type="application/atom+xml" title="双周决策观察 · 【上海】（Atom）" href="/feeds/regions/shanghai/atom/"'
        in (region_page)
    )
    tag_page = client.get("/tags/tan-shi-chang/").content.decode()
    assert 'href="/feeds/tags/tan-shi-chang/"' in tag_page and 'href="/feeds/tags/tan-shi-chang/atom/"' in tag_page


def test_feeds_page_lists_every_feed_with_a_copy_button_and_no_inline_script(client):
    public_article()
    response = client.get("/feeds/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1 and re.search(r"<h1[^>]*>订阅</h1>", page)
    assert "RSS" in page and "阅读器" in page
    urls = re.findall(r'data-copy="([^"]+)"', page)
    expected = {
        "http://testserver/feeds/issues/",
        "http://testserver/feeds/issues/atom/",
        "http://testserver/feeds/articles/",
        "http://testserver/feeds/articles/atom/",
        "http://testserver/feeds/regions/shanghai/",
        "http://testserver/feeds/regions/beijing/atom/",
        "http://testserver/feeds/tags/tan-shi-chang/",
        "http://testserver/feeds/tags/tan-shi-chang/atom/",
    }
    assert expected <= set(urls)
    for url in urls:
        assert f'href="{url}"' in page  # readers without JavaScript can copy the link's address
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url
    assert '<script src="/static/js/feeds.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)
    script = finders.find("js/feeds.js")
    assert script and "navigator.clipboard" in open(script, encoding="utf-8").read()
