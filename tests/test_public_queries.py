"""Every public page makes the same number of SQL queries whether an issue has 3 articles or 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def build(count, number):
    """An issue with ``count`` articles spread over sections, with tags, sources and figures."""
    issue = f.issue(year=2024, number=number, total_number=500 + number)
    sections = ["区域", "上海", "广东", "浙江"]
    articles = []
    for n in range(count):
        article = f.article(
            issue,
            section=sections[n % len(sections)],
            title=f"第{number}期碳市场报道{n}",
            region_tags=("湖北",),
            topics=("碳市场", f"话题{n % 5}"),
            sources=(("测试日报", None), (f"测试晚报{n % 3}", None)),
        )
        articles.append(article)
    for article in articles[:: max(1, count // 3)]:
        f.figure(article, caption=f"{article.title}的图")
    return issue, articles


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def urls(issue, articles):
    return {
        "home": "/",
        "archive": "/issues/",
        "year": "/issues/2024/",
        "issue": issue.get_absolute_url(),
        "issue print": issue.get_absolute_url() + "?print=1",
        "article": articles[1].get_absolute_url(),
        "region": "/regions/hubei/",
        "regions": "/regions/",
        "tag": articles[0].topics.get(name="碳市场").get_absolute_url(),
        "search": "/search/?q=碳市场",
        "search filtered": "/search/?q=碳市场&region=hubei&year=2024",
        "sitemap": "/sitemap.xml",
    }


def test_page_query_counts_do_not_grow_with_the_number_of_articles(client):
    small_issue, small_articles = build(3, 1)
    small = {name: count_queries(client, url) for name, url in urls(small_issue, small_articles).items()}
    big_issue, big_articles = build(30, 2)  # the newest issue: now on the home page, 30 articles
    big = {name: count_queries(client, url) for name, url in urls(big_issue, big_articles).items()}
    assert big == small
    assert max(small.values()) <= 12


def test_issue_page_with_3_and_30_articles_makes_the_same_number_of_queries(client):
    small_issue, _ = build(3, 3)
    big_issue, _ = build(30, 4)
    assert count_queries(client, small_issue.get_absolute_url()) == count_queries(client, big_issue.get_absolute_url())
