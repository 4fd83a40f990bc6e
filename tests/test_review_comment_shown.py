"""The reviewer's latest comment is where the editor looks first: at the top of the issue page and,
for an issue sent back, in 「我的工作」 on the admin home."""

import pytest
from django.urls import reverse

from newsletter.models import Issue
from newsletter.workflow import perform
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status


@pytest.fixture
def sent_back(editor_user, reviewer_user):
    issue = factories.issue(status=S.DRAFT)
    factories.article(issue)
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="第一次意见：标题太长。")
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="请补充第二篇的来源 <b>和日期</b>。")
    return issue


def test_the_latest_reviewer_comment_heads_the_issue_page(client, editor_user, sent_back):
    client.force_login(editor_user)
    html = client.get(reverse("admin:newsletter_issue_change", args=[sent_back.pk])).content.decode()
    start = html.index('class="review-comment"')
    assert start < html.index('id="issue_form"')  # above the form, not only in the log at the bottom
    note = html[start : html.index("</div>", start)]
    assert "最近的审核意见" in note and "请补充第二篇的来源 &lt;b&gt;和日期&lt;/b&gt;。" in note
    assert "第一次意见" not in note


def test_an_issue_sent_back_shows_the_comment_in_my_work(client, editor_user, sent_back):
    client.force_login(editor_user)
    html = client.get(reverse("admin:index")).content.decode()
    work = html[html.index('id="my-work"') :]
    assert "退回给我修改（1）" in work
    assert "请补充第二篇的来源 &lt;b&gt;和日期&lt;/b&gt;。" in work


def test_an_issue_never_sent_back_has_no_comment_box(client, editor_user):
    issue = factories.issue(status=S.DRAFT)
    client.force_login(editor_user)
    html = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    assert 'class="review-comment"' not in html
