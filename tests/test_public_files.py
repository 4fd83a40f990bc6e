"""Public copies follow the issue's state: made when it goes public, gone when it is withdrawn.

Against a real S3 server (moto on loopback, ``bucket`` fixture in conftest). The copies are what
readers fetch of a public issue (``public/<sha256[:32]>/<name>``, cached for a year); the private
objects are never publicly readable, and a withdrawn issue's copies answer 403/404 at their address.
"""

import hashlib
import io
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from newsletter import public_files, tasks, workflow
from newsletter.models import Figure, Issue, PublicFile
from newsletter.printing import support
from newsletter.signals import public_content_changed
from tests import factories
from tests.test_pdf_layout import require_pdf_tools

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def fetch(url):
    """(status, headers, body) of an anonymous GET over real HTTP."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback test server)
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def public_url(storage, source):
    return storage.public_url(PublicFile.objects.filter(source=source).values_list("key", flat=True).distinct().get())


def figure_copies(storage):
    """The public copies of figures (a machine with the print tools also makes one of the PDF)."""
    return {key for key in bucket_keys(storage) if not key.endswith(".pdf")}


def bucket_keys(storage, prefix="public/"):
    answer = storage.client.list_objects_v2(Bucket=storage.bucket_name, Prefix=prefix)
    return {entry["Key"]: entry["ETag"] for entry in answer.get("Contents", [])}


def act(issue, action, user, capture):
    comment = "发现错误，撤回核实" if action == workflow.WITHDRAW else ""
    with capture(execute=True):
        workflow.perform(Issue.objects.get(pk=issue.pk), action, by=user, comment=comment)
    issue.refresh_from_db()
    return issue


def republish(issue, user, capture):
    """Withdrawn → approved (the review steps are the workflow's own tests) → published."""
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.APPROVED)
    return act(issue, workflow.PUBLISH, user, capture)


@pytest.fixture
def approved_with_figures(db):
    issue = factories.issue(status=Issue.Status.APPROVED)
    article = factories.article(issue)
    return issue, [factories.figure(article, position=1), factories.figure(article, caption="第二张", position=2)]


def test_publishing_makes_a_content_hashed_public_copy_of_every_figure_readable_by_anyone(
    bucket, chief_user, django_capture_on_commit_callbacks, approved_with_figures
):
    issue, figures = approved_with_figures
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)

    for figure in figures:
        data = bucket.open(figure.image.name).read()
        key = PublicFile.objects.get(issue=issue, source=figure.image.name).key
        assert key == f"public/{hashlib.sha256(data).hexdigest()[:32]}/{figure.image.name.rsplit('/', 1)[-1]}"
        status, headers, body = fetch(bucket.public_url(key))
        assert (status, headers["Content-Type"], body) == (200, "image/png", data)
        assert headers["Cache-Control"] == "public, max-age=31536000, s-maxage=300, immutable"


def test_withdrawing_deletes_the_public_copies_and_media_answers_404_republishing_makes_them_again(
    bucket, client, chief_user, django_capture_on_commit_callbacks, approved_with_figures
):
    issue, figures = approved_with_figures
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    copies = [public_url(bucket, figure.image.name) for figure in figures]
    assert [fetch(url)[0] for url in copies] == [200, 200]

    act(issue, workflow.WITHDRAW, chief_user, django_capture_on_commit_callbacks)

    assert [fetch(url)[0] in (403, 404) for url in copies] == [True, True]
    assert bucket_keys(bucket) == {} and not PublicFile.objects.exists()
    assert [client.get(figure.image.url).status_code for figure in figures] == [404, 404]
    assert all(bucket.exists(figure.image.name) for figure in figures), "the private objects stay for the editors"

    republish(issue, chief_user, django_capture_on_commit_callbacks)

    assert [fetch(url)[0] for url in copies] == [200, 200], "same bytes, same address"
    assert client.get(figures[0].image.url)["Location"] == copies[0]


def test_two_syncs_in_a_row_change_nothing_in_the_bucket_or_the_database(
    bucket, chief_user, django_capture_on_commit_callbacks, approved_with_figures
):
    issue, _ = approved_with_figures
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    before = bucket_keys(bucket), list(PublicFile.objects.values_list("pk", "key"))

    public_files.sync_issue(issue.pk)
    public_files.sync_issue(issue.pk)

    assert (bucket_keys(bucket), list(PublicFile.objects.values_list("pk", "key"))) == before
    assert len(figure_copies(bucket)) == 2 and set(before[0]) == {key for _, key in before[1]}


def test_a_replaced_or_deleted_figure_loses_its_public_copy_at_the_next_sync(
    bucket, chief_user, django_capture_on_commit_callbacks, approved_with_figures
):
    issue, (kept, dropped) = approved_with_figures
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    kept_old_copy, dropped_copy = public_url(bucket, kept.image.name), public_url(bucket, dropped.image.name)

    kept.image.save("new.png", ContentFile(factories.png_bytes(color=(0, 90, 200))), save=True)
    dropped.delete()
    with django_capture_on_commit_callbacks(execute=True):
        public_content_changed.send(sender=Issue, issue=issue, reason="correction")

    assert fetch(kept_old_copy)[0] in (403, 404) and fetch(dropped_copy)[0] in (403, 404)
    assert fetch(public_url(bucket, Figure.objects.get(pk=kept.pk).image.name))[0] == 200
    assert len(figure_copies(bucket)) == 1


def test_a_figure_shown_by_two_public_issues_keeps_its_copy_until_neither_is_public(
    bucket, chief_user, django_capture_on_commit_callbacks, approved_with_figures
):
    first, (figure, _) = approved_with_figures
    second = factories.issue(status=Issue.Status.APPROVED)
    Figure.objects.create(article=factories.article(second), caption="同一张图", image=figure.image.name)
    act(first, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    act(second, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    copy = public_url(bucket, figure.image.name)
    assert PublicFile.objects.filter(source=figure.image.name).count() == 2

    act(first, workflow.WITHDRAW, chief_user, django_capture_on_commit_callbacks)
    assert fetch(copy)[0] == 200

    act(second, workflow.WITHDRAW, chief_user, django_capture_on_commit_callbacks)
    assert fetch(copy)[0] in (403, 404)


def test_a_stored_pdf_of_a_public_issue_gets_a_public_copy_and_the_pdf_address_redirects_to_it(bucket, client):
    issue = factories.issue(status=Issue.Status.PUBLISHED, year=2024, number=24)
    name = bucket.save("issues/pdf/sszjc-2024-24-0123456789abcdef.pdf", ContentFile(FAKE_PDF))
    Issue.objects.filter(pk=issue.pk).update(pdf=name)
    pdf_address = reverse("newsletter:issue_pdf", kwargs={"year": 2024, "number": 24})
    before_sync = client.get(pdf_address)
    assert before_sync.status_code == 302 and before_sync["Cache-Control"] == "private, no-store"
    assert fetch(before_sync["Location"])[:2][0] == 200

    tasks.sync_public_files.enqueue(issue.pk)  # as after storing a PDF (a correction would render a new one)

    response = client.get(pdf_address)
    assert response.status_code == 302 and response["Cache-Control"] == "public, max-age=300"
    assert response["Location"] == public_url(bucket, name)
    status, headers, body = fetch(response["Location"])
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", FAKE_PDF)
    assert "filename*=UTF-8''" in headers["Content-Disposition"] and "2024-24.pdf" in headers["Content-Disposition"]
    assert fetch(f"{bucket.endpoint_url}/{bucket.bucket_name}/{name}")[0] == 403


def test_publishing_renders_the_pdf_into_the_bucket_and_withdrawing_removes_it_and_its_copy(
    bucket, client, chief_user, django_capture_on_commit_callbacks
):
    if support.unavailable_reason():
        require_pdf_tools()  # skips with the reason on a machine without WeasyPrint's needs, fails in CI
    issue = factories.issue(status=Issue.Status.APPROVED, year=2024, number=24)
    factories.figure(factories.article(issue, title="全国碳市场交易活跃"))
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    assert issue.pdf.name.startswith("issues/pdf/") and bucket.exists(issue.pdf.name)
    copy = public_url(bucket, issue.pdf.name)
    status, headers, body = fetch(copy)
    assert (status, headers["Content-Type"], body[:5]) == (200, "application/pdf", b"%PDF-")
    pdf_address = reverse("newsletter:issue_pdf", kwargs={"year": 2024, "number": 24})
    assert client.get(pdf_address)["Location"] == copy

    stored = issue.pdf.name
    act(issue, workflow.WITHDRAW, chief_user, django_capture_on_commit_callbacks)

    assert fetch(copy)[0] in (403, 404) and not bucket.exists(stored)
    assert client.get(pdf_address).status_code == 404


def test_deleting_a_public_issue_deletes_its_public_copies(
    bucket, chief_user, django_capture_on_commit_callbacks, approved_with_figures
):
    issue, _ = approved_with_figures
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    assert len(figure_copies(bucket)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        Issue.objects.get(pk=issue.pk).delete()
    assert bucket_keys(bucket) == {} and not PublicFile.objects.exists()


def test_after_a_restore_the_command_remakes_every_copy_and_removes_strays(
    bucket, chief_user, django_capture_on_commit_callbacks, approved_with_figures
):
    issue, _ = approved_with_figures
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    made = bucket_keys(bucket)
    for key in made:
        bucket.delete(key)  # copies are derived data: a backup may leave them out
    PublicFile.objects.all().delete()
    bucket.save("public/0123/stray.png", ContentFile(factories.png_bytes()))
    out = io.StringIO()

    call_command("sync_public_files", "--all", stdout=out)

    assert bucket_keys(bucket) == made
    assert "删除多余的公开副本 1 个" in out.getvalue()


def test_with_local_files_the_sync_does_nothing(chief_user, django_capture_on_commit_callbacks, approved_with_figures):
    issue, _ = approved_with_figures
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    public_files.sync_issue(issue.pk)
    assert not PublicFile.objects.exists()
    out = io.StringIO()
    call_command("sync_public_files", "--all", stdout=out)
    assert "未配置存储桶" in out.getvalue()


# The worker runs outside any test transaction, as in production: db_worker closes and checks connections.
@pytest.mark.django_db(transaction=True)
def test_copies_left_public_for_an_issue_that_is_not_public_are_swept_by_the_workers_tick(
    bucket, settings, chief_user, django_capture_on_commit_callbacks
):
    issue = factories.issue(status=Issue.Status.APPROVED)
    figure = factories.figure(factories.article(issue))
    act(issue, workflow.PUBLISH, chief_user, django_capture_on_commit_callbacks)
    url = public_url(bucket, figure.image.name)
    assert fetch(url)[0] == 200
    # The issue stops being public without its copies going (a bucket down at the withdrawal, a sync
    # that used up its attempts): written past the signals on purpose.
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.DRAFT)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert tasks.periodic_duties()["stale_copies"] == [issue.pk]
    assert tasks.periodic_duties()["stale_copies"] == []  # queued once
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0, stdout=io.StringIO())
    assert fetch(url)[0] in (403, 404)
    assert not PublicFile.objects.filter(issue=issue).exists()
