"""Rules the issue and article admins share: published content is the chief editor's to correct,
and a save that would overwrite someone else's newer save is refused."""

from django.contrib import messages
from django.shortcuts import redirect

from .. import locking
from ..models import Issue

# Once an issue has gone out, only 主编 (correct_published_issue) may change it or its articles.
LOCKED_STATES = (Issue.Status.SCHEDULED, Issue.Status.PUBLISHED, Issue.Status.WITHDRAWN)


def needs_correction_permission(issue):
    return issue is not None and issue.status in LOCKED_STATES


class EditorialGuardsMixin:
    """For a ModelAdmin whose objects belong to an issue (``issue_of`` says which)."""

    def issue_of(self, obj):
        raise NotImplementedError

    def _may_touch(self, request, obj):
        if obj is not None and needs_correction_permission(self.issue_of(obj)):
            return request.user.has_perm("newsletter.correct_published_issue")
        return True

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except locking.ConflictError as conflict:
            # Someone saved between our form check and our UPDATE: nothing of ours was written.
            messages.error(request, str(conflict))
            return redirect(request.path)
