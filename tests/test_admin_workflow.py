"""The workflow in the admin: badges and filter, exactly the allowed buttons, history, "my work"."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Issue, IssueEvent
from newsletter.workflow import perform
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status


def ready_issue(status=S.DRAFT, **fields):
    fields.setdefault("theme", "测试主题")  # complete: 提交审核 needs no pre-flight page
    issue = factories.issue(status=status, **fields)
    factories.article(issue=issue)
    return issue


def buttons(html):
    return sorted(re.findall(r'<form method="post" action="[^"]+" class="workflow-action" data-action="(\w+)"', html))


@pytest.mark.parametrize(
    "status, user_fixture, expected",
    [
        (S.DRAFT, "editor_user", ["submit"]),
        (S.IN_REVIEW, "editor_user", []),
        (S.IN_REVIEW, "reviewer_user", ["approve", "request_changes"]),
        (S.APPROVED, "reviewer_user", ["request_changes"]),
        (S.APPROVED, "chief_user", ["publish", "reopen", "request_changes", "schedule"]),
        (S.PUBLISHED, "chief_user", ["withdraw"]),
    ],
)
def test_the_issue_page_offers_exactly_the_moves_the_user_may_make(client, request, status, user_fixture, expected):
    issue = ready_issue(status=status)
    client.force_login(request.getfixturevalue(user_fixture))
    html = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    assert buttons(html) == expected
    if "request_changes" in expected:
        assert 'name="comment"' in html and "退回修改意见（必填）" in html
    if "schedule" in expected:
        assert 'type="datetime-local" name="publish_at"' in html


def test_pressing_a_button_moves_the_issue_and_the_history_shows_it(client, editor_user, reviewer_user):
    issue = ready_issue()
    client.force_login(editor_user)
    response = client.post(reverse("admin:newsletter_issue_transition", args=[issue.pk, "submit"]), {"comment": ""})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == S.IN_REVIEW
    client.force_login(reviewer_user)
    client.post(
        reverse("admin:newsletter_issue_transition", args=[issue.pk, "request_changes"]),
        {"comment": "请补充第一篇的来源链接。"},
    )
    html = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    history = html[html.index('id="workflow-history"') :]
    assert "提交审核" in history and "退回修改" in history and "请补充第一篇的来源链接。" in history
    assert "草稿 → 待审核" in history and "待审核 → 退回修改" in history


def test_a_refused_button_shows_the_reason_and_changes_nothing(client, editor_user):
    issue = ready_issue(status=S.APPROVED)
    client.force_login(editor_user)
    response = client.post(
        reverse("admin:newsletter_issue_transition", args=[issue.pk, "publish"]), {"comment": ""}, follow=True
    )
    assert "只有主编可以立即发布" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == S.APPROVED
    assert not IssueEvent.objects.exists()


def test_request_changes_without_a_comment_is_refused_in_the_admin(client, reviewer_user):
    issue = ready_issue(status=S.IN_REVIEW)
    client.force_login(reviewer_user)
    response = client.post(
        reverse("admin:newsletter_issue_transition", args=[issue.pk, "request_changes"]), {"comment": ""}, follow=True
    )
    assert "必须填写意见" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW


def test_the_issue_list_has_state_badges_and_a_state_filter(client, superuser):
    ready_issue(status=S.SCHEDULED, published_at=timezone.now() + datetime.timedelta(days=1))  # not yet live
    ready_issue(status=S.DRAFT)
    client.force_login(superuser)
    url = reverse("admin:newsletter_issue_changelist")
    html = client.get(url).content.decode()
    assert '<span class="status-badge status-scheduled">定时发布</span>' in html
    # Badge styles come with the page: the admin's stylesheet is linked and styles each state.
    assert "/static/newsletter/admin.css" in html
    assert ".status-scheduled" in Path(finders.find("newsletter/admin.css")).read_text(encoding="utf-8")
    filtered = client.get(url + "?status__exact=scheduled").content.decode()
    assert "status-badge status-scheduled" in filtered and "status-badge status-draft" not in filtered


def test_the_admin_home_shows_my_work(client, editor_user, reviewer_user, chief_user):
    waiting = ready_issue(theme="待审")
    perform(waiting, "submit", by=editor_user)
    sent_back = ready_issue()
    perform(sent_back, "submit", by=editor_user)
    perform(sent_back, "request_changes", by=reviewer_user, comment="请修改。")
    approved = ready_issue(status=S.IN_REVIEW, submitted_by=editor_user)
    perform(approved, "approve", by=reviewer_user)

    def section(html, heading):
        start = html.index(heading)
        return html[start : html.index("</ul>", start)] if "<ul>" in html[start : start + 200] else ""

    client.force_login(reviewer_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "我的工作" in html
    assert reverse("admin:newsletter_issue_change", args=[waiting.pk]) in section(html, "等待我审核")

    client.force_login(editor_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:newsletter_issue_change", args=[sent_back.pk]) in section(html, "退回给我修改")
    assert "等待我审核" not in html

    client.force_login(chief_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:newsletter_issue_change", args=[approved.pk]) in section(html, "已通过、等待发布")


def test_a_published_issue_is_read_only_for_an_editor(client, editor_user):
    issue = ready_issue(status=S.PUBLISHED, credits=False)
    client.force_login(editor_user)
    url = reverse("admin:newsletter_issue_change", args=[issue.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {"theme": "改"}).status_code == 403


def test_the_change_pages_include_the_shared_tool_slots(client, superuser):
    issue = ready_issue()
    article = issue.articles.get()
    client.force_login(superuser)
    issue_html = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    article_html = client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    assert re.search(r'<ul class="object-tools">.*预览（与读者所见相同）.*</ul>', issue_html, re.S)
    assert re.search(r'<ul class="object-tools">.*修订历史.*</ul>', article_html, re.S)
