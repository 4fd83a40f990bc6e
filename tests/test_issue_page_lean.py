"""The issue page when its rendition is stale, its head metadata, and PostgreSQL's prepared statements.

A current rendition is served in one query (tests/test_issue_renditions.py). When it is stale (other
templates, an older release) the page is rendered live from the rows: still a small fixed number of
queries, and the same bytes the stored rendition gives once it is refreshed, head metadata included.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter import renditions
from newsletter.models import IssueRendition

from . import factories
from .test_html_pages import head_of

ROOT = Path(__file__).resolve().parents[1]
LIVE_PAGE_MAX_QUERIES = 8


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False
    cache.clear()


@pytest.fixture
def issue(db, django_capture_on_commit_callbacks):
    """A published issue between two others (so the pager has both links), with a figure and a
    description long enough to be shortened."""
    with django_capture_on_commit_callbacks(execute=True):
        factories.issue(year=2024, number=4, total_number=204)
        issue = factories.issue(year=2024, number=5, total_number=205, theme="数字经济与数据要素市场")
        factories.issue(year=2024, number=6, total_number=206)
        first = factories.article(issue, title="上海推进数据要素市场建设，首批数据产品挂牌交易", section="上海")
        factories.article(
            issue,
            title="广东探索跨境数据流动“白名单”制度，粤港澳大湾区先行先试",
            section="广东",
            sources=(("南方日报", datetime.date(2024, 12, 2)),),
        )
        factories.article(issue, title="浙江以公共数据授权运营带动数字经济核心产业增长", section="浙江")
        factories.article(issue, title="江苏出台数据资产入表指引", section="江苏")
        factories.figure(first, caption="数据交易额变化")
    return issue


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response, len(queries.captured_queries)


def make_stale(issue):
    IssueRendition.objects.filter(issue=issue).update(stamp="old", html="<p>旧版模板生成的正文</p>")


def stored_page(client, issue, url, **headers):
    """The page after the rendition is refreshed: served from it (one query), not rendered again."""
    renditions.refresh([issue.pk])
    response, queries = get(client, url, **headers)
    assert queries == 1, "after refresh the page must come from the stored rendition"
    return response


@pytest.mark.parametrize("query", ["", "?print=1"], ids=["screen", "print"])
def test_a_stale_rendition_is_rendered_live_in_few_queries_and_reads_as_the_refreshed_page(
    client, issue, django_assert_max_num_queries, query
):
    url = issue.get_absolute_url() + query
    make_stale(issue)
    with django_assert_max_num_queries(LIVE_PAGE_MAX_QUERIES) as queries:
        live = client.get(url)
    assert live.status_code == 200
    assert len(queries) > 1, "a stale rendition must not be served: the page is rendered from the rows"
    live_html = live.content.decode()
    assert "旧版模板生成的正文" not in live_html
    assert "广东探索跨境数据流动“白名单”制度" in live_html
    assert 'rel="prev" href="/issues/2024/4/"' in live_html and 'rel="next" href="/issues/2024/6/"' in live_html
    assert live.content == stored_page(client, issue, url).content


@pytest.mark.parametrize("host", ["testserver", "localhost"])
def test_the_head_metadata_is_the_same_from_the_stored_rendition_and_from_the_rows(client, issue, host):
    url = issue.get_absolute_url()
    make_stale(issue)
    live, _ = get(client, url, HTTP_HOST=host)
    live_head = head_of(live)
    stored_head = head_of(stored_page(client, issue, url, HTTP_HOST=host))

    for head in (live_head, stored_head):
        assert head["title"] == "双周决策观察 2024 年第 5 期（总第 205 期）"
        assert head["canonical"] == head["meta"]["og:url"] == f"http://{host}/issues/2024/5/"
        description = head["meta"]["description"]
        assert description.startswith("《双周决策观察》2024 年第 5 期（总第 205 期）：数字经济与数据要素市场。")
        assert len(description) == 120, "shortened to the description length"
        assert "江苏出台数据资产入表指引" not in description
        assert head["meta"]["og:image"].startswith(f"http://{host}/media/figures/")
    assert live_head["title"] == stored_head["title"]
    assert live_head["meta"]["description"] == stored_head["meta"]["description"]
    assert live_head["meta"]["og:url"] == stored_head["meta"]["og:url"]
    assert live_head["canonical"] == stored_head["canonical"]
    assert live_head == stored_head  # and everything else: Open Graph, JSON-LD


# --- PostgreSQL: prepared statements -----------------------------------------------------------------


def rendition_statements():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%newsletter_issuerendition%"]
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_postgresql_prepares_the_issue_page_query_once_the_page_is_requested_repeatedly(client, issue):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: prepared statements (run with DATABASE_URL=postgres://…)")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what earlier tests on this connection left (psycopg forgets them too)
    assert rendition_statements() == []
    for _ in range(6):
        _, queries = get(client, issue.get_absolute_url())
        assert queries == 1
    statements = rendition_statements()
    assert statements, (
        "the issue page's query is not prepared after 6 requests on one connection: "
        f"OPTIONS={connection.settings_dict.get('OPTIONS')}"
    )
    assert any('"newsletter_issue"' in statement for statement in statements)


# --- DATABASE_PREPARE_THRESHOLD ----------------------------------------------------------------------


def database_options(**variables):
    """DATABASES['default']['OPTIONS'] of the production settings for a PostgreSQL DATABASE_URL."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_PREPARE_THRESHOLD", "DATABASE_URL")
    }
    env.update(DEBUG="1", DATABASE_URL="postgres://x@127.0.0.1/y", **variables)
    code = "import json, config.settings as s; print(json.dumps(s.DATABASES['default'].get('OPTIONS')))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_postgresql_settings_prepare_statements_after_five_runs_by_default():
    # The other side of the test below: the same probe sees the options when they are set.
    result = database_options()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"server_side_binding": True, "prepare_threshold": 5}
    result = database_options(DATABASE_PREPARE_THRESHOLD=" 12 ")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"server_side_binding": True, "prepare_threshold": 12}


@pytest.mark.parametrize("value", ["off", "OFF", "none", "0"])
def test_prepare_threshold_off_leaves_postgresql_without_prepared_statements(value):
    result = database_options(DATABASE_PREPARE_THRESHOLD=value)
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout) or {}
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


@pytest.mark.parametrize("value", ["five", "-1", "2.5"])
def test_a_prepare_threshold_that_is_not_a_number_stops_the_settings(value):
    result = database_options(DATABASE_PREPARE_THRESHOLD=value)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert "DATABASE_PREPARE_THRESHOLD" in result.stderr
    assert result.stdout == ""
