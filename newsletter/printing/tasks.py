"""Keep the stored PDF, and the bucket's public copies, in step with what readers can see.

``public_content_changed`` arrives after the workflow's transaction commits. Rendering takes seconds,
so the PDF is a task (``newsletter.tasks.generate_issue_pdf``) run by the worker — or in-process by
the immediate backend of ``make run`` and the tests. A withdrawal removes the PDF at once, in the
request that withdrew it: the view answers 404 from then on anyway.
"""

from django.db import transaction

from .. import task_queue, tasks
from . import pdf


def on_public_content_changed(sender, issue=None, reason="", **kwargs):
    if issue is None:
        return  # site-wide changes (a region renamed) reach each issue's PDF at its next correction
    issue_id = issue.pk
    if reason == "withdraw":
        transaction.on_commit(lambda: pdf.delete_stored_pdf(issue_id))
    else:
        task_queue.enqueue_on_commit(tasks.generate_issue_pdf, issue_id)
    # Public copies follow the state at once (withdrawn: deleted); a new PDF syncs again once stored.
    task_queue.enqueue_on_commit(tasks.sync_public_files, issue_id)
