"""The editorial workflow: every action from every state by every role, preconditions, events, signals."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from newsletter import roles, workflow
from newsletter.models import Issue, IssueEvent
from newsletter.signals import public_content_changed
from newsletter.workflow import TransitionError, perform
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status
ROLES = ["editor", "reviewer", "chief", "superuser", "nobody"]

# The issue's table, written out here independently of the code under test.
TABLE = {
    "submit": ({"draft", "changes_requested"}, {"editor", "reviewer", "chief", "superuser"}, "in_review"),
    "request_changes": ({"in_review", "approved"}, {"reviewer", "chief", "superuser"}, "changes_requested"),
    "approve": ({"in_review"}, {"reviewer", "chief", "superuser"}, "approved"),
    "schedule": ({"approved"}, {"chief", "superuser"}, "scheduled"),
    "publish": ({"approved", "scheduled"}, {"chief", "superuser"}, "published"),
    "withdraw": ({"scheduled", "published"}, {"chief", "superuser"}, "withdrawn"),
    "reopen": ({"withdrawn", "approved"}, {"chief", "superuser"}, "draft"),
    # (scheduled, and the time still ahead: tests/test_workflow_reschedule.py covers the time that has passed)
    "reschedule": ({"scheduled"}, {"chief", "superuser"}, "scheduled"),
    "unschedule": ({"scheduled"}, {"chief", "superuser"}, "approved"),
}


def make_user(role, name=None):
    name = name or role
    if role == "superuser":
        return User.objects.create_superuser(name, f"{name}@example.com", "pw")
    user = User.objects.create_user(name, f"{name}@example.com", "pw", is_staff=True)
    group = {"editor": roles.EDITOR, "reviewer": roles.REVIEWER, "chief": roles.CHIEF}.get(role)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def ready_issue(status=S.DRAFT, submitted_by=None, **fields):
    # Complete (theme, section, body, source): submitting it records no pre-flight list in the comment.
    fields.setdefault("theme", "数据跨境")
    issue = factories.issue(status=status, submitted_by=submitted_by, **fields)
    factories.article(issue=issue, section="上海", title="浦东试点数据跨境便利化")
    return issue


def state_of(issue):
    issue.refresh_from_db()
    return (issue.status, issue.published_at, issue.submitted_by_id, issue.version, issue.updated_at)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(TABLE))
@pytest.mark.parametrize("state", S.values)
def test_every_action_from_every_state_by_every_role_follows_the_table(state, action, role):
    author = make_user("editor", "author")
    user = make_user(role)
    published_at = timezone.now() + datetime.timedelta(days=2) if state == S.SCHEDULED else None
    issue = ready_issue(status=state, submitted_by=author, published_at=published_at)
    sources, roles_allowed, target = TABLE[action]
    before = state_of(issue)
    kwargs = {"comment": "请核对第二篇的数据来源。"}
    if action in ("schedule", "reschedule"):
        kwargs["publish_at"] = timezone.now() + datetime.timedelta(days=1)

    if state in sources and role in roles_allowed:
        event = perform(issue, action, by=user, **kwargs)
        issue.refresh_from_db()
        assert issue.status == target
        assert issue.version == before[3] + 1
        assert list(IssueEvent.objects.filter(issue=issue)) == [event]
        assert (event.actor, event.action, event.from_status, event.to_status) == (user, action, state, target)
        assert event.comment == "请核对第二篇的数据来源。"
    else:
        with pytest.raises(TransitionError) as error:
            perform(issue, action, by=user, **kwargs)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error.value))  # the message is Chinese
        assert state_of(issue) == before
        assert not IssueEvent.objects.filter(issue=issue).exists()


def test_available_actions_match_the_table_for_each_role():
    author = make_user("editor", "author")
    users = {role: make_user(role) for role in ROLES}
    for state in S.values:
        published_at = timezone.now() + datetime.timedelta(days=2) if state == S.SCHEDULED else None
        issue = ready_issue(status=state, submitted_by=author, published_at=published_at)
        for role, user in users.items():
            expected = [a for a, (sources, allowed, _) in TABLE.items() if state in sources and role in allowed]
            assert workflow.available_actions(issue, user) == expected, (state, role)


def test_a_reviewer_cannot_approve_an_issue_they_submitted(reviewer_user):
    issue = ready_issue()
    perform(issue, "submit", by=reviewer_user)
    with pytest.raises(TransitionError, match="自己提交"):
        perform(issue, "approve", by=reviewer_user)
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
    assert "approve" not in workflow.available_actions(issue, reviewer_user)


def test_self_approval_is_allowed_when_the_setting_is_off(reviewer_user, settings):
    settings.NEWSLETTER_FORBID_SELF_APPROVAL = False
    issue = ready_issue()
    perform(issue, "submit", by=reviewer_user)
    perform(issue, "approve", by=reviewer_user)
    assert Issue.objects.get(pk=issue.pk).status == S.APPROVED


def test_submitting_needs_at_least_one_article(editor_user):
    issue = factories.issue(status=S.DRAFT)
    with pytest.raises(TransitionError, match="还没有文章"):
        perform(issue, "submit", by=editor_user)
    assert Issue.objects.get(pk=issue.pk).status == S.DRAFT


@pytest.mark.parametrize(
    "missing, changes", [("栏目", {"section": None}), ("标题", {"title": " "}), ("正文", {"body": "  \n"})]
)
def test_submitting_needs_section_title_and_body_in_every_article(editor_user, missing, changes):
    issue = ready_issue()
    incomplete = factories.article(issue=issue, title="一篇未写完的稿子")
    for field, value in changes.items():
        setattr(incomplete, field, value)
    incomplete.save()
    with pytest.raises(TransitionError, match=missing):
        perform(issue, "submit", by=editor_user)
    assert Issue.objects.get(pk=issue.pk).status == S.DRAFT
    assert not IssueEvent.objects.exists()


@pytest.mark.parametrize("action, state", [("request_changes", S.IN_REVIEW), ("withdraw", S.PUBLISHED)])
def test_moves_that_need_a_comment_refuse_an_empty_one(chief_user, action, state):
    issue = ready_issue(status=state)
    with pytest.raises(TransitionError, match="必须填写意见"):
        perform(issue, action, by=chief_user, comment="   ")
    assert Issue.objects.get(pk=issue.pk).status == state


def test_schedule_needs_a_time_in_the_future(chief_user):
    issue = ready_issue(status=S.APPROVED)
    with pytest.raises(TransitionError, match="晚于现在"):
        perform(issue, "schedule", by=chief_user, publish_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(TransitionError, match="发布时间"):
        perform(issue, "schedule", by=chief_user)
    assert Issue.objects.get(pk=issue.pk).status == S.APPROVED


def test_schedule_reads_a_naive_time_as_beijing_time(chief_user):
    issue = ready_issue(status=S.APPROVED)
    naive = datetime.datetime(2099, 3, 1, 9, 0)
    perform(issue, "schedule", by=chief_user, publish_at=naive)
    issue.refresh_from_db()
    assert issue.published_at == datetime.datetime(2099, 3, 1, 1, 0, tzinfo=datetime.UTC)


def test_the_whole_road_from_draft_to_published_records_each_step(editor_user, reviewer_user, chief_user):
    issue = ready_issue()
    perform(issue, "submit", by=editor_user)
    perform(issue, "request_changes", by=reviewer_user, comment="第二篇缺少来源日期。")
    perform(issue, "submit", by=editor_user, comment="已补充。")
    perform(issue, "approve", by=reviewer_user)
    before = timezone.now()
    perform(issue, "publish", by=chief_user)
    issue.refresh_from_db()
    assert issue.status == S.PUBLISHED and issue.published_at >= before
    assert issue.submitted_by == editor_user
    steps = list(IssueEvent.objects.filter(issue=issue).values_list("action", "from_status", "to_status", "actor"))
    assert steps == [
        ("submit", "draft", "in_review", editor_user.pk),
        ("request_changes", "in_review", "changes_requested", reviewer_user.pk),
        ("submit", "changes_requested", "in_review", editor_user.pk),
        ("approve", "in_review", "approved", reviewer_user.pk),
        ("publish", "approved", "published", chief_user.pk),
    ]
    assert Issue.objects.published().filter(pk=issue.pk).exists()


def test_a_stale_issue_object_cannot_repeat_a_move(chief_user):
    issue = ready_issue(status=S.APPROVED)
    stale = Issue.objects.get(pk=issue.pk)
    perform(issue, "publish", by=chief_user)
    with pytest.raises(TransitionError, match="已发布"):
        perform(stale, "publish", by=chief_user)
    assert IssueEvent.objects.filter(issue=issue).count() == 1


def test_an_unknown_action_is_refused_in_chinese(chief_user):
    issue = ready_issue(status=S.APPROVED)
    with pytest.raises(TransitionError, match="未知的操作"):
        perform(issue, "delete", by=chief_user)


@pytest.mark.parametrize(
    "state, action, kwargs, reason",
    [
        (S.APPROVED, "publish", {}, "publish"),
        (S.PUBLISHED, "withdraw", {"comment": "数据有误，暂时撤回。"}, "withdraw"),
    ],
)
def test_public_content_changed_is_sent_after_commit(
    chief_user, django_capture_on_commit_callbacks, state, action, kwargs, reason
):
    issue = ready_issue(status=state)
    received = []

    def listener(sender, issue, reason, **extra):
        received.append((issue.pk, reason))

    public_content_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            perform(issue, action, by=chief_user, **kwargs)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        public_content_changed.disconnect(listener)
    assert received == [(issue.pk, reason)]


def test_approving_does_not_send_public_content_changed(reviewer_user, django_capture_on_commit_callbacks):
    issue = ready_issue(status=S.IN_REVIEW)
    received = []
    public_content_changed.connect(received.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            perform(issue, "approve", by=reviewer_user)
    finally:
        public_content_changed.disconnect(received.append)
    assert received == []


def test_publish_scheduled_publishes_due_issues_once_and_records_the_event(django_capture_on_commit_callbacks):
    due = ready_issue(status=S.SCHEDULED, published_at=timezone.now() - datetime.timedelta(minutes=5))
    later = ready_issue(status=S.SCHEDULED, published_at=timezone.now() + datetime.timedelta(hours=5))
    received = []

    def listener(sender, issue, reason, **extra):
        received.append((issue.pk, reason))

    public_content_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            out = io.StringIO()
            call_command("publish_scheduled", stdout=out)
            call_command("publish_scheduled", stdout=io.StringIO())
    finally:
        public_content_changed.disconnect(listener)
    assert "本次发布 1 期" in out.getvalue()
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (S.PUBLISHED, S.SCHEDULED)
    events = list(IssueEvent.objects.values_list("issue", "action", "from_status", "to_status", "actor"))
    assert events == [(due.pk, "publish_due", "scheduled", "published", None)]
    assert received == [(due.pk, "schedule_due")]


def test_load_demo_has_issues_in_at_least_four_states_and_a_workflow_history():
    call_command("load_demo", stdout=io.StringIO())
    states = set(Issue.objects.values_list("status", flat=True))
    assert len(states) >= 4
    assert IssueEvent.objects.filter(issue__status=S.IN_REVIEW, action="submit").exists()
    call_command("load_demo", stdout=io.StringIO())
    assert set(Issue.objects.values_list("status", flat=True)) == states
