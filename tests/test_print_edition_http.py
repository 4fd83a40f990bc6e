"""The print edition's address answers HEAD like GET, without the body (link checkers, download managers)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from newsletter.models import Issue
from tests import factories

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def issue_with_stored_pdf(status):
    issue = factories.issue(status=status)
    name = default_storage.save(
        f"issues/pdf/{issue.publication.slug}-{issue.year}-{issue.number}.pdf", ContentFile(FAKE_PDF)
    )
    Issue.objects.filter(pk=issue.pk).update(pdf=name)
    return issue


def pdf_url(issue):
    return reverse("newsletter:issue_pdf", kwargs={"year": issue.year, "number": issue.number})


def test_head_on_a_public_issue_pdf_answers_200_with_the_get_headers_and_no_body(client):
    issue = issue_with_stored_pdf(Issue.Status.PUBLISHED)
    get = client.get(pdf_url(issue))
    head = client.head(pdf_url(issue))
    assert head.status_code == 200
    for header in ("Content-Type", "Content-Disposition", "Cache-Control", "Content-Length"):
        assert head[header] == get[header], header
    assert head["Content-Type"] == "application/pdf"
    assert int(head["Content-Length"]) == len(FAKE_PDF)
    assert (b"".join(head.streaming_content) if head.streaming else head.content) == b""


@pytest.mark.parametrize("status", [Issue.Status.DRAFT, Issue.Status.WITHDRAWN])
def test_head_on_the_pdf_of_an_issue_that_is_not_public_answers_404(client, status):
    assert client.head(pdf_url(issue_with_stored_pdf(status))).status_code == 404


def test_other_methods_on_the_pdf_are_still_refused(client):
    issue = issue_with_stored_pdf(Issue.Status.PUBLISHED)
    assert client.post(pdf_url(issue)).status_code == 405
