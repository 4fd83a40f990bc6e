"""Share links end when their issue is withdrawn; a preview says plainly that it is one, keeps its
print layout within the preview and offers the PDF only to staff; 「在站点上查看」 opens the public
page only for public content and the preview otherwise."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter import previews
from newsletter.models import Issue, PreviewLink
from newsletter.workflow import perform
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status


class Links(HTMLParser):
    """Every <a href> of a page, with its text."""

    def __init__(self, html):
        super().__init__()
        self.links, self._open = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = [dict(attrs).get("href", ""), ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append((self._open[0], self._open[1].strip()))
            self._open = None

    def href(self, text):
        found = [href for href, label in self.links if label == text]
        return found[0] if found else None


def published_issue():
    issue = factories.issue(status=S.PUBLISHED, year=2031, number=3, published_at=timezone.now())
    factories.article(issue=issue, title="撤回前的文章")
    return issue


def test_withdrawing_an_issue_ends_its_share_links_even_after_it_is_reopened(client, chief_user):
    issue = published_issue()
    link = previews.create_link(issue, chief_user)
    url = previews.url_for(link)
    assert client.get(url).status_code == 200
    perform(issue, "withdraw", by=chief_user, comment="数据有误，撤回核实。")
    response = client.get(url)
    assert response.status_code == 404 and "撤回前的文章" not in response.content.decode()
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is not None
    perform(issue, "reopen", by=chief_user)
    assert client.get(url).status_code == 404


def test_a_share_link_made_for_a_withdrawn_issue_does_not_show_it(client, chief_user):
    issue = published_issue()
    perform(issue, "withdraw", by=chief_user, comment="撤回。")
    link = previews.create_link(issue, chief_user)
    assert client.get(previews.url_for(link)).status_code == 404


def test_a_share_link_says_it_is_a_preview_and_keeps_its_print_layout_within_the_preview(client, reviewer_user):
    issue = factories.issue(status=S.IN_REVIEW, year=2031, number=4)
    factories.article(issue=issue, title="尚未公开的文章")
    url = previews.url_for(previews.create_link(issue, reviewer_user))
    html = client.get(url).content.decode()
    assert re.search(r'class="preview-banner"[^>]*>.*预览.*尚未公开', html)
    links = Links(html)
    print_url = links.href("打印版式")
    assert print_url == f"{url}?print=1"
    printed = client.get(print_url)
    assert printed.status_code == 200 and "print-view" in printed.content.decode()
    assert "尚未公开的文章" in printed.content.decode() and "preview-banner" in printed.content.decode()
    # An anonymous reader cannot be given the PDF of a non-public issue: no link that would 404.
    assert not [href for href, _ in links.links if href.endswith("/pdf/") or "pdf-preview" in href]
    assert issue.get_absolute_url() + "pdf/" not in html


def test_the_admin_preview_links_its_print_layout_and_the_pdf_preview(client, reviewer_user):
    issue = factories.issue(status=S.DRAFT, year=2031, number=5)
    factories.article(issue=issue)
    client.force_login(reviewer_user)
    url = reverse("admin:newsletter_issue_preview", args=[issue.pk])
    links = Links(client.get(url).content.decode())
    assert links.href("打印版式") == f"{url}?print=1"
    assert client.get(f"{url}?print=1").status_code == 200
    assert links.href("预览印刷版 PDF") == reverse("newsletter_issue_pdf_preview", args=[issue.pk])


def view_on_site(client, url):
    return Links(client.get(url).content.decode()).href("在站点上查看")


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.APPROVED, S.WITHDRAWN, S.SCHEDULED])
def test_view_on_site_opens_the_preview_for_content_readers_cannot_see(client, superuser, status):
    published_at = timezone.now() + timezone.timedelta(days=3) if status == S.SCHEDULED else None
    issue = factories.issue(status=status, published_at=published_at)
    article = factories.article(issue=issue)
    client.force_login(superuser)
    preview = reverse("admin:newsletter_issue_preview", args=[issue.pk])
    assert view_on_site(client, reverse("admin:newsletter_issue_change", args=[issue.pk])) == preview
    article_link = view_on_site(client, reverse("admin:newsletter_article_change", args=[article.pk]))
    assert article_link == f"{preview}#{article.anchor}"
    assert client.get(article_link).status_code == 200


def test_view_on_site_opens_the_public_page_of_public_content(client, superuser):
    issue = published_issue()
    article = issue.articles.get()
    client.force_login(superuser)
    assert view_on_site(client, reverse("admin:newsletter_issue_change", args=[issue.pk])) == issue.get_absolute_url()
    link = view_on_site(client, reverse("admin:newsletter_article_change", args=[article.pk]))
    assert link == article.get_absolute_url()
    client.logout()
    assert client.get(link).status_code == 200


def test_an_article_in_no_issue_offers_no_view_on_site(client, superuser):
    article = factories.article(issue=None)
    client.force_login(superuser)
    assert view_on_site(client, reverse("admin:newsletter_article_change", args=[article.pk])) is None
