"""Rules the issue and article admins share: who may change an issue's content in which state, and
a save that would overwrite someone else's newer save is refused."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .. import locking
from ..models import Issue

S = Issue.Status

# Once an issue has gone out, only 主编 (correct_published_issue) may change it or its articles.
LOCKED_STATES = (S.SCHEDULED, S.PUBLISHED, S.WITHDRAWN)

# What the reviewer reads (待审核) and passed (已通过) is what the chief publishes, so nobody changes
# it, the chief included: it goes back to 退回修改 first (possible from both states), and the
# history then shows that the content changed after review.
FROZEN_STATES = (S.IN_REVIEW, S.APPROVED)


def edit_refusal(issue, user):
    """Why ``user`` may not change ``issue``'s content (its fields, credits, articles, their sources and
    figures, revisions) now, as a Chinese sentence for the admin; ``None`` when they may."""
    if issue is None:
        return None
    if issue.status in FROZEN_STATES:
        return (
            f"本期处于“{issue.get_status_display()}”状态，内容已冻结：审核人员看到的就是将要发布的内容。"
            "如需修改，请先由审核或主编“退回修改”。"
        )
    if issue.status in LOCKED_STATES and not user.has_perm("newsletter.correct_published_issue"):
        return "该期已发布（或已定时发布、已撤回），只有主编可以向其中添加或更正文章。"
    return None


class EditRefused(Exception):
    """Raised inside a save's transaction when the issue's state no longer allows it; rolls it back."""

    def __init__(self, refusal):
        self.refusal = refusal
        super().__init__(refusal)


def lock_issues_for_edit(issue_ids, user):
    """Lock these issues' rows and check again that ``user`` may change their content.

    The page checked before the form was read, but 提交审核 may have taken the issue since: under the
    row lock that the workflow also takes, the answer is final until this transaction commits.
    """
    ids = sorted({pk for pk in issue_ids if pk})
    for issue in Issue.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        refusal = edit_refusal(issue, user)
        if refusal:
            raise EditRefused(refusal)


def refused_response(model_admin, request, refusal, back_url):
    """403 with the reason, for a write the issue's state does not allow; nothing was written."""
    context = {**model_admin.admin_site.each_context(request), "title": "未保存", "refusal": refusal}
    context["back_url"] = back_url
    return TemplateResponse(request, "admin/newsletter/edit_refused.html", context, status=403)


class EditorialGuardsMixin:
    """For a ModelAdmin whose objects belong to an issue (``issue_of`` says which)."""

    def issue_of(self, obj):
        raise NotImplementedError

    def refusal_for(self, request, obj):
        return edit_refusal(self.issue_of(obj), request.user) if obj is not None else None

    def has_change_permission(self, request, obj=None):
        # Without it the admin shows the page read-only, its tables included.
        return super().has_change_permission(request, obj) and self.refusal_for(request, obj) is None

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.refusal_for(request, obj) is None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        refusal = self.refusal_for(request, obj)
        if refusal and request.method == "POST":
            # Say why, instead of the bare 403 the admin gives a page that has turned read-only.
            return refused_response(self, request, refusal, request.path)
        extra_context = {**(extra_context or {}), **self.change_context(request, obj), "edit_refusal": refusal}
        return super().change_view(request, object_id, form_url, extra_context)

    def change_context(self, request, obj):
        """What the change page shows beside the form (``obj`` may be ``None``: the admin answers that)."""
        return {}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditRefused as refused:
            return refused_response(self, request, refused.refusal, request.path)
        except locking.ConflictError:
            pass
        # Someone saved between our form check and our UPDATE, and nothing of ours was written.
        # Showing the page again runs the check again, which now sees that save: the form comes
        # back with what was typed and a link to what changed.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except locking.ConflictError as conflict:
            messages.error(request, str(conflict))
            return redirect(request.path)
