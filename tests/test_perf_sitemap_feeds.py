"""The sitemap and the feeds stay cheap at archive scale (issue 7): the big text columns stay in the
database when a page does not show them, and the sitemap's fast article URLs are the real ones."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter.models import Article, Issue
from tests import factories

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False
    cache.clear()


@pytest.fixture
def archive(db):
    articles = []
    for number in (1, 2, 3):
        issue = factories.issue(status=Issue.Status.PUBLISHED, year=2024, number=number, total_number=number)
        for position in range(3):
            articles.append(
                factories.article(issue=issue, title=f"第{number}期第{position}篇关于碳市场的报道", position=position)
            )
    return articles


def article_queries(queries):
    return [q["sql"] for q in queries.captured_queries if 'FROM "newsletter_article"' in q["sql"]]


def test_sitemap_lists_each_public_article_at_its_own_url_without_loading_the_texts(client, archive):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {loc.text for loc in ET.fromstring(response.content).iterfind("sm:url/sm:loc", SITEMAP_NS)}
    for article in Article.objects.select_related("issue"):
        assert "http://testserver" + article.get_absolute_url() in locations
    for sql in article_queries(queries):
        assert '"body_html"' not in sql and '"search_text"' not in sql and '"body"' not in sql


@pytest.mark.parametrize("url", ["/feeds/issues/", "/feeds/issues/atom/", "/feeds/articles/", "/feeds/articles/atom/"])
def test_feeds_leave_the_markdown_source_and_search_text_in_the_database(client, archive, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    selected = article_queries(queries)
    assert selected
    for sql in selected:
        assert '"search_text"' not in sql
        assert not re.search(r'"newsletter_article"\."body"[ ,]', sql), sql
    assert "关于碳市场的报道" in response.content.decode()


def test_feed_query_count_does_not_grow_with_issues(client, archive):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries.captured_queries)

    before = {url: count(url) for url in ("/feeds/issues/", "/feeds/articles/", "/sitemap.xml")}
    for number in (4, 5, 6):
        issue = factories.issue(status=Issue.Status.PUBLISHED, year=2024, number=number, total_number=number)
        factories.article(issue=issue, title=f"第{number}期新增文章")
    after = {url: count(url) for url in before}
    assert after == before
