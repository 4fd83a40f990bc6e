"""The task queue (issue 17) on the database backend: enqueued on commit, run by the worker, retried
with back-off, lost tasks recovered, one PDF task however many readers ask, failures in the admin.

Real transactions (transaction=True): on-commit hooks and the worker's own transactions really run.
The worker is django_tasks_db's ``db_worker`` in batch mode; time moves with time-machine, never by
editing the queue's rows.
"""

import datetime
import io
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsletter import roles, tasks, workflow
from newsletter.models import Issue
from tests import factories
from tests.factories import role_user

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)

S = Issue.Status
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_MAX_ATTEMPTS = 5
    settings.TASK_RETRY_SECONDS = 10
    settings.TASK_LEASE_SECONDS = 900
    cache.clear()  # the PDF's "already queued" keys: none from earlier tests, none left for later ones
    mail.outbox.clear()
    yield
    cache.clear()


@pytest.fixture
def people():
    return {
        "editor": role_user("editor", roles.EDITOR),
        "reviewer": role_user("reviewer", roles.REVIEWER),
        "chief": role_user("chief", roles.CHIEF),
    }


@pytest.fixture
def refused_smtp(settings):
    """A mail server that refuses connections: a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5


def run_worker_batch():
    """Run every task that is due, as the worker does, then return (db_worker sets signal handlers: restored)."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0, stdout=io.StringIO())
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def results(name):
    return list(DBTaskResult.objects.filter(task_path=f"newsletter.tasks.{name}").order_by("enqueued_at"))


def attempt_of(result):
    return result.args_kwargs["kwargs"].get("attempt", 1)


def approved_issue():
    issue = factories.issue(status=S.APPROVED, year=2024, number=24, total_number=298)
    factories.article(issue, section="区域", title="队列生成的印刷版", position=1)
    return issue


def submitted_issue(people):
    issue = factories.issue(status=S.DRAFT)
    factories.article(issue)
    workflow.perform(issue, workflow.SUBMIT, by=people["editor"])
    return issue


def test_publishing_queues_the_pdf_and_the_email_only_when_the_transaction_commits(
    database_queue, people
):
    issue = approved_issue()
    with transaction.atomic():
        workflow.perform(issue, workflow.PUBLISH, by=people["chief"])
        assert DBTaskResult.objects.count() == 0
    queued = {(r.task_path.rsplit(".", 1)[1], r.status) for r in DBTaskResult.objects.all()}
    assert queued == {
        ("generate_issue_pdf", "READY"),
        ("send_workflow_email", "READY"),
    }  # with local files there are no public copies to sync (tests/test_public_files.py: with a bucket)
    assert results("generate_issue_pdf")[0].args_kwargs == {"args": [issue.pk], "kwargs": {}}
    assert mail.outbox == []  # sent by the worker, not by the request


def test_nothing_is_queued_when_the_transaction_rolls_back(database_queue, people):
    issue = approved_issue()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            workflow.perform(issue, workflow.PUBLISH, by=people["chief"])
            raise RuntimeError("something later in the same request failed")
    assert DBTaskResult.objects.count() == 0


def test_the_worker_runs_the_published_issues_tasks_and_its_pdf_appears(database_queue, people):
    from tests.test_pdf_layout import normalise, pdf_text, require_pdf_tools

    require_pdf_tools()
    issue = approved_issue()
    workflow.perform(issue, workflow.PUBLISH, by=people["chief"])
    issue.refresh_from_db()
    assert issue.pdf.name == ""
    run_worker_batch()
    issue.refresh_from_db()
    assert issue.pdf.name.endswith(".pdf")
    with default_storage.open(issue.pdf.name, "rb") as handle:
        assert "队列生成的印刷版" in normalise(pdf_text(handle.read()))
    assert {r.status for r in DBTaskResult.objects.all()} == {"SUCCESSFUL"}
    # Local files have no public copies: no sync is queued (with a bucket: tests/test_public_files.py).
    assert results("sync_public_files") == []


def test_the_worker_sends_a_workflow_email_and_sends_it_once_however_often_it_is_queued(database_queue, people):
    issue = submitted_issue(people)
    event = issue.events.get(action=workflow.SUBMIT)
    tasks.send_workflow_email.enqueue(event.pk)  # queued twice: a retry after a lost worker, say
    run_worker_batch()
    assert [m.to for m in mail.outbox] == [["reviewer@example.com"]]
    assert "待审核" in mail.outbox[0].subject
    first, second = results("send_workflow_email")
    assert (first.status, first.return_value) == ("SUCCESSFUL", 1)
    assert (second.status, second.return_value) == ("SUCCESSFUL", 0)


def test_a_failing_task_is_retried_with_growing_delays_and_stops_after_the_last_attempt(
    database_queue, refused_smtp, settings, people
):
    settings.TASK_MAX_ATTEMPTS = 3
    submitted_issue(people)

    run_worker_batch()
    first, second = results("send_workflow_email")
    assert (first.status, attempt_of(first)) == ("FAILED", 1)
    assert (second.status, attempt_of(second)) == ("READY", 2)
    assert 9 <= (second.run_after - first.finished_at).total_seconds() <= 10

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=11)):
        run_worker_batch()  # the second attempt is due: it fails too
        _, second, third = results("send_workflow_email")
        assert (second.status, third.status, attempt_of(third)) == ("FAILED", "READY", 3)
        assert 19 <= (third.run_after - second.finished_at).total_seconds() <= 20
        run_worker_batch()  # not due yet: nothing runs
        assert results("send_workflow_email")[2].status == "READY"
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=21)):
            run_worker_batch()

    attempts = results("send_workflow_email")
    assert [(r.status, attempt_of(r)) for r in attempts] == [("FAILED", 1), ("FAILED", 2), ("FAILED", 3)]
    for result in attempts:
        assert result.exception_class_path == "builtins.ConnectionRefusedError"
        assert "Traceback" in result.traceback and "ConnectionRefusedError" in result.traceback
    assert mail.outbox == []


def test_a_task_running_past_its_lease_is_recovered_by_one_tick_and_runs_again(database_queue, people):
    submitted_issue(people)
    (lost,) = results("send_workflow_email")
    lost.claim("worker-that-was-killed")  # as a worker does just before it runs a task (and then dies)

    assert tasks.periodic_duties()["recovered"] == 0  # within its lease it is left alone
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=901)):
        assert tasks.periodic_duties()["recovered"] == 1
        assert tasks.periodic_duties()["recovered"] == 0  # once
        lost.refresh_from_db()
        assert lost.status == "FAILED"
        assert lost.exception_class_path == "newsletter.task_queue.LostTaskError"
        assert "900 秒" in lost.traceback and "worker 已退出" in lost.traceback
        _, retry = results("send_workflow_email")
        assert (retry.status, attempt_of(retry)) == ("READY", 2)
        assert mail.outbox == []
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=11)):
            run_worker_batch()
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["reviewer@example.com"]]


def test_a_tick_queues_due_scheduled_issues_and_missing_pdfs_and_the_worker_publishes_them(database_queue):
    due = factories.issue(status=S.SCHEDULED, published_at=timezone.now() - datetime.timedelta(minutes=1))
    factories.article(due)
    public = factories.issue(status=S.PUBLISHED)
    factories.article(public)
    done = tasks.periodic_duties()
    assert done["publish_due"] is True
    assert set(done["pdfs"]) == {due.pk, public.pk}  # a due scheduled issue is public already
    assert tasks.periodic_duties()["pdfs"] == []  # queued once per lease
    run_worker_batch()
    due.refresh_from_db()
    assert due.status == S.PUBLISHED
    assert due.events.filter(action=workflow.PUBLISH_DUE).count() == 1
    assert results("publish_due")[0].status == "SUCCESSFUL"


def test_a_pdf_task_still_queued_or_running_gets_no_twin_when_its_lease_key_has_expired(database_queue):
    issue = factories.issue(status=S.PUBLISHED)
    factories.article(issue)
    assert tasks.periodic_duties()["pdfs"] == [issue.pk]
    cache.clear()  # the 'already queued' key has expired (a render slower than TASK_LEASE_SECONDS)
    assert tasks.periodic_duties()["pdfs"] == []  # the queued task is still there: no second one
    DBTaskResult.objects.filter(task_path__endswith="generate_issue_pdf").update(
        status="RUNNING", started_at=timezone.now()
    )
    cache.clear()
    assert tasks.periodic_duties()["pdfs"] == []  # running within its lease: no second one either
    assert len(results("generate_issue_pdf")) == 1


def test_a_missing_pdf_answers_503_and_queues_one_task_however_many_readers_ask(database_queue, client):
    issue = factories.issue(status=S.PUBLISHED)
    factories.article(issue)
    url = reverse("newsletter:issue_pdf", kwargs={"year": issue.year, "number": issue.number})
    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 503
        assert response.content.decode() == "印刷版 PDF 正在生成，请稍后刷新。"
        assert response["Retry-After"] == "30"
        assert response["Cache-Control"] == "no-store"
    head = client.head(url)
    assert (head.status_code, head.content) == (503, b"")
    assert [r.args_kwargs["args"] for r in results("generate_issue_pdf")] == [[issue.pk]]


def test_the_issue_page_offers_the_download_only_once_the_pdf_is_stored(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    issue = factories.issue(status=S.PUBLISHED)
    factories.article(issue)
    assert "下载印刷版 PDF" not in client.get(issue.get_absolute_url()).content.decode()
    name = default_storage.save(f"test-pdfs/{issue.pk}.pdf", ContentFile(b"%PDF-1.4 test"))
    Issue.objects.filter(pk=issue.pk).update(pdf=name)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "下载印刷版 PDF" in page and "正在生成" not in page


def test_editors_reviewers_and_the_chief_see_a_failed_tasks_error_in_the_admin(
    database_queue, refused_smtp, settings, client, people
):
    settings.TASK_MAX_ATTEMPTS = 1
    submitted_issue(people)
    run_worker_batch()
    (failed,) = results("send_workflow_email")
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    for who in ("editor", "reviewer", "chief"):
        client.force_login(people[who])
        listing = client.get(url)
        assert listing.status_code == 200, who
        text = listing.content.decode()
        assert "send_workflow_email" in text and "失败" in text
        assert "ConnectionRefusedError" in text
        assert "后台任务" in text and "Task Result" not in text
        detail = client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk]))
        assert detail.status_code == 200
        assert "错误详情" in detail.content.decode() and "Traceback" in detail.content.decode()
        assert "后台任务" in client.get(reverse("admin:index")).content.decode()


def test_staff_outside_the_editorial_roles_cannot_read_the_queue(django_user_model, client):
    client.force_login(django_user_model.objects.create_user("staff-only", password="pw", is_staff=True))
    assert client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).status_code == 403


@pytest.mark.django_db(transaction=False)
def test_an_unknown_task_backend_stops_the_site_with_a_chinese_message():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "TASK_BACKEND": "celery", "DJANGO_SETTINGS_MODULE": "config.settings"}
    script = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "TASK_BACKEND 只能是 immediate 或 database" in result.stderr


def stored_pdf(issue):
    name = default_storage.save(f"test-pdfs/{issue.pk}.pdf", ContentFile(b"%PDF-1.4 test"))
    Issue.objects.filter(pk=issue.pk).update(pdf=name)
    return name


def test_withdrawing_removes_the_pdf_at_once_without_waiting_for_the_worker(database_queue, people):
    issue = factories.issue(status=S.PUBLISHED)
    factories.article(issue)
    name = stored_pdf(issue)
    workflow.perform(issue, workflow.WITHDRAW, by=people["chief"], comment="数据有误，撤回核实")
    issue.refresh_from_db()
    assert issue.pdf.name == "" and not default_storage.exists(name)
    assert results("generate_issue_pdf") == []
    assert results("sync_public_files") == []  # local files: no public copies (with a bucket: test_public_files)


def test_generating_the_pdf_of_an_issue_no_longer_public_removes_it_and_running_it_again_changes_nothing(
    database_queue,
):
    issue = factories.issue(status=S.PUBLISHED)
    factories.article(issue)
    name = stored_pdf(issue)
    Issue.objects.filter(pk=issue.pk).update(status=S.WITHDRAWN)  # withdrawn after the task was queued
    tasks.generate_issue_pdf.enqueue(issue.pk)
    tasks.generate_issue_pdf.enqueue(issue.pk)
    run_worker_batch()
    issue.refresh_from_db()
    assert issue.pdf.name == "" and not default_storage.exists(name)
    assert [(r.status, r.return_value) for r in results("generate_issue_pdf")] == [("SUCCESSFUL", "")] * 2
