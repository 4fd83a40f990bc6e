"""The admin shows people by their names (编辑人员), not by their login names: the Editor linked to the
account, else the account's full name, the username only when neither is set."""

import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.urls import reverse

from newsletter import previews, revisions, roles
from newsletter.models import Editor, Issue
from newsletter.person_names import display_name
from newsletter.workflow import perform
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status


def staff(username, group_name, **names):
    user = User.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True, **names)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def people(db):
    editor = staff("login-ed-4711", roles.EDITOR)
    Editor.objects.create(name="林晓雯", user=editor)
    reviewer = staff("login-rev-4712", roles.REVIEWER, first_name="周志航")
    chief = staff("login-chief-4713", roles.CHIEF)
    return editor, reviewer, chief


def visible_text(html):
    """The page's text as people read it (no tags, no attribute values such as hidden inputs)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_a_user_is_named_by_editor_then_full_name_then_username(people):
    editor, reviewer, chief = people
    assert display_name(editor) == "林晓雯"
    assert display_name(reviewer) == "周志航"
    assert display_name(chief) == "login-chief-4713"
    assert display_name(None) == ""


def test_the_linked_editor_name_wins_over_the_account_full_name(people):
    editor, _, _ = people
    editor.first_name, editor.last_name = "Xiaowen", "Lin"
    editor.save()
    assert display_name(User.objects.get(pk=editor.pk)) == "林晓雯"


def test_issue_page_names_the_submitter_the_reviewer_and_the_link_creator(client, people):
    editor, reviewer, _ = people
    issue = factories.issue(status=S.DRAFT)
    factories.article(issue)
    perform(issue, "submit", by=editor)
    perform(issue, "request_changes", by=reviewer, comment="请补充来源。")
    previews.create_link(issue, reviewer)
    client.force_login(editor)
    html = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    text = visible_text(html)
    note = html[html.index('class="review-comment"') :]
    assert "周志航" in note[: note.index("</div>")]  # the latest comment's author
    history = html[html.index('id="workflow-history"') :]
    assert "林晓雯" in history and "周志航" in history
    links = html[html.index('id="preview-links"') : html.index('id="workflow-history"')]
    assert "周志航" in visible_text(links)
    submitted = html[html.index("field-submitted_by_name") :]
    assert "林晓雯" in submitted[: submitted.index("</div>\n")]
    assert "欢迎，" in text and "林晓雯" in text[text.index("欢迎，") :][:40]
    assert "login-ed-4711" not in text and "login-rev-4712" not in text


def test_home_page_my_work_names_who_submitted_an_issue(client, people):
    editor, reviewer, _ = people
    issue = factories.issue(status=S.DRAFT)
    factories.article(issue)
    perform(issue, "submit", by=editor)
    client.force_login(reviewer)
    text = visible_text(client.get(reverse("admin:index")).content.decode())
    work = text[text.index("我的工作") :]
    assert "林晓雯 提交" in work
    assert "login-ed-4711" not in text


def test_article_page_revisions_and_diff_name_who_made_each_version(client, people):
    editor, reviewer, chief = people
    article = factories.article(factories.issue(status=S.DRAFT), created_by=editor, updated_by=reviewer)
    revisions.record(article, by=editor, note="第一版")
    article.body += "\n\n补充一段。"
    article.save()
    revisions.record(article, by=chief, note="第二版")
    client.force_login(editor)

    change = visible_text(client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode())
    assert "林晓雯" in change and "周志航" in change

    history = visible_text(
        client.get(reverse("admin:newsletter_article_revisions", args=[article.pk])).content.decode()
    )
    assert "林晓雯" in history and "login-chief-4713" in history  # no name at all: the username, last resort

    diff_url = reverse("admin:newsletter_article_revision_diff", args=[article.pk]) + "?since=0"
    diff = visible_text(client.get(diff_url).content.decode())
    assert "林晓雯" in diff
    assert "login-ed-4711" not in change + history + diff
    assert "login-rev-4712" not in change


def test_the_admin_change_history_names_the_person(client, people):
    editor, _, _ = people
    issue = factories.issue(status=S.DRAFT)
    LogEntry.objects.log_actions(user_id=editor.pk, queryset=[issue], action_flag=CHANGE, change_message="修改了主题。")
    client.force_login(editor)
    text = visible_text(client.get(reverse("admin:newsletter_issue_history", args=[issue.pk])).content.decode())
    assert "林晓雯" in text
    assert "login-ed-4711" not in text


def test_demo_accounts_have_names(demo):
    assert [display_name(User.objects.get(username=name)) for name in ("editor", "reviewer", "chief")] == [
        "林晓雯",
        "周志航",
        "王立群",
    ]
    assert User.objects.get(username="editor").get_full_name() == "林晓雯"
