"""What the reviewer reads (待审核) and passed (已通过) is what gets published: while an issue is in
either state nobody changes its content in the admin — not its fields, credits or article rows, not
its articles, their sources, figures or revisions, not which articles it holds. It is sent back
(退回修改) first. The pages say so at the top and show the content read-only."""

import pytest
from django.urls import reverse

from newsletter.models import Article, ArticleRevision, Issue, Source
from newsletter.workflow import perform
from tests import factories
from tests.test_inline_conflicts import inline_row, issue_page_data
from tests.test_locking import article_form_data

pytestmark = pytest.mark.django_db

S = Issue.Status
FROZEN = [S.IN_REVIEW, S.APPROVED]
EVERYONE = ["editor_user", "reviewer_user", "chief_user", "superuser"]


def frozen_issue(status):
    issue = factories.issue(status=status, credits=False, theme="原来的主题")
    article = factories.article(issue=issue, body="审核人员读到的正文。", title="审核人员读到的标题")
    return issue, article


def assert_refused(response):
    assert response.status_code == 403
    html = response.content.decode()
    assert "内容已冻结" in html and "请先由审核或主编“退回修改”" in html and "您的更改未保存。" in html


@pytest.mark.parametrize("status", FROZEN)
@pytest.mark.parametrize("user_fixture", EVERYONE)
def test_nobody_changes_an_article_or_its_sources_while_its_issue_is_reviewed_or_approved(
    client, request, status, user_fixture
):
    issue, article = frozen_issue(status)
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(
        reverse("admin:newsletter_article_change", args=[article.pk]),
        article_form_data(article, body="审核之后偷偷改的正文。", **{"sources-0-DELETE": "on"}),
    )
    assert_refused(response)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.body, stored.version) == ("审核人员读到的正文。", article.version)
    assert Source.objects.filter(article=article).count() == 1


@pytest.mark.parametrize("status", FROZEN)
@pytest.mark.parametrize("user_fixture", EVERYONE)
def test_nobody_changes_the_issue_page_its_credits_or_article_rows_while_reviewed_or_approved(
    client, request, status, user_fixture
):
    issue, article = frozen_issue(status)
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(
        reverse("admin:newsletter_issue_change", args=[issue.pk]),
        issue_page_data(
            Issue.objects.get(pk=issue.pk), [inline_row(article, article.version, title="改掉的标题")], theme="新主题"
        ),
    )
    assert_refused(response)
    assert Issue.objects.get(pk=issue.pk).theme == "原来的主题"
    assert Article.objects.get(pk=article.pk).title == "审核人员读到的标题"


@pytest.mark.parametrize("status", FROZEN)
def test_the_issue_and_article_pages_say_the_content_is_frozen_and_show_it_read_only(client, chief_user, status):
    issue, article = frozen_issue(status)
    client.force_login(chief_user)
    issue_page = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    article_page = client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    for html in (issue_page, article_page):
        assert 'class="errornote edit-refusal"' in html and "内容已冻结" in html
        assert 'name="_save"' not in html
    assert 'name="theme"' not in issue_page and 'name="articles-0-title"' not in issue_page
    assert 'name="body"' not in article_page and 'name="sources-0-url"' not in article_page
    assert 'data-action="request_changes"' in issue_page  # the way out is on the page


@pytest.mark.parametrize("status", FROZEN)
def test_restoring_a_revision_of_a_frozen_article_is_refused_with_the_reason(client, editor_user, status):
    issue = factories.issue(status=S.DRAFT, credits=False)
    article = factories.article(issue=issue, body="第一版。")
    client.force_login(editor_user)
    client.post(
        reverse("admin:newsletter_article_change", args=[article.pk]),
        article_form_data(Article.objects.get(pk=article.pk), body="第二版。"),
    )
    Issue.objects.filter(pk=issue.pk).update(status=status)
    oldest = ArticleRevision.objects.filter(article=article).last()
    response = client.post(reverse("admin:newsletter_article_revision_restore", args=[article.pk, oldest.pk]))
    assert_refused(response)
    assert Article.objects.get(pk=article.pk).body == "第二版。"


@pytest.mark.parametrize("status", FROZEN)
def test_an_article_cannot_be_moved_into_a_reviewed_or_approved_issue(client, chief_user, status):
    target, _ = frozen_issue(status)
    article = factories.article(issue=factories.issue(status=S.DRAFT, credits=False))
    client.force_login(chief_user)
    response = client.post(
        reverse("admin:newsletter_article_change", args=[article.pk]), article_form_data(article, issue=target.pk)
    )
    assert response.status_code == 200
    assert "内容已冻结" in response.content.decode()
    assert Article.objects.get(pk=article.pk).issue_id == article.issue_id


@pytest.mark.parametrize("status", FROZEN)
def test_a_frozen_article_cannot_be_deleted(client, chief_user, status):
    _, article = frozen_issue(status)
    client.force_login(chief_user)
    response = client.post(reverse("admin:newsletter_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_after_sending_it_back_the_editor_may_change_it_again_and_review_sees_the_new_text(
    client, editor_user, reviewer_user
):
    issue, article = frozen_issue(S.APPROVED)
    perform(issue, "request_changes", by=reviewer_user, comment="第二段数据需要核实。")
    client.force_login(editor_user)
    response = client.post(
        reverse("admin:newsletter_article_change", args=[article.pk]),
        article_form_data(Article.objects.get(pk=article.pk), body="核实后的正文。"),
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "核实后的正文。"
    perform(issue, "submit", by=editor_user)
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
