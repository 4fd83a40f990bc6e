"""The editorial workflow: every change of ``Issue.status`` goes through ``perform``.

Each move locks the issue row, checks state, role and preconditions, changes the state and records
an ``IssueEvent`` in one transaction. Email and the ``public_content_changed`` signal are sent only
after the transaction commits, so a rolled-back move never tells anyone anything.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import board, review_snapshot
from .models import Issue, IssueEvent, PreviewLink
from .signals import issue_event_recorded, public_content_changed

S = Issue.Status

SUBMIT = "submit"
REQUEST_CHANGES = "request_changes"
APPROVE = "approve"
SCHEDULE = "schedule"
PUBLISH = "publish"
WITHDRAW = "withdraw"
REOPEN = "reopen"
RESCHEDULE = "reschedule"
UNSCHEDULE = "unschedule"
PUBLISH_DUE = "publish_due"  # recorded by ``publish_due`` (the cron job); not a user action


class TransitionError(Exception):
    """A move that is not allowed. The message is Chinese and meant for the user."""


@dataclass(frozen=True)
class Rule:
    label: str
    sources: tuple
    target: str
    permission: str  # "newsletter.<codename>"; superusers have every permission
    role_text: str
    needs_comment: bool = False
    # What readers will see change, said before the move is made (the admin asks to confirm it).
    consequence: str = ""


RULES = {
    SUBMIT: Rule(
        "提交审核", (S.DRAFT, S.CHANGES_REQUESTED), S.IN_REVIEW, "newsletter.change_issue", "编辑、审核或主编"
    ),
    REQUEST_CHANGES: Rule(
        "退回修改", (S.IN_REVIEW, S.APPROVED), S.CHANGES_REQUESTED, "newsletter.review_issue", "审核或主编", True
    ),
    APPROVE: Rule("审核通过", (S.IN_REVIEW,), S.APPROVED, "newsletter.review_issue", "审核或主编"),
    SCHEDULE: Rule(
        "定时发布",
        (S.APPROVED,),
        S.SCHEDULED,
        "newsletter.publish_issue",
        "主编",
        consequence="到了您填写的时间，本期将自动对读者公开（首页、往期、订阅、检索），并生成印刷版 PDF；"
        "在此之前主编仍可立即发布或撤回。",
    ),
    PUBLISH: Rule(
        "立即发布",
        (S.APPROVED, S.SCHEDULED),
        S.PUBLISHED,
        "newsletter.publish_issue",
        "主编",
        consequence="本期将立即对读者公开：出现在首页、往期、订阅和检索中，并生成印刷版 PDF，订阅者会收到新的一期。",
    ),
    WITHDRAW: Rule(
        "撤回",
        (S.SCHEDULED, S.PUBLISHED),
        S.WITHDRAWN,
        "newsletter.publish_issue",
        "主编",
        True,
        consequence="本期将立即从网站撤下：期刊页、文章页、订阅、检索和站点地图中都不再出现，印刷版 PDF 和图片不再公开，"
        "分享预览链接随之失效。",
    ),
    REOPEN: Rule("重新打开", (S.WITHDRAWN, S.APPROVED), S.DRAFT, "newsletter.publish_issue", "主编"),
    # Only while the scheduled time is still ahead (``check``, _BEFORE_GO_LIVE): once it has passed, readers
    # already see the issue and only 撤回 takes it back.
    RESCHEDULE: Rule(
        "修改发布时间",
        (S.SCHEDULED,),
        S.SCHEDULED,
        "newsletter.publish_issue",
        "主编",
        consequence="本期将改在您填写的新时间自动对读者公开（首页、往期、订阅、检索），并生成印刷版 PDF；"
        "在新时间之前读者仍看不到本期。",
    ),
    UNSCHEDULE: Rule(
        "取消定时发布",
        (S.SCHEDULED,),
        S.APPROVED,
        "newsletter.publish_issue",
        "主编",
        consequence="本期不会在原定时间上线，读者在网站、订阅和检索中都看不到本期；"
        "本期回到“已通过”状态，主编之后可以重新定时发布或立即发布。",
    ),
}

# Moves that act on a scheduled time that has not yet come.
_BEFORE_GO_LIVE = (PUBLISH, RESCHEDULE, UNSCHEDULE)

ACTION_LABELS = {name: rule.label for name, rule in RULES.items()} | {PUBLISH_DUE: "到时自动发布"}


def status_label(value):
    return S(value).label if value in S.values else value


def _user_may(user, rule):
    return bool(user and user.is_active and user.has_perm(rule.permission))


def _self_approval_forbidden(issue, user):
    return (
        getattr(settings, "NEWSLETTER_FORBID_SELF_APPROVAL", True)
        and issue.submitted_by_id is not None
        and issue.submitted_by_id == user.pk
    )


def check(issue, action, user):
    """Raise ``TransitionError`` if ``user`` may not take ``action`` on ``issue`` in its current state."""
    rule = RULES.get(action)
    if rule is None:
        raise TransitionError(f"未知的操作：{action}。")
    if issue.status not in rule.sources:
        allowed = "、".join(status_label(s) for s in rule.sources)
        raise TransitionError(
            f"本期当前状态为“{status_label(issue.status)}”，不能{rule.label}（只能从“{allowed}”状态{rule.label}）。"
        )
    if not _user_may(user, rule):
        raise TransitionError(f"只有{rule.role_text}可以{rule.label}。")
    if action == APPROVE and _self_approval_forbidden(issue, user):
        raise TransitionError("不能审核通过自己提交的期刊，请由其他审核人员审核。")
    if action in _BEFORE_GO_LIVE and issue.status == S.SCHEDULED and issue.is_public:
        when = timezone.localtime(issue.published_at).strftime("%Y-%m-%d %H:%M")
        raise TransitionError(
            f"本期已于 {when}（北京时间）按计划上线，读者已经可以看到，不能再{rule.label}；如需撤下，请使用“撤回”。"
        )


def available_actions(issue, user):
    """The actions ``user`` may take on ``issue`` now (state and role; content checks happen on submit)."""
    names = []
    for name in RULES:
        try:
            check(issue, name, user)
        except TransitionError:
            continue
        names.append(name)
    return names


def _check_ready_for_review(issue):
    problems = []
    articles = list(issue.articles.select_related("section").in_print_order())
    if not articles:
        raise TransitionError("本期还没有文章，不能提交审核。")
    for article in articles:
        missing = []
        if article.section_id is None:
            missing.append("栏目")
        if not article.title.strip():
            missing.append("标题")
        if not article.body.strip():
            missing.append("正文")
        if missing:
            problems.append(f"《{article.title.strip() or f'文章 {article.pk}'}》缺少{'、'.join(missing)}")
    if problems:
        raise TransitionError("以下文章不完整，不能提交审核：" + "；".join(problems) + "。")


def preflight_note(issue):
    """The pre-flight list of an issue being submitted as one line for the event, or "" when nothing is
    missing: whoever reviews it sees what the editor knowingly submitted without."""
    items = [item.text for item in board.preflight(Issue.objects.with_contents().get(pk=issue.pk))]
    return ("提交时尚未解决：" + "；".join(items) + "。") if items else ""


def perform(issue, action, *, by, comment="", publish_at=None):
    """Move ``issue`` by ``action`` on behalf of user ``by``. Returns the recorded ``IssueEvent``.

    Raises ``TransitionError`` (and changes nothing) when the move is not allowed.
    """
    comment = (comment or "").strip()
    rule = RULES.get(action)
    if rule is None:
        raise TransitionError(f"未知的操作：{action}。")
    now = timezone.now()
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        check(locked, action, by)
        if rule.needs_comment and not comment:
            raise TransitionError(f"{rule.label}时必须填写意见。")
        changes = {"status": rule.target}
        if action == SUBMIT:
            _check_ready_for_review(locked)
            changes["submitted_by"] = by
            comment = "\n".join(part for part in (comment, preflight_note(locked)) if part)
        elif action in (SCHEDULE, RESCHEDULE):
            if publish_at is None:
                raise TransitionError(f"{rule.label}需要填写发布时间。")
            if timezone.is_naive(publish_at):
                publish_at = timezone.make_aware(publish_at)
            if publish_at <= now:
                raise TransitionError(f"{rule.label}时，发布时间必须晚于现在。")
            changes["published_at"] = publish_at
        elif action == PUBLISH:
            changes["published_at"] = now
        elif action == UNSCHEDULE:
            changes["published_at"] = None
        from_status = locked.status
        # The conditional UPDATE is the last line of defence where row locks do nothing (SQLite). A
        # scheduled time that has come meanwhile (``publish_due``) also makes it match nothing.
        updated = Issue.objects.filter(pk=locked.pk, status=from_status, published_at=locked.published_at).update(
            version=F("version") + 1, updated_at=now, **changes
        )
        if updated != 1:
            raise TransitionError("本期的状态刚刚被其他人改变，请刷新页面后再试。")
        if action == WITHDRAW:
            # What was taken back is not shown through its share links either, even after reopening.
            PreviewLink.objects.filter(issue=locked, revoked_at__isnull=True).update(revoked_at=now)
        event = IssueEvent.objects.create(
            issue=locked,
            actor=by,
            action=action,
            from_status=from_status,
            to_status=rule.target,
            comment=comment,
            # Read under the issue's row lock, which every content save takes too (guards.lock_issues_for_edit).
            snapshot=review_snapshot.take(locked) if action == SUBMIT else None,
        )
        locked.refresh_from_db()
        _after_commit(locked, event)
    for field in ("status", "published_at", "submitted_by_id", "version", "updated_at"):
        setattr(issue, field, getattr(locked, field))
    return event


def _after_commit(issue, event):
    transaction.on_commit(lambda: issue_event_recorded.send(sender=IssueEvent, event_pk=event.pk))
    # "schedule" changes nothing readers see yet, but caches must learn when the issue goes live.
    # A new or cancelled time moves the moment the page cache must turn over (cache.bump notes it).
    reason = {
        PUBLISH: "publish",
        WITHDRAW: "withdraw",
        PUBLISH_DUE: "schedule_due",
        SCHEDULE: "schedule",
        RESCHEDULE: "schedule",
        UNSCHEDULE: "unschedule",
    }.get(event.action)
    if reason:
        transaction.on_commit(
            lambda: public_content_changed.send(sender=Issue, issue=issue, reason=reason), robust=True
        )


def publish_due(now=None):
    """Turn scheduled issues whose time has come into published ones. Idempotent; returns the events."""
    now = now or timezone.now()
    events = []
    due = Issue.objects.filter(status=S.SCHEDULED, published_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            locked = Issue.objects.select_for_update().filter(pk=pk).first()
            if locked is None or locked.status != S.SCHEDULED or locked.published_at > now:
                continue
            updated = Issue.objects.filter(pk=pk, status=S.SCHEDULED).update(
                status=S.PUBLISHED, version=F("version") + 1, updated_at=now
            )
            if updated != 1:
                continue
            event = IssueEvent.objects.create(
                issue=locked,
                actor=None,
                action=PUBLISH_DUE,
                from_status=S.SCHEDULED,
                to_status=S.PUBLISHED,
                comment="到达定时发布时间，自动发布。",
            )
            locked.refresh_from_db()
            _after_commit(locked, event)
            events.append(event)
    return events
