"""The article changelist stays fast at 10,000 articles (issue 7): no GROUP BY over every article,
an ordering the primary key's index answers, and figure counts that are still right."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def page_query(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:newsletter_article_changelist"))
    assert response.status_code == 200
    (sql,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "newsletter_article"."id"')]
    return response, sql


def test_article_changelist_query_groups_no_articles_and_orders_by_the_primary_key(client, superuser):
    client.force_login(superuser)
    factories.article(issue=factories.issue())
    _response, sql = page_query(client)
    # Figures are counted in a correlated subquery, not by joining and grouping every article.
    assert 'JOIN "newsletter_figure"' not in sql
    assert 'GROUP BY "newsletter_article"' not in sql
    assert re.search(r'ORDER BY "newsletter_article"\."id" DESC', sql), sql


def test_article_changelist_shows_the_figure_count_of_each_article_newest_first(client, superuser):
    client.force_login(superuser)
    issue = factories.issue()
    plain = factories.article(issue=issue, title="没有图片的文章", position=1)
    illustrated = factories.article(issue=issue, title="有两张图片的文章", position=2)
    factories.figure(illustrated, position=1)
    factories.figure(illustrated, caption="第二张", position=2)
    response, _sql = page_query(client)
    html = response.content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    counts = {}
    for row in rows:
        for article in (plain, illustrated):
            if article.title in row:
                counts[article.title] = re.search(
                    r'<td class="field-figure_count">(?:<img [^>]*>)?<span class="figure-count">(\d+)</span></td>', row
                ).group(1)
    assert counts == {plain.title: "0", illustrated.title: "2"}
    assert html.index(illustrated.title) < html.index(plain.title)
