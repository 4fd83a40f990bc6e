"""Revisions: every save keeps one, diffs show the changed text, restore brings old content back;
published content is corrected only by 主编, and every correction is marked and shown."""

import pytest
from django.urls import reverse

from newsletter import revisions
from newsletter.models import Article, ArticleRevision, Issue
from newsletter.signals import public_content_changed
from tests import factories
from tests.test_locking import article_form_data

pytestmark = pytest.mark.django_db

S = Issue.Status


def save_in_admin(client, user, article, **changes):
    article = Article.objects.get(pk=article.pk)
    response = client.post(
        reverse("admin:newsletter_article_change", args=[article.pk]), article_form_data(article, **changes)
    )
    return response


def test_every_admin_save_keeps_a_full_revision_including_sources(client, editor_user):
    article = factories.article(issue=factories.issue(status=S.DRAFT), body="第一版正文。")
    client.force_login(editor_user)
    assert save_in_admin(client, editor_user, article, body="第二版正文。").status_code == 302
    assert save_in_admin(client, editor_user, article, title="改过的标题").status_code == 302
    latest = ArticleRevision.objects.filter(article=article).first()
    assert latest.created_by == editor_user
    assert latest.data["title"] == "改过的标题" and latest.data["body"] == "第二版正文。"
    assert latest.data["sources"][0]["outlet"] == "测试日报"
    assert latest.data["sources"][0]["date"] == "2024-12-01"
    assert ArticleRevision.objects.filter(article=article).count() == 3  # baseline + two saves
    assert not latest.is_correction


def test_a_diff_between_two_revisions_shows_the_changed_text(client, editor_user):
    article = factories.article(body="深圳发布行动计划。\n\n提出培育一批终端产品。")
    old = revisions.record(article, by=editor_user)
    article.body = "深圳发布行动计划。\n\n提出培育十家龙头企业。"
    article.save()
    new = revisions.record(article, by=editor_user)
    text = revisions.diff_text(old, new)
    assert "- 提出培育一批终端产品。" in text and "+ 提出培育十家龙头企业。" in text
    assert "深圳发布行动计划" not in text.replace("  深圳发布行动计划。", "")  # unchanged line is context only

    client.force_login(editor_user)
    url = reverse("admin:newsletter_article_revision_diff", args=[article.pk]) + f"?a={old.pk}&b={new.pk}"
    html = client.get(url).content.decode()
    assert "<del>提出培育一批终端产品。</del>" in html and "<ins>提出培育十家龙头企业。</ins>" in html


def test_restore_brings_back_the_old_body_and_records_a_new_revision(client, editor_user):
    article = factories.article(issue=factories.issue(status=S.DRAFT), body="原始正文。")
    old = revisions.record(article, by=editor_user)
    client.force_login(editor_user)
    save_in_admin(client, editor_user, article, body="被改坏的正文。", **{"sources-0-DELETE": "on"})
    article.refresh_from_db()
    assert article.body == "被改坏的正文。" and not article.sources.exists()

    history = client.get(reverse("admin:newsletter_article_revisions", args=[article.pk])).content.decode()
    restore_url = reverse("admin:newsletter_article_revision_restore", args=[article.pk, old.pk])
    assert restore_url in history
    count = ArticleRevision.objects.filter(article=article).count()
    assert client.post(restore_url).status_code == 302
    article.refresh_from_db()
    assert article.body == "原始正文。"
    assert "原始正文" in article.body_html
    assert [s.outlet.name for s in article.sources.all()] == ["测试日报"]
    assert ArticleRevision.objects.filter(article=article).count() == count + 1
    assert ArticleRevision.objects.filter(article=article).first().note.startswith("恢复到")


def test_restore_is_refused_with_get(client, editor_user):
    article = factories.article()
    old = revisions.record(article)
    client.force_login(editor_user)
    url = reverse("admin:newsletter_article_revision_restore", args=[article.pk, old.pk])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("user_fixture", ["editor_user", "reviewer_user"])
def test_only_the_chief_editor_may_change_a_published_issues_articles(client, request, user_fixture):
    article = factories.article(issue=factories.issue(status=S.PUBLISHED), body="已发布的正文。")
    client.force_login(request.getfixturevalue(user_fixture))
    url = reverse("admin:newsletter_article_change", args=[article.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    assert save_in_admin(client, None, article, body="偷偷改掉").status_code == 403
    article.refresh_from_db()
    assert article.body == "已发布的正文。"


def test_an_editor_cannot_move_an_article_into_a_published_issue(client, editor_user):
    published = factories.issue(status=S.PUBLISHED)
    article = factories.article(issue=factories.issue(status=S.DRAFT))
    client.force_login(editor_user)
    response = save_in_admin(client, editor_user, article, issue=published.pk)
    assert response.status_code == 200 and "只有主编可以" in response.content.decode()
    assert Article.objects.get(pk=article.pk).issue_id != published.pk


def test_a_chief_editors_change_to_a_published_article_is_a_correction(
    client, chief_user, django_capture_on_commit_callbacks
):
    issue = factories.issue(status=S.PUBLISHED)
    article = factories.article(issue=issue, body="原文数据为 3.8 天。")
    received = []

    def listener(sender, issue, reason, **extra):
        received.append((issue.pk, reason))

    public_content_changed.connect(listener)
    client.force_login(chief_user)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = save_in_admin(client, chief_user, article, body="更正：数据为 3.6 天。")
    finally:
        public_content_changed.disconnect(listener)
    assert response.status_code == 302
    revision = ArticleRevision.objects.filter(article=article).first()
    assert revision.is_correction and revision.created_by == chief_user
    issue.refresh_from_db()
    assert issue.corrected_at is not None
    assert (issue.pk, "correction") in received
    history = client.get(reverse("admin:newsletter_article_revisions", args=[article.pk])).content.decode()
    assert "发布后更正" in history
    client.logout()
    public = client.get(issue.get_absolute_url()).content.decode()
    assert "更正于" in public and "更正：数据为 3.6 天。" in public


def test_changes_to_a_draft_are_not_corrections(client, editor_user):
    issue = factories.issue(status=S.DRAFT)
    article = factories.article(issue=issue)
    client.force_login(editor_user)
    save_in_admin(client, editor_user, article, body="草稿修改。")
    assert not ArticleRevision.objects.filter(is_correction=True).exists()
    issue.refresh_from_db()
    assert issue.corrected_at is None
