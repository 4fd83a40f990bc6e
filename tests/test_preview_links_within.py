"""A preview is a dead end nowhere: every link it offers into the issue works for whoever holds it.
Its article titles lead to the article within the preview (the public article page does not exist
yet), and its print layout has the way back to the preview, not to a public page that answers 404."""

import pytest
from django.urls import reverse

from newsletter import previews
from newsletter.models import Issue
from tests import factories
from tests.test_preview_withdrawn import Links

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["share link", "admin preview"])
def preview(request, client, chief_user):
    """(issue, its article, the preview's address) for a share link, or for staff in the admin."""
    issue = factories.issue(status=Issue.Status.IN_REVIEW, year=2032, number=5)
    article = factories.article(issue=issue, title="尚未发布的文章")
    if request.param == "share link":
        return issue, article, previews.url_for(previews.create_link(issue, chief_user))
    client.force_login(chief_user)
    return issue, article, reverse("admin:newsletter_issue_preview", args=[issue.pk])


def test_article_titles_in_a_preview_lead_to_the_article_within_it(client, preview):
    _, article, url = preview
    html = client.get(url).content.decode()
    title_links = {href for href, text in Links(html).links if text == article.title}
    assert title_links == {f"#{article.anchor}"}, title_links  # the table of contents and the heading
    assert f'id="{article.anchor}"' in html
    assert article.get_absolute_url() not in html


def test_the_print_layout_of_a_preview_leads_back_to_the_preview(client, preview):
    issue, _, url = preview
    screen = Links(client.get(url).content.decode())
    assert screen.href("打印版式") == f"{url}?print=1"
    printed = client.get(f"{url}?print=1")
    assert printed.status_code == 200
    printed_links = Links(printed.content.decode())
    assert printed_links.href("← 返回网页版") == url
    assert not [href for href, _ in printed_links.links if issue.get_absolute_url() in href]


def test_the_public_issue_page_still_links_each_article_page(client):
    issue = factories.issue(status=Issue.Status.PUBLISHED, year=2032, number=6)
    article = factories.article(issue=issue, title="已发布的文章")
    html = client.get(issue.get_absolute_url()).content.decode()
    title_links = {href for href, text in Links(html).links if text == article.title}
    assert title_links == {f"#{article.anchor}", article.get_absolute_url()}
