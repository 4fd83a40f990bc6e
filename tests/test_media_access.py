"""/media/ serves only figures and generated PDFs, only to people who may see their issue, never as a page.

Readers may fetch the media of a public issue (``Issue.objects.published()``); editors and reviewers
may fetch any issue's; the holder of a live preview link may fetch the media of that link's issue.
Everything else under /media/ answers 404, whatever lies on disk.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from newsletter import previews, workflow
from newsletter.models import Figure, Issue
from tests import factories

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NOT_PUBLIC = ["draft", "in_review", "changes_requested", "approved", "withdrawn", "scheduled_in_the_future"]


def make_issue(status):
    if status == "scheduled_in_the_future":
        return factories.issue(status=Issue.Status.SCHEDULED, published_at=timezone.now() + datetime.timedelta(days=2))
    return factories.issue(status=status)


def issue_with_media(status):
    """An issue with one figure and a stored print edition; returns (issue, figure URL, PDF URL)."""
    issue = make_issue(status)
    figure = factories.figure(factories.article(issue))
    name = default_storage.save(
        f"issues/pdf/{issue.publication.slug}-{issue.year}-{issue.number}.pdf", ContentFile(FAKE_PDF)
    )
    Issue.objects.filter(pk=issue.pk).update(pdf=name)
    issue.refresh_from_db()
    return issue, figure.image.url, issue.pdf.url


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_anonymous_readers_get_404_for_the_figures_and_pdf_of_an_issue_that_is_not_public(client, status):
    _, figure_url, pdf_url = issue_with_media(status)
    assert client.get(figure_url).status_code == 404
    assert client.get(pdf_url).status_code == 404
    assert client.head(figure_url).status_code == 404


def test_a_published_issue_figure_is_served_as_its_image_type_with_cacheable_locked_down_headers(client):
    _, figure_url, _ = issue_with_media("published")
    response = client.get(figure_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body(response).startswith(b"\x89PNG")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert response["Cache-Control"].startswith("public")


def test_a_published_issue_pdf_under_media_is_served_as_a_pdf_download(client):
    _, _, pdf_url = issue_with_media("published")
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert body(response) == FAKE_PDF


def test_head_on_a_public_figure_answers_its_headers_without_a_body(client):
    _, figure_url, _ = issue_with_media("published")
    response = client.head(figure_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert int(response["Content-Length"]) > 0
    assert body(response) == b""


@pytest.mark.parametrize("role", ["editor_user", "reviewer_user", "chief_user"])
def test_editors_and_reviewers_see_the_media_of_a_draft_and_it_is_never_stored_by_caches(client, request, role):
    _, figure_url, pdf_url = issue_with_media("draft")
    client.force_login(request.getfixturevalue(role))
    for url, kind in ((figure_url, "image/png"), (pdf_url, "application/pdf")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == kind
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_staff_without_editorial_permissions_get_404_for_draft_media(client, django_user_model):
    _, figure_url, _ = issue_with_media("draft")
    client.force_login(django_user_model.objects.create_user("clerk", password="pw", is_staff=True))
    assert client.get(figure_url).status_code == 404


def test_withdrawing_an_issue_stops_serving_its_figures_at_once(client, chief_user, django_capture_on_commit_callbacks):
    issue, figure_url, _ = issue_with_media("published")
    assert client.get(figure_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(issue, workflow.WITHDRAW, by=chief_user, comment="数据有误，撤回核实")
    assert client.get(figure_url).status_code == 404


def test_the_holder_of_a_live_preview_link_sees_that_issue_figures_until_it_is_revoked(chief_user):
    issue, figure_url, _ = issue_with_media("in_review")
    link = previews.create_link(issue, by=chief_user)
    holder, stranger = Client(), Client()
    assert holder.get(figure_url).status_code == 404
    page = holder.get(previews.url_for(link))
    assert page.status_code == 200 and figure_url in page.content.decode()
    response = holder.get(figure_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert stranger.get(figure_url).status_code == 404
    previews.revoke(link)
    assert holder.get(figure_url).status_code == 404


def test_a_preview_link_does_not_open_the_media_of_other_issues(chief_user):
    issue, _, _ = issue_with_media("in_review")
    _, other_figure_url, _ = issue_with_media("draft")
    holder = Client()
    assert holder.get(previews.url_for(previews.create_link(issue, by=chief_user))).status_code == 200
    assert holder.get(other_figure_url).status_code == 404


@pytest.mark.parametrize(
    "name, content",
    [
        ("figures/orphan.png", factories.png_bytes()),
        ("issues/pdf/report.html", b"<html><script>alert(1)</script></html>"),
        ("issues/pdf/orphan.pdf", FAKE_PDF),
        ("x.js", b"alert(1)"),
    ],
)
def test_files_that_belong_to_no_figure_or_issue_are_not_served_even_to_staff(admin_client, name, content):
    stored = default_storage.save(name, ContentFile(content))
    assert admin_client.get(default_storage.url(stored)).status_code == 404


def test_paths_outside_the_media_folder_are_not_served(admin_client):
    for path in ("/media/../config/settings.py", "/media/%2e%2e/config/settings.py", "/media//etc/passwd"):
        assert admin_client.get(path).status_code in (400, 404)


def test_a_figure_whose_stored_bytes_are_not_an_allowed_image_is_not_served(client):
    issue, figure_url, _ = issue_with_media("published")
    figure = Figure.objects.get(article__issue=issue)
    # A file from before uploads were re-encoded, or written behind the application's back.
    with default_storage.open(figure.image.name, "wb") as handle:
        handle.write(b"<html><script>alert(document.cookie)</script></html>")
    assert client.get(figure_url).status_code == 404
