"""Review of issue 17: a withdrawal must make the figures and the PDF private again — in the request
that withdrew, as the PDF's private object already is — not whenever a worker gets to the sync task.

Real moto S3 (``bucket`` fixture), the database queue, the worker run by hand (``db_worker --batch``).
"""

import io
import signal
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache
from django.core.management import call_command

from newsletter import workflow
from newsletter.models import Issue, PublicFile
from tests import factories

pytestmark = pytest.mark.django_db


def fetch_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback moto)
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def run_worker_batch():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0, stdout=io.StringIO())
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


# The worker runs outside any test transaction, as in production: db_worker closes and checks connections.
@pytest.mark.django_db(transaction=True)
def test_a_withdrawn_issues_figure_stays_publicly_readable_in_the_bucket_until_a_worker_runs_the_sync(
    bucket, settings, chief_user, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cache.clear()
    issue = factories.issue(status=Issue.Status.APPROVED)
    figure = factories.figure(factories.article(issue))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Issue.objects.get(pk=issue.pk), workflow.PUBLISH, by=chief_user)
    run_worker_batch()  # the sync after publishing: the copy is made
    key = PublicFile.objects.get(source=figure.image.name).key
    copy_url = bucket.public_url(key)
    assert fetch_status(copy_url) == 200

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Issue.objects.get(pk=issue.pk), workflow.WITHDRAW, by=chief_user, comment="撤回核实")

    # The withdrawal has committed and answered the chief; the workflow promises 「图片不再公开」 at once.
    # The worker is busy elsewhere (or down): the copy must not depend on it.
    assert fetch_status(copy_url) in (403, 404), "withdrawn issue's figure is still public at its bucket address"
