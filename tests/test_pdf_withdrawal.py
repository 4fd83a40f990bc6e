"""A withdrawal that lands while the print edition is rendering leaves no PDF behind.

Rendering takes seconds and runs outside any transaction; the render stores its file only if the
issue is still public when it takes the issue's row lock to record the file's name (the same rule
as the page: ``Issue.objects.published()``). ``pdf.rendered`` is sent in exactly that window, so a
test can withdraw the issue there through the real workflow.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from newsletter import roles, workflow
from newsletter.models import Issue
from newsletter.printing import pdf
from tests import factories
from tests.factories import role_user
from tests.test_pdf_layout import require_pdf_tools


def pdf_files():
    folder = settings.MEDIA_ROOT / "issues" / "pdf"
    return {p.name for p in folder.glob("*")} if folder.exists() else set()


def published_issue():
    issue = factories.issue(status=Issue.Status.PUBLISHED)
    factories.article(issue, title="撤回竞态")
    return issue


def assert_nothing_left(issue, before):
    issue.refresh_from_db()
    assert issue.status == Issue.Status.WITHDRAWN
    assert issue.pdf.name == ""
    assert pdf_files() == before, "the rendered file must not stay on disk"
    client = Client()
    assert (
        client.get(reverse("newsletter:issue_pdf", kwargs={"year": issue.year, "number": issue.number})).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_withdrawal_between_render_and_store_leaves_no_pdf(django_capture_on_commit_callbacks):
    require_pdf_tools()
    issue = published_issue()
    chief = role_user("chief-race", roles.CHIEF)
    before = pdf_files()

    def withdraw(sender, issue_id, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(Issue.objects.get(pk=issue_id), workflow.WITHDRAW, by=chief, comment="发现错误，撤回")

    pdf.rendered.connect(withdraw)
    try:
        assert pdf.generate_stored_pdf(issue.pk) == ""
    finally:
        pdf.rendered.disconnect(withdraw)
    assert_nothing_left(issue, before)


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="两个连接之间的行锁只在 PostgreSQL 上有意义；SQLite 串行写入。CI 会在 PostgreSQL 上运行此测试。",
)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_committed_by_another_connection_during_the_render_leaves_no_pdf():
    require_pdf_tools()
    issue = published_issue()
    chief = role_user("chief-race", roles.CHIEF)
    before = pdf_files()
    rendered, withdrawn = threading.Event(), threading.Event()
    result = {}

    def wait_for_withdrawal(sender, issue_id, **kwargs):
        rendered.set()
        assert withdrawn.wait(timeout=60)

    def render():
        try:
            result["name"] = pdf.generate_stored_pdf(issue.pk)
        except Exception as error:  # reported by the assertion below
            result["error"] = error
        finally:
            connection.close()

    pdf.rendered.connect(wait_for_withdrawal)
    worker = threading.Thread(target=render)
    try:
        worker.start()
        assert rendered.wait(timeout=120), "the render never reached the store step"
        workflow.perform(Issue.objects.get(pk=issue.pk), workflow.WITHDRAW, by=chief, comment="发现错误，撤回")
        withdrawn.set()
        worker.join(timeout=60)
    finally:
        withdrawn.set()
        pdf.rendered.disconnect(wait_for_withdrawal)
    assert result == {"name": ""}
    assert_nothing_left(issue, before)
