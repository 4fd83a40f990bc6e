"""With a bucket configured, figures and PDFs are private objects reached only through /media/.

Against a real S3 server (moto on loopback, ``bucket`` fixture in conftest). Pages keep the URL
``/media/<name>``; the view redirects readers of a public issue to the file's public copy, staff and
preview-link holders to a short-lived signed URL of the private object, and answers 404 to anyone else.
"""

import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from newsletter import previews, workflow
from newsletter.models import Figure, Issue, PublicFile
from tests import factories

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def fetch(url):
    """(status, headers, body) of an anonymous GET over real HTTP, as a reader's browser would make it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback test server)
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def bucket_url(storage, name):
    return f"{storage.endpoint_url}/{storage.bucket_name}/{name}"


def publish(issue, user, capture):
    with capture(execute=True):
        workflow.perform(issue, workflow.PUBLISH, by=user)
    issue.refresh_from_db()
    return issue


def test_an_uploaded_figure_is_a_private_object_in_the_bucket_and_its_url_stays_under_media(
    bucket, client, editor_user
):
    issue = factories.issue(status=Issue.Status.DRAFT, credits=False)
    article = factories.article(issue, body="第一段。\n\n[[figure:1]]")
    client.force_login(editor_user)
    upload = SimpleUploadedFile("照片.png", factories.png_bytes((60, 40)), content_type="image/png")

    response = client.post(
        reverse("admin:newsletter_article_figure_upload", args=[article.pk]), {"image": upload, "caption": "图"}
    )

    assert response.status_code == 200, response.content.decode()
    figure = Figure.objects.get(pk=response.json()["id"])
    assert figure.image.url == f"/media/{figure.image.name}"
    assert bucket.exists(figure.image.name)
    assert fetch(bucket_url(bucket, figure.image.name))[0] == 403
    html = Figure.objects.get(pk=figure.pk).article.body_html
    assert f'src="/media/{figure.image.name}"' in html and bucket.bucket_name not in html


def test_anonymous_readers_get_404_for_a_draft_figure_and_no_redirect(bucket, client):
    figure = factories.figure(factories.article(factories.issue(status=Issue.Status.DRAFT)))
    assert client.get(figure.image.url).status_code == 404
    assert client.head(figure.image.url).status_code == 404


@pytest.mark.parametrize("role", ["editor_user", "reviewer_user"])
def test_staff_on_a_draft_are_redirected_to_a_short_lived_signed_url_that_works(bucket, client, request, role):
    figure = factories.figure(factories.article(factories.issue(status=Issue.Status.DRAFT)))
    client.force_login(request.getfixturevalue(role))

    response = client.get(figure.image.url)

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    status, headers, body = fetch(response["Location"])
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert body == bucket.open(figure.image.name).read()
    assert client.head(figure.image.url).status_code == 302


def test_the_signed_url_lasts_as_long_as_the_setting_says(bucket, client, editor_user):
    bucket.querystring_expire = 60
    figure = factories.figure(factories.article(factories.issue(status=Issue.Status.DRAFT)))
    client.force_login(editor_user)
    location = client.get(figure.image.url)["Location"]
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["60"]


def test_the_holder_of_a_live_preview_link_gets_a_signed_url_and_loses_it_when_revoked(bucket, chief_user):
    issue = factories.issue(status=Issue.Status.IN_REVIEW)
    figure = factories.figure(factories.article(issue))
    link = previews.create_link(issue, by=chief_user)
    holder, stranger = Client(), Client()
    assert holder.get(figure.image.url).status_code == 404
    assert holder.get(previews.url_for(link)).status_code == 200

    response = holder.get(figure.image.url)

    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    assert fetch(response["Location"])[0] == 200
    assert stranger.get(figure.image.url).status_code == 404
    previews.revoke(link)
    assert holder.get(figure.image.url).status_code == 404


def test_a_published_issue_figure_redirects_to_its_public_copy_with_long_caching_there(
    bucket, client, chief_user, django_capture_on_commit_callbacks
):
    issue = factories.issue(status=Issue.Status.APPROVED)
    figure = factories.figure(factories.article(issue))
    publish(issue, chief_user, django_capture_on_commit_callbacks)

    response = client.get(figure.image.url)

    assert response.status_code == 302
    assert response["Cache-Control"] == "public, max-age=300"
    location = response["Location"]
    assert location.startswith(bucket_url(bucket, "public/")) and "X-Amz-Signature" not in location
    status, headers, body = fetch(location)
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert headers["Cache-Control"] == "public, max-age=31536000, s-maxage=300, immutable"
    assert body == bucket.open(figure.image.name).read()
    assert fetch(bucket_url(bucket, figure.image.name))[0] == 403, "the private object stays private"


def test_a_public_figure_whose_copy_is_not_made_yet_gets_a_signed_url_not_cached(bucket, client):
    figure = factories.figure(factories.article(factories.issue(status=Issue.Status.PUBLISHED)))
    assert not PublicFile.objects.exists()

    response = client.get(figure.image.url)

    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    assert fetch(response["Location"])[0] == 200


def test_the_public_copy_is_addressed_on_the_cdn_when_one_is_configured(
    bucket, client, chief_user, django_capture_on_commit_callbacks
):
    bucket.public_domain = "cdn.example.org"
    issue = factories.issue(status=Issue.Status.APPROVED)
    figure = factories.figure(factories.article(issue))
    publish(issue, chief_user, django_capture_on_commit_callbacks)
    key = PublicFile.objects.get(source=figure.image.name).key

    assert client.get(figure.image.url)["Location"] == f"https://cdn.example.org/{key}"
    client.force_login(chief_user)
    draft = factories.figure(factories.article(factories.issue(status=Issue.Status.DRAFT)))
    signed = client.get(draft.image.url)["Location"]
    assert signed.startswith(bucket.endpoint_url) and "X-Amz-Signature" in signed, "signed URLs never use the CDN"


@pytest.mark.parametrize(
    "path",
    [
        "../config/settings.py",
        "figures/../public/x.png",
        "public/{key}",
        "import-pending/abc/000",
        "issues/pdf/report.html",
        "figures/orphan.png",
    ],
)
def test_hostile_or_foreign_names_asked_through_media_answer_404_even_to_staff(
    bucket, admin_client, chief_user, django_capture_on_commit_callbacks, path
):
    issue = factories.issue(status=Issue.Status.APPROVED)
    factories.figure(factories.article(issue))
    publish(issue, chief_user, django_capture_on_commit_callbacks)
    bucket.save("figures/orphan.png", ContentFile(factories.png_bytes()))
    bucket.save("issues/pdf/report.html", ContentFile(b"<html><script>alert(1)</script></html>"))
    bucket.save("import-pending/abc/000", ContentFile(b"secret"))
    path = path.format(key=PublicFile.objects.filter(content_type="image/png").get().key.removeprefix("public/"))

    assert admin_client.get(f"/media/{path}").status_code == 404


def test_a_figure_whose_object_is_not_an_image_is_never_redirected_to(bucket, admin_client):
    figure = factories.figure(factories.article(factories.issue(status=Issue.Status.DRAFT)))
    bucket.delete(figure.image.name)
    bucket.save(figure.image.name, ContentFile(b"<html><script>alert(1)</script></html>"))
    assert admin_client.get(figure.image.url).status_code == 404


def test_a_figure_whose_object_is_missing_or_empty_answers_404(bucket, admin_client):
    figure = factories.figure(factories.article(factories.issue(status=Issue.Status.DRAFT)))
    bucket.delete(figure.image.name)
    assert admin_client.get(figure.image.url).status_code == 404
    bucket.save(figure.image.name, ContentFile(b""))
    assert admin_client.get(figure.image.url).status_code == 404


def test_a_stored_pdf_under_media_redirects_staff_to_a_signed_download(bucket, admin_client):
    issue = factories.issue(status=Issue.Status.DRAFT)
    name = bucket.save("issues/pdf/draft.pdf", ContentFile(FAKE_PDF))
    Issue.objects.filter(pk=issue.pk).update(pdf=name)

    response = admin_client.get(f"/media/{name}")

    assert response.status_code == 302
    status, headers, body = fetch(response["Location"])
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", FAKE_PDF)
    assert headers["Content-Disposition"].startswith("attachment;")
