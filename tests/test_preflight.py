"""Before 「提交审核」 the editor sees what is still missing (the board's badges, an empty theme, an
issue over its page budget); submitting anyway is allowed and the list is recorded in the event."""

import pytest
from django.urls import reverse

from newsletter import workflow
from newsletter.models import Issue, IssueEvent
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status


def submit_url(issue):
    return reverse("admin:newsletter_issue_transition", args=[issue.pk, "submit"])


def incomplete_issue():
    issue = factories.issue(status=S.DRAFT, theme="")
    factories.article(issue, title="没有来源的文章", sources=())
    with_figure = factories.article(issue, title="图片未上传的文章")
    factories.figure(with_figure, with_image=False)
    return issue


def test_submitting_an_incomplete_issue_first_lists_what_is_missing_and_changes_nothing(client, editor_user):
    issue = incomplete_issue()
    client.force_login(editor_user)
    response = client.post(submit_url(issue), {"comment": ""})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("本期主题为空", "《没有来源的文章》：无来源", "《图片未上传的文章》：图缺图片"):
        assert text in html
    assert "仍然提交审核" in html and 'name="confirmed"' in html
    assert Issue.objects.get(pk=issue.pk).status == S.DRAFT
    assert not IssueEvent.objects.filter(issue=issue).exists()


def test_submitting_anyway_moves_the_issue_and_records_the_list_in_the_event(client, editor_user):
    issue = incomplete_issue()
    client.force_login(editor_user)
    response = client.post(submit_url(issue), {"comment": "", "confirmed": "True"})
    assert response.status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
    event = IssueEvent.objects.get(issue=issue, action="submit")
    assert event.comment.startswith("提交时尚未解决：")
    assert "本期主题为空" in event.comment and "《没有来源的文章》：无来源" in event.comment
    history = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    assert "《图片未上传的文章》：图缺图片" in history[history.index('id="workflow-history"') :]


def test_a_complete_issue_is_submitted_at_once_with_nothing_recorded(client, editor_user):
    issue = factories.issue(status=S.DRAFT, theme="低空经济")
    factories.article(issue)
    client.force_login(editor_user)
    assert client.post(submit_url(issue), {"comment": ""}).status_code == 302
    assert IssueEvent.objects.get(issue=issue, action="submit").comment == ""


def test_an_issue_over_its_page_budget_is_flagged_but_may_be_submitted(client, editor_user):
    publication = factories.publication(slug="tight", page_budget=3)
    issue = factories.issue(status=S.DRAFT, pub=publication, theme="很长的一期")
    factories.article(issue, body="\n\n".join(["长段落的文字。" * 40] * 30))
    client.force_login(editor_user)
    html = client.post(submit_url(issue), {"comment": ""}).content.decode()
    assert "超出预算 3 页" in html and "仍然提交审核" in html
    client.post(submit_url(issue), {"comment": "", "confirmed": "True"})
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW


def test_what_the_workflow_refuses_is_marked_as_blocking_and_offers_no_submit_button(client, editor_user):
    issue = factories.issue(status=S.DRAFT, theme="主题")
    factories.article(issue, title="空白文章", body="")
    client.force_login(editor_user)
    html = client.post(submit_url(issue), {"comment": ""}).content.decode()
    assert "《空白文章》：正文为空（必须先解决）" in html
    assert "仍然提交审核" not in html
    forced = client.post(submit_url(issue), {"comment": "", "confirmed": "True"}, follow=True)
    assert "以下文章不完整" in forced.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == S.DRAFT


def test_a_user_who_may_not_submit_is_refused_before_any_pre_flight_list(client, reviewer_user):
    issue = incomplete_issue()
    Issue.objects.filter(pk=issue.pk).update(status=S.APPROVED)
    client.force_login(reviewer_user)
    response = client.post(submit_url(issue), {"comment": ""}, follow=True)
    assert "不能提交审核" in response.content.decode()
    assert "本期主题为空" not in response.content.decode()


def test_submitting_through_the_workflow_service_records_the_list_too(editor_user):
    issue = incomplete_issue()
    event = workflow.perform(issue, workflow.SUBMIT, by=editor_user, comment="请重点看第二篇。")
    assert event.comment.startswith("请重点看第二篇。\n提交时尚未解决：")
