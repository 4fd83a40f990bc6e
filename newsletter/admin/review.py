"""「自上次提交以来的修改」 on the issue page and the count of changes in 我的工作: which two snapshots
are compared, read in a fixed number of queries (the comparison is newsletter/review_summary.py)."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from .. import person_names, review_snapshot, review_summary, workflow
from ..models import Issue, IssueEvent

S = Issue.Status

# Under review (and passed): the submission being read against the one before it. Being edited: the
# work so far against the last submission, so the editor sees what the reviewer will be shown.
UNDER_REVIEW = (S.IN_REVIEW, S.APPROVED)
BEING_EDITED = (S.DRAFT, S.CHANGES_REQUESTED)


def _submissions(issue_ids, per_issue):
    """{issue id: [the latest ``per_issue`` 提交审核 events, newest first]}."""
    ranked = (
        IssueEvent.objects.filter(issue_id__in=issue_ids, action=workflow.SUBMIT)
        .select_related(person_names.related("actor"))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("issue_id")], order_by=[F("created_at").desc(), F("pk").desc()])
        )
        .filter(rank__lte=per_issue)
        .order_by("issue_id", "rank")
    )
    found = {}
    for event in ranked:
        found.setdefault(event.issue_id, []).append(event)
    return found


def summary_context(issue):
    """Context for templates/admin/newsletter/issue/_change_summary.html; empty when there is no earlier
    submission to compare with (a first submission, or an issue that has left review)."""
    if issue is None or issue.status not in UNDER_REVIEW + BEING_EDITED:
        return {}
    events = _submissions([issue.pk], 2).get(issue.pk, [])
    if issue.status in UNDER_REVIEW:
        if len(events) < 2:
            return {}
        current, earlier = events
        new = current.snapshot
    else:
        if not events:
            return {}
        current, earlier = None, events[0]
        new = review_snapshot.take(issue)
    if earlier.snapshot is None or new is None:  # submitted before snapshots were kept
        return {"review_summary": {"earlier": earlier, "current": current, "unavailable": True}}
    return {
        "review_summary": {
            "earlier": earlier,
            "current": current,
            "summary": review_summary.compare(earlier.snapshot, new),
        }
    }


def change_counts(issues):
    """Set ``issue.review_change_count`` on each issue under review that was submitted before: how many
    things changed since that earlier submission (``None`` for a first submission)."""
    issues = list(issues)
    found = _submissions([issue.pk for issue in issues], 2)
    for issue in issues:
        events = found.get(issue.pk, [])
        if len(events) == 2 and all(event.snapshot is not None for event in events):
            issue.review_change_count = review_summary.compare(events[1].snapshot, events[0].snapshot).count
        else:
            issue.review_change_count = None
    return issues
