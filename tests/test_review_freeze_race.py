"""The freeze holds under any timing: an article save that began while its issue was still a draft,
and reaches the database after 提交审核 has taken the issue, is refused — the reviewer reads exactly
what was submitted. The decision is made again inside the save's transaction, on the locked issue row."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from newsletter import roles
from newsletter.models import Article, Issue
from newsletter.workflow import SUBMIT, perform
from tests import factories
from tests.factories import role_user
from tests.test_locking import article_form_data

S = Issue.Status


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="两个连接之间的行锁只在 PostgreSQL 上有意义；SQLite 串行写入。CI 会在 PostgreSQL 上运行此测试。",
)
@pytest.mark.django_db(transaction=True)
def test_an_article_save_that_lands_after_the_issue_was_submitted_is_refused():
    editor = role_user("editor_race", roles.EDITOR)
    issue = factories.issue(status=S.DRAFT, credits=False)
    article = factories.article(issue=issue, body="提交时的正文。")
    opened = Article.objects.get(pk=article.pk)
    page = Client()
    page.force_login(editor)
    outcome = {}

    def save_article_page():
        try:
            response = page.post(
                reverse("admin:newsletter_article_change", args=[article.pk]),
                article_form_data(opened, body="提交之后才写进去的正文。"),
            )
            outcome["status"] = response.status_code
        finally:
            connection.close()

    saver = threading.Thread(target=save_article_page)
    with transaction.atomic():
        perform(issue, SUBMIT, by=editor)  # holds the issue row until this block commits
        saver.start()
        saver.join(timeout=3)  # the save has read "草稿" and is on its way to the database
    saver.join(timeout=30)

    assert outcome.get("status") == 403, outcome
    stored = Article.objects.get(pk=article.pk)
    assert (stored.body, stored.version) == ("提交时的正文。", article.version)
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
