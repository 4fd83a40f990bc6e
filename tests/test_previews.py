"""Previews: the issue exactly as readers will see it, for staff and through signed share links."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from newsletter import previews
from newsletter.models import Issue, PreviewLink
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status


def draft_issue():
    issue = factories.issue(status=S.IN_REVIEW, year=2030, number=5)
    factories.article(issue=issue, section="上海", title="临港新片区试行数据出境白名单")
    return issue


def main_of(html):
    """What readers read: the issue and its pager (a preview adds its banner and own print links above)."""
    return re.search(r'<div class="issue">.*?</nav>', html, re.S).group(0)


def assert_private(response):
    assert response.status_code == 200
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert re.search(r'<meta name="robots" content="noindex', response.content.decode())


def test_a_valid_share_link_shows_the_unpublished_issue_with_noindex_and_no_caching(client, reviewer_user):
    issue = draft_issue()
    link = previews.create_link(issue, reviewer_user)
    assert client.get(issue.get_absolute_url()).status_code == 404  # not public
    response = client.get(previews.url_for(link))
    assert_private(response)
    assert "临港新片区试行数据出境白名单" in response.content.decode()


def test_share_links_last_seven_days_by_default(reviewer_user):
    issue = draft_issue()
    before = timezone.now()
    link = previews.create_link(issue, reviewer_user)
    assert datetime.timedelta(days=7) <= link.expires_at - before < datetime.timedelta(days=7, seconds=5)


def test_an_expired_link_answers_404(client, reviewer_user):
    issue = draft_issue()
    link = previews.create_link(issue, reviewer_user)
    url = previews.url_for(link)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        assert client.get(url).status_code == 404
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        assert client.get(url).status_code == 200


def test_a_revoked_link_answers_404(client, reviewer_user):
    link = previews.create_link(draft_issue(), reviewer_user)
    url = previews.url_for(link)
    assert client.get(url).status_code == 200
    previews.revoke(link)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "MjA" + token[3:],  # payload changed
        lambda token: token.split(":")[0],  # signature removed
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_link_answers_404(client, reviewer_user, tamper):
    link = previews.create_link(draft_issue(), reviewer_user)
    token = previews.token_for(link)
    response = client.get(reverse("preview:issue", kwargs={"token": tamper(token)}))
    assert response.status_code == 404


def test_a_token_for_another_links_pk_cannot_be_forged_without_the_secret(client, reviewer_user):
    link = previews.create_link(draft_issue(), reviewer_user)
    from django.core import signing

    forged = signing.Signer(salt="something-else").sign_object(link.pk)
    assert client.get(reverse("preview:issue", kwargs={"token": forged})).status_code == 404


def test_the_preview_looks_exactly_like_the_public_page(client, chief_user):
    issue = draft_issue()
    issue.status, issue.published_at = S.PUBLISHED, timezone.now()
    issue.save()
    link = previews.create_link(issue, chief_user)
    public = client.get(issue.get_absolute_url())
    preview = client.get(previews.url_for(link))
    assert public.status_code == 200 and preview.status_code == 200
    assert main_of(preview.content.decode()) == main_of(public.content.decode())
    assert "noindex" not in public.content.decode().split("</head>")[0]


def test_staff_who_may_review_can_open_the_admin_preview_of_a_draft(client, reviewer_user, editor_user):
    issue = draft_issue()
    url = reverse("admin:newsletter_issue_preview", args=[issue.pk])
    for user in (reviewer_user, editor_user):
        client.force_login(user)
        response = client.get(url)
        assert_private(response)
        assert "临港新片区试行数据出境白名单" in response.content.decode()


def test_a_staff_user_without_a_role_cannot_open_the_admin_preview(client):
    issue = draft_issue()
    client.force_login(User.objects.create_user("guest", "g@example.com", "pw", is_staff=True))
    assert client.get(reverse("admin:newsletter_issue_preview", args=[issue.pk])).status_code == 403


def test_the_issue_page_creates_and_revokes_share_links(client, reviewer_user):
    issue = draft_issue()
    client.force_login(reviewer_user)
    change_url = reverse("admin:newsletter_issue_change", args=[issue.pk])
    page = client.get(change_url).content.decode()
    assert "预览（与读者所见相同）" in page and "创建预览链接" in page
    response = client.post(reverse("admin:newsletter_issue_preview_link_create", args=[issue.pk]), follow=True)
    link = PreviewLink.objects.get(issue=issue)
    assert link.created_by == reviewer_user
    shared = previews.absolute_url_for(link)
    assert shared in response.content.decode()
    client.logout()
    assert client.get(previews.url_for(link)).status_code == 200
    client.force_login(reviewer_user)
    client.post(reverse("admin:newsletter_issue_preview_link_revoke", args=[issue.pk, link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.logout()
    assert client.get(previews.url_for(link)).status_code == 404


def test_an_editor_cannot_create_share_links(client, editor_user):
    issue = draft_issue()
    client.force_login(editor_user)
    response = client.post(reverse("admin:newsletter_issue_preview_link_create", args=[issue.pk]))
    assert response.status_code == 403
    assert not PreviewLink.objects.exists()
