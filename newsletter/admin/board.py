"""The issue board in the admin: its context on the issue page, moving an article within its section
or to another one (drag and drop or the keyboard in ``static/newsletter/board.js``), and moving a
section up or down in the issue's own section order (``models.sections``), each saved at once.

A move is one atomic write: the issue row locked and its state checked again (the frozen-issue
guard), every article of the two sections checked against the version the page last saw (the same
optimistic locks as the article page and the issue page's table), positions renumbered in both
sections and each written article's version bumped. A section move is checked against the section
order the page last saw. Any refusal writes nothing.
"""

import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from regions.models import Region

from .. import board, derived, locking, revisions
from ..models import Article, Issue, sections
from .guards import EditRefused, edit_refusal, lock_issues_for_edit

CONFLICT_MESSAGE = (
    "其他人在您打开本页之后修改了这些栏目中的文章，您的移动未保存。看板已按最新内容重新载入，请再试一次。"
)
SECTION_CONFLICT_MESSAGE = (
    "其他人在您打开本页之后调整了本期的栏目，您的调整未保存。看板已按最新内容重新载入，请再试一次。"
)


class MoveRefused(Exception):
    def __init__(self, message, status=400):
        self.message, self.status = message, status
        super().__init__(message)


def board_context(request, issue):
    """What the issue page's board shows (the issue as readers see it), or {} on the add page."""
    if issue is None:
        return {}
    loaded = Issue.objects.with_contents().get(pk=issue.pk)
    data = board.board_for(loaded)
    may_move = edit_refusal(issue, request.user) is None and request.user.has_perm("newsletter.change_article")
    return {
        "board": data,
        "board_may_move": may_move,
        "board_move_url": reverse("admin:newsletter_issue_board_move", args=[issue.pk]),
        "board_section_url": reverse("admin:newsletter_issue_board_section", args=[issue.pk]),
        "board_state": state_of(data),
    }


def state_of(data):
    """Positions and versions of the board's articles, as the page keeps them (json_script)."""
    return {
        "order": [section.id for section in data.sections if section.id is not None],
        "sections": [
            {
                "id": section.id,
                "name": section.name,
                "articles": [{"id": c.id, "position": c.position, "version": c.version} for c in section.cards],
            }
            for section in data.sections
        ],
    }


def _parse(request):
    try:
        payload = json.loads(request.body.decode("utf-8"))
        article_id = int(payload["article"])
        section_id = int(payload["section"])
        index = int(payload["index"])
        versions = {int(key): int(value) for key, value in dict(payload["versions"]).items()}
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise MoveRefused("请求的格式不正确：需要文章、目标栏目、目标位置和页面看到的版本。") from None
    if index < 0:
        raise MoveRefused("目标位置不能为负数。")
    return article_id, section_id, index, versions


def move_article(issue, user, article_id, section_id, index, versions):
    """Put article ``article_id`` of ``issue`` at ``index`` (0-based) of section ``section_id``.

    ``versions`` maps every article of the source and target sections to the version the page saw.
    Raises ``MoveRefused``, ``EditRefused`` or ``locking.ConflictError``; writes nothing then.
    """
    with transaction.atomic(), derived.deferred():
        lock_issues_for_edit([issue.pk], user)
        target = Region.objects.filter(pk=section_id).first()
        if target is None:
            raise MoveRefused("目标栏目不存在。")
        article = Article.objects.select_for_update(of=("self",)).filter(pk=article_id, issue=issue).first()
        if article is None:
            raise MoveRefused("这篇文章不在本期中。", status=404)
        source_id = article.section_id
        touched = list(
            Article.objects.select_for_update(of=("self",))
            .filter(issue=issue, section_id__in={source_id, section_id} - {None})
            .order_by("position", "pk")  # no join: PostgreSQL locks no row of a nullable join's side
        )
        if source_id is None:
            touched.append(article)
        for row in touched:
            if versions.get(row.pk) != row.version:
                raise locking.ConflictError(row, versions.get(row.pk))
        source = [row for row in touched if row.section_id == source_id and row.pk != article.pk]
        target_rows = source if source_id == section_id else [row for row in touched if row.section_id == section_id]
        target_rows.insert(min(index, len(target_rows)), article)
        article.section = target
        changed = []
        for rows in ({id(source): source, id(target_rows): target_rows}).values():
            for position, row in enumerate(rows, start=1):
                if row.position != position or row is article:
                    row.position = position
                    changed.append(row)
        for row in changed:
            locking.claim(row, row.version)
            fields = (
                ["section", "position", "updated_by", "updated_at"] if row is article else ["position", "updated_at"]
            )
            row.updated_by = user if row is article else row.updated_by
            row.save(update_fields=fields)
        revisions.record(article, by=user, note="在期刊看板移动")
    return article


def move_view(model_admin, request, object_id):
    """``POST /admin/newsletter/issue/<id>/board/move/`` (JSON) → the board's new state, or an error."""
    return _board_post(
        request,
        object_id,
        action="移动",
        permissions=("newsletter.change_article", "newsletter.change_issue"),
        write=lambda issue: move_article(issue, request.user, *_parse(request)),
        conflict=(locking.ConflictError, CONFLICT_MESSAGE),
        saved="已保存新的顺序。",
    )


def _board_post(request, object_id, *, action, permissions, write, conflict, saved):
    """What the board's endpoints share: POST only, the permissions, the frozen-issue guard, then
    ``write(issue)`` with its refusals answered as JSON errors (``conflict`` is the exception of a
    page that no longer shows the current state, and its message: 409), else the board's new state."""
    if request.method != "POST":
        return JsonResponse({"error": f"请使用 POST 提交{action}。"}, status=405)
    issue = get_object_or_404(Issue, pk=object_id)
    if not all(request.user.has_perm(permission) for permission in permissions):
        raise PermissionDenied
    refusal = edit_refusal(issue, request.user)
    if refusal:
        return JsonResponse({"error": refusal}, status=403)
    conflict_type, conflict_message = conflict
    try:
        write(issue)
    except MoveRefused as refused:
        return JsonResponse({"error": refused.message}, status=refused.status)
    except EditRefused as refused:
        return JsonResponse({"error": refused.refusal}, status=403)
    except conflict_type:
        return JsonResponse({"error": conflict_message, "conflict": True}, status=409)
    data = board.board_for(Issue.objects.with_contents().get(pk=issue.pk), choices=[])
    return JsonResponse({"message": saved, **state_of(data)})


class SectionConflict(Exception):
    """The issue's section order is no longer the one the page saw."""


def _parse_section(request):
    try:
        payload = json.loads(request.body.decode("utf-8"))
        section_id = int(payload["section"])
        direction = payload["direction"]
        seen = [int(pk) for pk in payload["order"]]
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise MoveRefused("请求的格式不正确：需要栏目、方向和页面看到的栏目顺序。") from None
    if direction not in ("up", "down"):
        raise MoveRefused("方向只能是上移或下移。")
    return section_id, direction, seen


def move_section(issue, user, section_id, direction, seen):
    """Move section ``section_id`` one place up or down in ``issue``'s section order.

    ``seen`` is the order of the issue's sections as the page showed them. Raises ``MoveRefused``,
    ``EditRefused`` or ``SectionConflict``; writes nothing then. Figures are renumbered by the owner.
    """
    with transaction.atomic(), derived.deferred():
        lock_issues_for_edit([issue.pk], user)
        sections.complete([issue.pk])  # every section in use has its row before the order is rewritten
        current = sections.used_in_order(issue.pk)
        if current != seen:
            raise SectionConflict
        if section_id not in current:
            raise MoveRefused("本期没有这个栏目。", status=404)
        index = current.index(section_id)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(current):
            raise MoveRefused("已经是本期的第一个栏目。" if direction == "up" else "已经是本期的最后一个栏目。")
        current[index], current[target] = current[target], current[index]
        sections.reorder(issue.pk, current)


def section_view(model_admin, request, object_id):
    """``POST /admin/newsletter/issue/<id>/board/section/`` (JSON) → the board's new state, or an error."""
    return _board_post(
        request,
        object_id,
        action="调整",
        permissions=("newsletter.change_issue",),
        write=lambda issue: move_section(issue, request.user, *_parse_section(request)),
        conflict=(SectionConflict, SECTION_CONFLICT_MESSAGE),
        saved="已保存新的栏目顺序。",
    )
