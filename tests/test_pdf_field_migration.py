"""Migration 0008: a stored issue PDF that the system did not write is cleared (and reported), never served."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from newsletter.models import Issue
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("newsletter.migrations.0009_issue_pdf_system_only")
PDF = b"%PDF-1.7\n%%EOF\n"


def issue_with_file(name, content):
    issue = factories.issue(status=Issue.Status.PUBLISHED)
    stored = default_storage.save(name.format(issue=issue), ContentFile(content))
    Issue.objects.filter(pk=issue.pk).update(pdf=stored)
    return issue, stored


@pytest.mark.parametrize(
    "name, content",
    [
        ("issues/pdf/report.html", b"<html><script>alert(1)</script></html>"),
        ("issues/pdf/x.js", b"alert(1)"),
        ("issues/pdf/anything.pdf", PDF),
        ("issues/pdf/sszjc-{issue.year}-{issue.number}.pdf", b"<html>named like ours</html>"),
        ("figures/sszjc-{issue.year}-{issue.number}.pdf", PDF),
    ],
)
def test_a_pdf_value_the_system_did_not_write_is_cleared_and_reported_and_its_file_kept(capsys, name, content):
    issue, stored = issue_with_file(name, content)
    migration.clear_foreign_pdfs(apps, None)
    issue.refresh_from_db()
    assert issue.pdf.name == ""
    assert stored in capsys.readouterr().out
    assert default_storage.exists(stored), "unknown files are reported, not deleted silently"


@pytest.mark.parametrize(
    "name",
    [
        "issues/pdf/sszjc-{issue.year}-{issue.number}.pdf",
        "issues/pdf/sszjc-{issue.year}-{issue.number}-0123456789abcdef.pdf",
    ],
)
def test_a_pdf_the_renderer_wrote_is_kept(capsys, name):
    issue, stored = issue_with_file(name, PDF)
    migration.clear_foreign_pdfs(apps, None)
    issue.refresh_from_db()
    assert issue.pdf.name == stored
    assert capsys.readouterr().out == ""
