"""The issue page's article rows claim each article's version, like the article page does: of an
article-page save and an issue-page save that both started from the same version, one is refused."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from newsletter import roles
from newsletter.models import Article, Issue
from tests import factories
from tests.factories import role_user
from tests.test_locking import article_form_data, issue_form_data

S = Issue.Status


def issue_page_data(issue, rows, **overrides):
    """What the issue page posts: its fields and the article rows as given (``rows``: dicts of inline fields)."""
    data = issue_form_data(issue, **{"articles-TOTAL_FORMS": len(rows), "articles-INITIAL_FORMS": len(rows)})
    for index, row in enumerate(rows):
        data.update({f"articles-{index}-{name}": value for name, value in row.items()})
    data.update(overrides)
    return data


def inline_row(article, seen_version, **overrides):
    row = {
        "id": article.pk,
        "issue": article.issue_id,
        "section": article.section_id,
        "position": article.position,
        "title": article.title,
        "short_title": article.short_title,
        "seen_version": seen_version,
    }
    row.update(overrides)
    return row


def seen_versions_on(html):
    """The version each article row of the issue page was opened at, by row index."""
    return {
        int(index): int(value) for index, value in re.findall(r'name="articles-(\d+)-seen_version" value="(\d+)"', html)
    }


@pytest.mark.django_db
def test_an_issue_page_save_of_an_article_row_saved_meanwhile_on_the_article_page_is_refused_and_keeps_the_typed_text(
    client, editor_user, chief_user
):
    issue = factories.issue(status=S.DRAFT, credits=False)
    article = factories.article(issue=issue, body="原来的正文。", title="原来的标题")
    issue_url = reverse("admin:newsletter_issue_change", args=[issue.pk])

    client.force_login(chief_user)
    opened = client.get(issue_url)
    assert opened.status_code == 200
    seen = seen_versions_on(opened.content.decode())
    assert seen == {0: article.version}, "每一行文章都要带上打开页面时的版本"
    opened_issue = Issue.objects.get(pk=issue.pk)

    client.force_login(editor_user)
    saved = client.post(
        reverse("admin:newsletter_article_change", args=[article.pk]),
        article_form_data(Article.objects.get(pk=article.pk), body="编辑甲在文章页面改写的正文。"),
    )
    assert saved.status_code == 302

    client.force_login(chief_user)
    refused = client.post(
        issue_url, issue_page_data(opened_issue, [inline_row(article, seen[0], title="主编乙在期刊页面改的标题")])
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "其他人已修改并保存了这篇文章" in html and "您的更改未保存" in html
    assert 'value="主编乙在期刊页面改的标题"' in html  # what was typed is still in its field
    diff_link = reverse("admin:newsletter_article_revision_diff", args=[article.pk]) + f"?since={seen[0]}"
    assert f'href="{diff_link}"' in html

    article.refresh_from_db()
    assert (article.body, article.title) == ("编辑甲在文章页面改写的正文。", "原来的标题")


@pytest.mark.django_db
def test_an_unchanged_article_row_does_not_block_saving_the_issue_page(client, editor_user, chief_user):
    issue = factories.issue(status=S.DRAFT, credits=False, theme="")
    article = factories.article(issue=issue, body="原来的正文。")
    opened_issue, seen = Issue.objects.get(pk=issue.pk), article.version

    client.force_login(editor_user)
    client.post(
        reverse("admin:newsletter_article_change", args=[article.pk]),
        article_form_data(Article.objects.get(pk=article.pk), body="改写后的正文。"),
    )
    client.force_login(chief_user)
    response = client.post(
        reverse("admin:newsletter_issue_change", args=[issue.pk]),
        issue_page_data(opened_issue, [inline_row(article, seen)], theme="城市更新"),
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    article.refresh_from_db()
    assert (issue.theme, article.body) == ("城市更新", "改写后的正文。")


@pytest.mark.django_db
def test_an_article_row_changed_on_the_issue_page_moves_the_articles_version_on(client, chief_user):
    issue = factories.issue(status=S.DRAFT, credits=False)
    article = factories.article(issue=issue, title="旧标题")
    client.force_login(chief_user)
    response = client.post(
        reverse("admin:newsletter_issue_change", args=[issue.pk]),
        issue_page_data(Issue.objects.get(pk=issue.pk), [inline_row(article, article.version, title="新标题")]),
    )
    assert response.status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.version) == ("新标题", article.version + 1)


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="两个连接同时写同一行只在 PostgreSQL 上真正并发；SQLite 串行写入。CI 会在 PostgreSQL 上运行此测试。",
)


def post_at_once(posts):
    """POST each (client, url, data) from its own thread and connection, released together; the statuses by name."""
    barrier = threading.Barrier(len(posts))
    statuses = {}

    def post(name, client, url, data):
        try:
            barrier.wait(timeout=10)
            statuses[name] = client.post(url, data).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name, *args)) for name, args in posts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_article_page_and_issue_page_saves_never_both_succeed_nor_lose_the_body():
    editor = role_user("editor_a", roles.EDITOR)
    chief = role_user("chief_b", roles.CHIEF)
    issue = factories.issue(status=S.DRAFT, credits=False)
    article_page, issue_page = Client(), Client()
    article_page.force_login(editor)
    issue_page.force_login(chief)
    for round_number in range(20):
        article = factories.article(issue=issue, body="原来的正文。", title=f"第{round_number}轮")
        opened_article = Article.objects.get(pk=article.pk)
        opened_issue = Issue.objects.get(pk=issue.pk)
        body, title = f"编辑甲第{round_number}轮的正文。", f"主编乙第{round_number}轮的标题"
        statuses = post_at_once(
            {
                "article": (
                    article_page,
                    reverse("admin:newsletter_article_change", args=[article.pk]),
                    article_form_data(opened_article, body=body),
                ),
                "issue": (
                    issue_page,
                    reverse("admin:newsletter_issue_change", args=[issue.pk]),
                    issue_page_data(opened_issue, [inline_row(opened_article, opened_article.version, title=title)]),
                ),
            }
        )
        stored = Article.objects.get(pk=article.pk)
        # One is saved; the other gets its page back with the conflict explained (not an error page).
        assert sorted(statuses.values()) == [200, 302], f"第{round_number}轮：{statuses}"
        told_saved = {name for name, status in statuses.items() if status == 302}
        if "article" in told_saved:
            assert (stored.body, stored.title) == (body, f"第{round_number}轮")
        else:
            assert (stored.body, stored.title) == ("原来的正文。", title)
        article.delete()
