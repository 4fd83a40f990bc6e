"""Signals other parts of the system listen to, so the workflow does not need to know them.

``public_content_changed`` is sent after the transaction commits, whenever what readers can see
changes: an issue published, withdrawn, corrected, or a scheduled issue becoming due. Listeners:
the page cache (bumps its version) and the print edition (regenerates the PDF).

``issue_event_recorded`` is sent after the transaction that recorded a workflow step commits.
Listener: the workflow email (queued by ``tasks``, written by ``notifications``), which needs the
workflow's labels, so the workflow does not import it back.
"""

from django.dispatch import Signal

# Arguments: issue, reason ("publish", "withdraw", "correction", "schedule_due", "region_change" …)
public_content_changed = Signal()

# Arguments: event_pk (an IssueEvent)
issue_event_recorded = Signal()


def is_new_draft(sender, instance, created):
    """A just-created draft issue is on no public page (an import writes one per file): listeners
    that keep public pages fresh skip its ``post_save``. Its rows get there when it goes out."""
    from .models import Issue

    return created and sender is Issue and instance.status == Issue.Status.DRAFT
