"""「立即发布」「定时发布」「撤回」 change what readers see: the admin first says what will happen and makes
the move only when the user confirms. Cancelling, or a refused move, writes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Issue, IssueEvent
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status


def move_url(issue, action):
    return reverse("admin:newsletter_issue_transition", args=[issue.pk, action])


def ready(status):
    issue = factories.issue(
        status=status, published_at=timezone.now() if status == S.PUBLISHED else None, theme="测试主题"
    )
    factories.article(issue)
    return issue


CASES = [
    ("publish", S.APPROVED, {}, "将立即对读者公开", "并生成印刷版 PDF", S.PUBLISHED),
    ("withdraw", S.PUBLISHED, {"comment": "数据有误。"}, "将立即从网站撤下", "分享预览链接随之失效", S.WITHDRAWN),
    (
        "schedule",
        S.APPROVED,
        {"publish_at": (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
        "将自动对读者公开",
        "仍可立即发布或撤回",
        S.SCHEDULED,
    ),
]


@pytest.mark.parametrize(("action", "status", "fields", "says", "also", "after"), CASES, ids=[c[0] for c in CASES])
def test_a_move_that_changes_what_readers_see_says_what_will_happen_and_waits_for_confirmation(
    client, chief_user, action, status, fields, says, also, after
):
    issue = ready(status)
    client.force_login(chief_user)
    asked = client.post(move_url(issue, action), {"comment": "", **fields})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert says in html and also in html
    assert 'name="confirmed"' in html and f"确认{asked.context['rule'].label}" in html
    assert reverse("admin:newsletter_issue_change", args=[issue.pk]) in html  # the way to cancel
    assert Issue.objects.get(pk=issue.pk).status == status
    assert not IssueEvent.objects.filter(issue=issue, action=action).exists()

    confirmed = client.post(move_url(issue, action), {"comment": "", **fields, "confirmed": "True"})
    assert confirmed.status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == after


def test_a_move_that_is_not_allowed_is_refused_before_any_confirmation(client, editor_user):
    issue = ready(S.APPROVED)
    client.force_login(editor_user)
    response = client.post(move_url(issue, "publish"), {"comment": ""}, follow=True)
    assert "只有主编可以立即发布" in response.content.decode()
    assert "确认立即发布" not in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == S.APPROVED


def test_withdrawing_without_a_comment_is_refused_before_the_confirmation(client, chief_user):
    issue = ready(S.PUBLISHED)
    client.force_login(chief_user)
    response = client.post(move_url(issue, "withdraw"), {"comment": "  "}, follow=True)
    assert "撤回时必须填写意见" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == S.PUBLISHED


def test_moves_inside_the_editorial_team_need_no_confirmation(client, editor_user):
    issue = ready(S.DRAFT)
    client.force_login(editor_user)
    response = client.post(move_url(issue, "submit"), {"comment": ""})
    assert response.status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
