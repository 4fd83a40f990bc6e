"""Whatever an editor uploads, nothing under /media/ is ever served as a page or a script.

An HTML page served from our own origin runs its scripts with the session of whoever opens it: an
editor's file opened by the chief could publish an issue. So each dangerous type is posted through
the real admin forms (the issue's form and the article's figure inline), and every file that lands
under MEDIA_ROOT is then fetched, anonymously and as the chief.
"""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletter.models import Issue
from tests import factories
from tests.security.admin_forms import form_data, single

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>fetch('/admin/').then(r => r.text()).then(t => alert(t))</script>"
DANGEROUS = {
    "report.html": b"<!doctype html><html><body><h1>report</h1>" + SCRIPT + b"</body></html>",
    "chart.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>",
    "x.js": b"fetch('/admin/newsletter/issue/').then(r => alert(r.status));",
    "page.xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><body>' + SCRIPT + b"</body></html>",
    "polyglot.pdf": b"%PDF-1.4\n<html><body>" + SCRIPT + b"</body></html>\n%%EOF\n",
    "polyglot.pdf.html": b"%PDF-1.4\n<html><body>" + SCRIPT + b"</body></html>\n%%EOF\n",
}
SAFE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}


def media_files():
    root = settings.MEDIA_ROOT
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "content-version"}


def assert_never_served_as_active_content(client, names):
    for name in names:
        response = client.get(settings.MEDIA_URL + name)
        if response.status_code == 404:
            continue
        assert response.status_code == 200, (name, response.status_code)
        kind = response["Content-Type"].split(";")[0].strip()
        assert kind in SAFE_TYPES, (name, kind)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"], name


def test_the_issue_form_offers_editors_no_pdf_upload(client, editor_user):
    issue = factories.issue(status=Issue.Status.DRAFT)
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    assert 'type="file"' not in page
    assert 'name="pdf"' not in page


@pytest.mark.parametrize("filename", sorted(DANGEROUS))
def test_a_dangerous_file_posted_as_the_issue_pdf_is_neither_stored_nor_served(
    client, editor_user, chief_user, filename
):
    issue = factories.issue(status=Issue.Status.DRAFT)
    url = reverse("admin:newsletter_issue_change", args=[issue.pk])
    client.force_login(editor_user)
    data = single(form_data(client.get(url).content.decode(), form_id="issue_form"))
    data.update({"theme": "改个主题", "_continue": "1", "pdf": SimpleUploadedFile(filename, DANGEROUS[filename])})
    before = media_files()

    response = client.post(url, data)

    assert response.status_code == 302, "the rest of the form saves; the file is ignored"
    issue.refresh_from_db()
    assert issue.theme == "改个主题"
    assert issue.pdf.name == ""
    new_files = media_files() - before
    assert new_files == set()
    chief = client.__class__()
    chief.force_login(chief_user)
    for viewer in (client, client.__class__(), chief):
        assert_never_served_as_active_content(viewer, new_files | {f"issues/pdf/{filename}"})


@pytest.mark.parametrize("filename", sorted(DANGEROUS))
@pytest.mark.parametrize("disguise", ["", ".png", ".jpg"])
def test_a_dangerous_file_posted_as_a_figure_is_never_served_as_a_page(
    client, editor_user, chief_user, filename, disguise
):
    issue = factories.issue(status=Issue.Status.DRAFT)
    article = factories.article(issue)
    url = reverse("admin:newsletter_article_change", args=[article.pk])
    client.force_login(editor_user)
    data = single(form_data(client.get(url).content.decode()))
    data.update(
        {
            "figures-TOTAL_FORMS": "1",
            "figures-INITIAL_FORMS": "0",
            "figures-0-article": str(article.pk),
            "figures-0-caption": "图注",
            "figures-0-position": "1",
            "figures-0-image": SimpleUploadedFile(filename + disguise, DANGEROUS[filename]),
            "_continue": "1",
        }
    )
    before = media_files()
    client.post(url, data)
    chief = client.__class__()
    chief.force_login(chief_user)
    for viewer in (client, client.__class__(), chief):
        assert_never_served_as_active_content(viewer, media_files() - before)
