"""Conflict-safe editing: of two people who opened the same page, the second save is refused."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from newsletter import locking
from newsletter.body_format import markdown_to_editor_html
from newsletter.models import Article, ArticleRevision, Issue
from tests import factories

pytestmark = pytest.mark.django_db


def article_form_data(article, **overrides):
    """What the admin's article page posts, for an article whose sources are all kept. The body is
    what the editor posts: HTML (a ``body`` override is posted as given; plain text is a paragraph)."""
    sources = list(article.sources.all())
    data = {
        "issue": article.issue_id or "",
        "section": article.section_id or "",
        "position": article.position,
        "title": article.title,
        "short_title": article.short_title,
        "slug": article.slug,
        "summary": article.summary,
        "body": markdown_to_editor_html(article.body),
        "regions": ", ".join(article.regions.names()),
        "topics": ", ".join(article.topics.names()),
        "seen_version": article.version,
        "sources-TOTAL_FORMS": len(sources),
        "sources-INITIAL_FORMS": len(sources),
        "figures-TOTAL_FORMS": 0,
        "figures-INITIAL_FORMS": 0,
    }
    for index, source in enumerate(sources):
        data.update(
            {
                f"sources-{index}-id": source.pk,
                f"sources-{index}-article": article.pk,
                f"sources-{index}-outlet": source.outlet_id,
                f"sources-{index}-date": source.date.isoformat() if source.date else "",
                f"sources-{index}-url": source.url,
                f"sources-{index}-position": source.position,
            }
        )
    data.update(overrides)
    return data


def issue_form_data(issue, **overrides):
    data = {
        "publication": issue.publication_id,
        "year": issue.year,
        "number": issue.number,
        "total_number": issue.total_number,
        "issue_date": issue.issue_date.isoformat(),
        "theme": issue.theme,
        "seen_version": issue.version,
        "hosts-TOTAL_FORMS": 0,
        "hosts-INITIAL_FORMS": 0,
        "credits-TOTAL_FORMS": 0,
        "credits-INITIAL_FORMS": 0,
        "articles-TOTAL_FORMS": 0,
        "articles-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_the_second_of_two_conflicting_article_saves_is_refused_and_the_first_stays(client, editor_user, chief_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT), body="原来的正文。")
    url = reverse("admin:newsletter_article_change", args=[article.pk])
    opened = Article.objects.get(pk=article.pk)  # both people open the page at version 1
    assert re.search(rf'name="seen_version" value="{opened.version}"', _page(client, editor_user, url))

    client.force_login(editor_user)
    first = client.post(url, article_form_data(opened, body="编辑甲改写后的正文。"))
    assert first.status_code == 302

    client.force_login(chief_user)
    second = client.post(url, article_form_data(opened, body="主编乙同时改写的正文。"))
    assert second.status_code == 200
    html = second.content.decode()
    assert "其他人已修改并保存了这篇文章" in html and "您的更改未保存" in html
    diff_link = reverse("admin:newsletter_article_revision_diff", args=[article.pk]) + f"?since={opened.version}"
    assert f'href="{diff_link}"' in html
    assert "主编乙同时改写的正文。" in html  # the refused input is still on the page to copy from

    article.refresh_from_db()
    assert article.body == "编辑甲改写后的正文。"
    assert article.version == opened.version + 1
    assert ArticleRevision.objects.filter(article=article).count() == 2  # before, and the first save

    diff = client.get(diff_link)
    assert diff.status_code == 200 and "编辑甲改写后的正文。" in diff.content.decode()


def test_saving_again_after_reloading_the_page_works(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    url = reverse("admin:newsletter_article_change", args=[article.pk])
    client.force_login(editor_user)
    assert client.post(url, article_form_data(article, body="第一次。")).status_code == 302
    article.refresh_from_db()
    assert client.post(url, article_form_data(article, body="第二次。")).status_code == 302
    article.refresh_from_db()
    assert (article.body, article.version) == ("第二次。", 3)


def test_the_second_of_two_conflicting_issue_saves_is_refused_and_the_first_stays(client, editor_user, chief_user):
    issue = factories.issue(status=Issue.Status.DRAFT, credits=False, theme="")
    opened = Issue.objects.get(pk=issue.pk)
    url = reverse("admin:newsletter_issue_change", args=[issue.pk])

    client.force_login(editor_user)
    assert client.post(url, issue_form_data(opened, theme="城市更新")).status_code == 302
    client.force_login(chief_user)
    second = client.post(url, issue_form_data(opened, theme="数据要素"))
    assert second.status_code == 200
    html = second.content.decode()
    assert "其他人已修改并保存了这期期刊" in html
    assert "当前为“城市更新”，您提交的是“数据要素”" in html
    issue.refresh_from_db()
    assert issue.theme == "城市更新"


def test_a_workflow_move_while_the_issue_page_is_open_makes_its_save_stale(client, editor_user, reviewer_user):
    from newsletter.workflow import perform

    issue = factories.issue(status=Issue.Status.DRAFT, credits=False)
    factories.article(issue=issue)
    opened = Issue.objects.get(pk=issue.pk)
    # Sent for review and back: the issue is editable again, but not from the page opened before.
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="请补充来源。")
    client.force_login(editor_user)
    response = client.post(
        reverse("admin:newsletter_issue_change", args=[issue.pk]),
        issue_form_data(opened, theme="改主题", **{"articles-TOTAL_FORMS": 0}),
    )
    assert response.status_code == 200 and "其他人已修改" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).theme == ""


def test_the_conditional_update_refuses_a_stale_version_and_writes_nothing():
    article = factories.article(body="甲")
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    with transaction.atomic():
        assert locking.claim(first, first.version) == 2
        first.body = "乙"
        first.save()
    with pytest.raises(locking.ConflictError) as conflict, transaction.atomic():
        locking.claim(second, second.version)
        second.body = "丙"
        second.save()
    assert "其他人已修改" in str(conflict.value)
    article.refresh_from_db()
    assert (article.body, article.version) == ("乙", 2)


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()
