"""Every background task of the site, defined in one place (django-tasks' ``@task``).

Each task takes only ids, is idempotent (running it twice leaves the same state) and, when a change
calls for it, is enqueued with ``transaction.on_commit`` (``task_queue.enqueue_on_commit``), so a
rolled-back change queues nothing. A missing PDF (``queue_pdf_once``) follows no change: queued at once.
Retries, back-off and lost-task recovery are ``task_queue``'s; which backend runs them is settings'
(``TASK_BACKEND``: in-process by default, the database queue and ``run_worker`` in production).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import cache as page_cache
from . import notifications, public_files, task_queue, workflow
from .models import Issue, PublicFile
from .printing import pdf, support
from .storage import bucket_storage

logger = logging.getLogger(__name__)

PDF_QUEUED_KEY = "newsletter:pdf-queued:{}"


@task
@task_queue.retried
def generate_issue_pdf(issue_id):
    """Store the PDF of what is public now, or remove it if the issue is public no more; returns its name."""
    if not Issue.objects.published().filter(pk=issue_id).exists():
        # Withdrawn (or never public) by the time this ran: whatever PDF it had must not stay, on
        # any host — even one that could not render a new one.
        pdf.delete_stored_pdf(issue_id)
        return ""
    if not support.pdf_available():
        # Not a failure to retry: the fonts or libraries will not appear by themselves.
        logger.warning("未生成印刷版 PDF（期刊 %s）：%s", issue_id, support.unavailable_reason())
        return ""
    name = pdf.generate_stored_pdf(issue_id)
    if name:
        # The issue page's link says 「正在生成」 until now (newsletter/templatetags/print_edition.py).
        page_cache.bump("印刷版 PDF 已生成", schedule_may_change=False)
        if bucket_storage(default_storage) is not None:
            # The new file gets its public copy, the old one loses its copy.
            task_queue.enqueue_on_commit(sync_public_files, issue_id)
    return name


@task
@task_queue.retried
def sync_public_files(issue_id):
    """Make the bucket's public copies of the issue's figures and PDF match whether it is public."""
    public_files.sync_issue(issue_id)


@task
@task_queue.retried
def send_workflow_email(event_pk):
    """The e-mail of one workflow event, sent once: an attempt that already succeeded is not repeated."""
    if task_queue.already_succeeded(send_workflow_email, [event_pk]):
        return 0
    return notifications.notify(event_pk)


@task
@task_queue.retried
def publish_due():
    """Publish the scheduled issues whose time has come (what ``manage.py publish_scheduled`` does)."""
    return [event.issue_id for event in workflow.publish_due()]


def on_public_content_changed(sender, issue=None, reason="", **kwargs):
    """Receiver of ``signals.public_content_changed``: the stored PDF and the public copies follow.

    Rendering takes seconds, so the PDF is a task. A withdrawal removes the PDF at once, in the
    request that withdrew it: the view answers 404 from then on anyway.
    """
    if issue is None:
        return  # site-wide changes (a region renamed) reach each issue's PDF at its next correction
    issue_id = issue.pk
    bucket = bucket_storage(default_storage) is not None
    if reason == "withdraw":
        transaction.on_commit(lambda: pdf.delete_stored_pdf(issue_id))
        if bucket:
            # 「图片不再公开」 at once, not when a worker gets to it (busy, or down): the copies are
            # deleted in the request that withdrew; the task below is the backstop if the bucket fails now.
            transaction.on_commit(lambda: _remove_public_copies_now(issue_id))
    else:
        task_queue.enqueue_on_commit(generate_issue_pdf, issue_id)
    # Public copies follow the state (withdrawn: deleted); a new PDF syncs again once stored.
    if bucket:
        task_queue.enqueue_on_commit(sync_public_files, issue_id)


def _remove_public_copies_now(issue_id):
    try:
        public_files.sync_issue(issue_id)
    except Exception:
        logger.exception("撤回期刊 %s 时未能立即删除公开副本，已交给后台任务重试。", issue_id)


def on_issue_event_recorded(sender, event_pk, **kwargs):
    """Receiver of ``signals.issue_event_recorded``: the event's e-mail goes out as a task."""
    task_queue.enqueue_on_commit(send_workflow_email, event_pk)


def queue_pdf_once(issue_id):
    """Enqueue the PDF of an issue unless that was done within the lease; True when enqueued now.

    Readers who ask for a missing PDF and the worker's tick both come here: however many ask, one
    task is queued per issue per ``TASK_LEASE_SECONDS`` (a shared cache — Redis — makes that hold
    across web replicas), and none while one is still queued or running.
    """
    key = PDF_QUEUED_KEY.format(issue_id)
    if not cache.add(key, 1, timeout=settings.TASK_LEASE_SECONDS):
        return False
    if task_queue.pending(generate_issue_pdf, [issue_id]):
        return False  # a render slower than the lease is still queued or running: no twin (the key stays)
    # At once, not on commit: nothing is being changed here that the task must wait for (the issue
    # is public already), and the reader's request with the immediate backend serves the result.
    generate_issue_pdf.enqueue(issue_id)
    if not task_queue.uses_database_queue(generate_issue_pdf):
        cache.delete(key)  # it has already run, in-process: the next missing PDF may be asked for again
    return True


def queue_missing_pdfs():
    """The worker's duty: every public issue without a stored PDF gets one queued. Returns the ids."""
    missing = Issue.objects.published().filter(pdf="").values_list("pk", flat=True)
    return [pk for pk in missing if queue_pdf_once(pk)]


def queue_stale_public_copies():
    """The worker's duty: copies left public for an issue that is not public (a sync that failed all its
    attempts, a bucket that was down at the withdrawal) get a sync queued. Returns the issue ids."""
    if bucket_storage(default_storage) is None:
        return []
    public = Issue.objects.published().values("pk")
    stale = PublicFile.objects.exclude(issue_id__in=public).values_list("issue_id", flat=True).distinct()
    queued = []
    for issue_id in stale:
        if not task_queue.pending(sync_public_files, [issue_id]):
            sync_public_files.enqueue(issue_id)
            queued.append(issue_id)
    return queued


def periodic_duties():
    """What ``run_worker`` does every ``WORKER_TICK_SECONDS``, besides running tasks. Returns a summary.

    Scheduled issues that are due get ``publish_due`` queued (only then: no row every tick for
    nothing); results RUNNING past the lease are failed and retried; public issues without a PDF
    get one queued; copies left public for an issue that is not public get a sync queued.
    """
    recovered = task_queue.recover_lost()
    due = Issue.objects.filter(status=Issue.Status.SCHEDULED, published_at__lte=timezone.now()).exists()
    if due:
        task_queue.enqueue_on_commit(publish_due)
    return {
        "recovered": recovered,
        "publish_due": due,
        "pdfs": queue_missing_pdfs(),
        "stale_copies": queue_stale_public_copies(),
    }
