"""Workflow email. Queued on ``signals.issue_event_recorded``, after the workflow's transaction commits,
as the task ``newsletter.tasks.send_workflow_email``: a slow or failing mail server never holds up
the request, and a failure is retried by the queue.

Who hears about what:
- submitted → reviewers (group 审核);
- changes requested or approved → the submitter; approved → also 主编;
- published or withdrawn → everyone involved (submitter, everyone who acted on the issue, article authors).
The person who made the move is not emailed about it.
"""


from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from . import review_summary, roles
from .absolute_urls import absolute_url
from .models import Article, Issue, IssueEvent
from .person_names import display_name, related
from .workflow import ACTION_LABELS

# "This event's e-mail reached this address": kept long enough to outlast every retry of the task.
DELIVERED_KEY = "newsletter:mail-delivered:{}:{}:{}"  # event id, its time (ids are reused after a restore), address
DELIVERED_SECONDS = 7 * 24 * 3600

SUBJECTS = {
    "submit": "【待审核】{issue} 已提交审核",
    "request_changes": "【退回修改】{issue} 需要修改",
    "approve": "【已通过】{issue} 已审核通过",
    "publish": "【已发布】{issue} 已发布",
    "publish_due": "【已发布】{issue} 已按计划发布",
    "withdraw": "【已撤回】{issue} 已撤回",
}


def _group_members(name):
    return list(get_user_model().objects.filter(groups__name=name, is_active=True).distinct())


def _involved(issue):
    User = get_user_model()
    ids = set(IssueEvent.objects.filter(issue=issue, actor__isnull=False).values_list("actor_id", flat=True))
    for created, updated in Article.objects.filter(issue=issue).values_list("created_by_id", "updated_by_id"):
        ids.update(i for i in (created, updated) if i)
    if issue.submitted_by_id:
        ids.add(issue.submitted_by_id)
    return list(User.objects.filter(pk__in=ids, is_active=True))


def recipients_for(event):
    issue = event.issue
    submitter = [issue.submitted_by] if issue.submitted_by_id and issue.submitted_by.is_active else []
    if event.action == "submit":
        users = _group_members(roles.REVIEWER)
    elif event.action == "request_changes":
        users = submitter
    elif event.action == "approve":
        users = submitter + _group_members(roles.CHIEF)
    elif event.action in ("publish", "publish_due", "withdraw"):
        users = _involved(issue)
    else:
        users = []
    addresses = []
    for user in users:
        if user.pk == event.actor_id or not user.email or user.email in addresses:
            continue
        addresses.append(user.email)
    return addresses


def _body(event):
    issue = event.issue
    actor = display_name(event.actor) or "系统"
    # Sent after the commit to people who are not on this request: the public address, not its host.
    admin_url = absolute_url(reverse("admin:newsletter_issue_change", args=[issue.pk]))
    lines = [
        f"{issue}",
        f"操作：{ACTION_LABELS.get(event.action, event.action)}",
        f"状态：{_label(event.from_status)} → {_label(event.to_status)}",
        f"操作人：{actor}",
    ]
    if event.comment:
        lines.append(f"意见：{event.comment}")
    if event.action == "submit":
        lines += _changes_since_last_submission(event)
    if event.action in ("publish", "publish_due"):
        lines.append("公开页面：" + absolute_url(issue.get_absolute_url()))
    lines += ["", f"在后台查看：{admin_url}"]
    return "\n".join(lines)


def _changes_since_last_submission(event):
    """For a resubmission, one line saying how much changed (the issue page shows what)."""
    earlier = (
        IssueEvent.objects.filter(issue_id=event.issue_id, action="submit", pk__lt=event.pk)
        .order_by("-pk")
        .values_list("snapshot", flat=True)
        .first()
    )
    if not earlier or not event.snapshot:
        return []
    summary = review_summary.compare(earlier, event.snapshot)
    if not summary:
        return ["与上次提交相比：没有修改。"]
    parts = [
        f"{label} {len(items)} 篇"
        for label, items in (
            ("新增", summary.added),
            ("删去", summary.removed),
            ("调整位置", summary.moved),
            ("修改", summary.edited),
        )
        if items
    ]
    if summary.credits:
        parts.append("署名有变化")
    if summary.issue_fields:
        parts.append("、".join(label for label, _, _ in summary.issue_fields) + "有变化")
    return [f"与上次提交相比：有 {summary.count} 处修改（{'，'.join(parts)}），详见期刊页顶部。"]


def _label(status):
    return Issue.Status(status).label if status in Issue.Status.values else status


def notify(event_pk):
    """Send the emails for one workflow event; returns how many. A failure raises: the queue retries it
    (the move itself has already happened)."""
    event = IssueEvent.objects.select_related("issue__publication", "issue__submitted_by", related("actor")).get(pk=event_pk)
    subject_template = SUBJECTS.get(event.action)
    if subject_template is None:
        return 0
    addresses = recipients_for(event)
    if not addresses:
        return 0
    subject = subject_template.format(issue=event.issue)
    body = _body(event)
    sent = 0
    with get_connection() as connection:
        # One message per person: recipients do not see each other's addresses. Each delivery is noted
        # in the shared cache, so that a retry after a refusal half-way sends only to those still waiting.
        for address in addresses:
            delivered = DELIVERED_KEY.format(event.pk, event.created_at.timestamp(), address)
            if cache.get(delivered):
                continue
            sent += EmailMessage(subject, body, to=[address], connection=connection).send() or 0
            cache.set(delivered, True, timeout=DELIVERED_SECONDS)
    return sent
