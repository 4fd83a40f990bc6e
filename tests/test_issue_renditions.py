"""The issue page is served from its rendition (one query), and the rendition follows every change.

The rule each test states from the outside: after any change an editor can make to what an issue page
shows, the page served to readers on the next request is byte for byte the page rendered live from
the rows. Changes are committed (``django_capture_on_commit_callbacks(execute=True)``), because a
rendition is re-rendered when the change commits.
"""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter import revisions, workflow
from newsletter.models import Editor, Figure, Issue, IssueHost, IssueRendition, Outlet, PublicationHost, Source
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def served(client, issue):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def live(client, issue):
    """The page rendered from the rows: what the rendition must equal."""
    IssueRendition.objects.filter(issue=issue).delete()
    return served(client, issue)[0]


def assert_served_from_rendition(client, issue, *expected, absent=()):
    page, queries = served(client, issue)
    assert queries == 1, "a current rendition is served with the issue in one query"
    for text in expected:
        assert text in page
    for text in absent:
        assert text not in page
    assert page == live(client, issue)


@pytest.fixture
def issue(committed):
    with committed():
        issue = factories.issue(year=2024, number=5, total_number=205, theme="数字经济")
        first = factories.article(issue, title="上海推进数据要素市场建设", section="上海")
        factories.article(
            issue, title="广东探索跨境数据流动", section="广东", sources=(("南方日报", datetime.date(2024, 12, 2)),)
        )
        factories.figure(first, caption="数据交易额变化")
    return issue


def test_a_published_issue_page_is_one_query_and_identical_to_the_live_page(client, issue):
    assert IssueRendition.objects.filter(issue=issue).exists()
    assert_served_from_rendition(client, issue, "上海推进数据要素市场建设", "【广东】", "图 1", "南方日报")


def _article(issue, title):
    return issue.articles.get(title=title)


def change_article_title(issue):
    article = _article(issue, "上海推进数据要素市场建设")
    article.title = "上海数据交易所改革提速"
    article.save()
    return ["上海数据交易所改革提速"], ["上海推进数据要素市场建设"]


def change_article_body(issue):
    article = _article(issue, "广东探索跨境数据流动")
    article.body = "粤港澳大湾区试行数据跨境“白名单”。"
    article.save()
    return ["数据跨境“白名单”"], []


def add_source(issue):
    article = _article(issue, "广东探索跨境数据流动")
    Source.objects.create(article=article, outlet=Outlet.get_for_name("经济日报"), date=datetime.date(2024, 12, 3))
    return ["经济日报"], []


def rename_outlet(issue):
    Outlet.objects.filter(name="南方日报").update(name="南方日报社")  # no signal: the save below sends one
    outlet = Outlet.objects.get(name="南方日报社")
    outlet.save()
    return ["南方日报社"], []


def change_figure_caption(issue):
    figure = Figure.objects.get(article__issue=issue)
    figure.caption = "交易额逐年上升"
    figure.save()
    return ["图 1 交易额逐年上升"], ["图 1 数据交易额变化"]


def rename_region(issue):
    region = factories.region("广东")
    region.name = "广东省"
    region.save()
    return ["【广东省】"], ["【广东】"]


def change_publication(issue):
    publication = issue.publication
    publication.subtitle = "地方改革观察"
    publication.save()
    return ["地方改革观察"], []


def change_issue_masthead(issue):
    # The masthead is the issue's own (a change of the publication's phone no longer shows here).
    host = IssueHost.objects.filter(issue=issue).order_by("position").first()
    host.name = "滨海新区研究中心"
    host.save()
    fresh = Issue.objects.get(pk=issue.pk)
    fresh.phone = "022-99998888"
    fresh.save()
    return ["滨海新区研究中心", "022-99998888"], []


def rename_host(issue):
    host = PublicationHost.objects.get(publication=issue.publication, position=0)
    host.name = "天津滨海综合发展研究院"
    host.save()
    return ["天津滨海综合发展研究院"], []


def rename_editor(issue):
    editor = Editor.objects.get(name="甲编辑")
    editor.name = "甲编辑（已改名）"
    editor.save()
    return ["甲编辑（已改名）"], []


def remove_credit(issue):
    issue.credits.get(editor__name="乙编辑").delete()
    return [], ["乙编辑"]


def delete_article(issue):
    _article(issue, "广东探索跨境数据流动").delete()
    return [], ["广东探索跨境数据流动", "【广东】"]


def move_article_to_another_issue(issue):
    other = factories.issue(year=2024, number=6, total_number=206, status=Issue.Status.DRAFT)
    article = _article(issue, "广东探索跨境数据流动")
    article.issue = other
    article.save()
    return [], ["广东探索跨境数据流动"]


def change_issue_theme(issue):
    issue.theme = "绿色金融"
    issue.save()
    return ["绿色金融"], ["数字经济"]


def record_a_correction(issue):
    article = _article(issue, "上海推进数据要素市场建设")
    article.title = "上海推进数据要素市场建设（更正）"
    article.save()
    revisions.record(article, is_correction=True)
    return ["更正于", "（更正）"], []


CHANGES = [
    change_article_title,
    change_article_body,
    add_source,
    rename_outlet,
    change_figure_caption,
    rename_region,
    change_publication,
    change_issue_masthead,
    rename_host,
    rename_editor,
    remove_credit,
    delete_article,
    move_article_to_another_issue,
    change_issue_theme,
    record_a_correction,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_every_change_the_page_shows_is_served_on_the_next_request(client, issue, committed, change):
    served(client, issue)
    with committed():
        expected, absent = change(issue)
    assert_served_from_rendition(client, issue, *expected, absent=absent)


# --- the pager -----------------------------------------------------------------------------------


@pytest.fixture
def three_issues(committed):
    with committed():
        first = factories.issue(year=2024, number=1, total_number=101)
        middle = factories.issue(year=2024, number=2, total_number=102, status=Issue.Status.APPROVED)
        last = factories.issue(year=2024, number=3, total_number=103)
        for each in (first, middle, last):
            factories.article(each)
    return first, middle, last


def pager(client, issue):
    page, queries = served(client, issue)
    assert queries == 1
    previous = page.split('rel="prev" href="', 1)[1].split('"', 1)[0] if 'rel="prev"' in page else None
    following = page.split('rel="next" href="', 1)[1].split('"', 1)[0] if 'rel="next"' in page else None
    return previous, following


def test_publishing_an_issue_puts_it_in_its_neighbours_pagers(client, chief_user, three_issues, committed):
    first, middle, last = three_issues
    assert pager(client, first) == (None, last.get_absolute_url())
    with committed():
        workflow.perform(middle, "publish", by=chief_user)
    assert pager(client, first) == (None, middle.get_absolute_url())
    assert pager(client, middle) == (first.get_absolute_url(), last.get_absolute_url())
    assert pager(client, last) == (middle.get_absolute_url(), None)


def test_withdrawing_an_issue_takes_it_out_of_its_neighbours_pagers(client, chief_user, three_issues, committed):
    first, middle, last = three_issues
    with committed():
        workflow.perform(middle, "publish", by=chief_user)
    with committed():
        workflow.perform(middle, "withdraw", by=chief_user, comment="撤回测试")
    assert pager(client, first) == (None, last.get_absolute_url())
    assert pager(client, last) == (first.get_absolute_url(), None)


def test_a_scheduled_issue_enters_the_pager_when_due_without_any_write(client, chief_user, three_issues, committed):
    first, middle, last = three_issues
    go_live = timezone.now() + datetime.timedelta(hours=2)
    with committed():
        workflow.perform(middle, "schedule", by=chief_user, publish_at=go_live)
    assert pager(client, first) == (None, last.get_absolute_url())
    assert pager(client, last) == (first.get_absolute_url(), None)
    with time_machine.travel(go_live + datetime.timedelta(minutes=1), tick=False):
        assert pager(client, first) == (None, middle.get_absolute_url())
        assert pager(client, last) == (middle.get_absolute_url(), None)


def test_deleting_an_issue_takes_it_out_of_the_pagers(client, three_issues, committed):
    first, middle, last = three_issues
    with committed():
        middle.articles.all().delete()
        last.articles.all().delete()
        last.delete()
    assert pager(client, first) == (None, None)


# --- when a rendition is not used ----------------------------------------------------------------


def test_an_issue_written_without_signals_is_rendered_when_published(client, chief_user, committed):
    issue = factories.issue(status=Issue.Status.APPROVED)  # not committed: like a bulk import, no rendition
    factories.article(issue, title="批量导入的文章")
    assert not IssueRendition.objects.filter(issue=issue).exists()
    with committed():
        workflow.perform(issue, "publish", by=chief_user)
    assert_served_from_rendition(client, issue, "批量导入的文章")


def test_a_rendition_made_by_other_templates_is_not_served_and_migrate_renders_it_again(client, issue):
    IssueRendition.objects.filter(issue=issue).update(stamp="templates-of-an-older-release", html="<p>旧模板</p>")
    page, queries = served(client, issue)
    assert "旧模板" not in page and "上海推进数据要素市场建设" in page
    assert queries > 1  # rendered live from the rows
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what migrate ends with
    assert_served_from_rendition(client, issue, "上海推进数据要素市场建设", absent=["旧模板"])


def test_previews_show_the_rows_never_the_rendition(client, superuser, issue):
    IssueRendition.objects.filter(issue=issue).update(html="<p>只在渲染结果里的文字</p>")
    assert "只在渲染结果里的文字" in served(client, issue)[0]  # readers get the stored rendition
    client.force_login(superuser)
    preview = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/")
    assert preview.status_code == 200
    assert "只在渲染结果里的文字" not in preview.content.decode()
    assert "上海推进数据要素市场建设" in preview.content.decode()


def test_a_change_is_visible_through_the_page_cache_on_the_next_request(client, settings, issue, committed):
    settings.PAGE_CACHE_ENABLED = True
    assert client.get(issue.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(issue.get_absolute_url())["X-Page-Cache"] == "hit"
    with committed():
        change_article_title(issue)
    response = client.get(issue.get_absolute_url())
    assert "上海数据交易所改革提速" in response.content.decode()
