"""Draft leakage: a crawler that follows every same-site link from the home page, the feeds and the
sitemap, and a reader who searches for words of every non-public article, find none of them."""

import datetime
import re
import xml.etree.ElementTree as ET
from collections import deque
from urllib.parse import urljoin, urlsplit

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Issue
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status
NOW = timezone.now()
# Each non-public state and its marker: unique words that appear nowhere in public content.
HIDDEN = {
    "draft": (S.DRAFT, None, "草稿泄露词LEAKDRAFT"),
    "in_review": (S.IN_REVIEW, None, "待审泄露词LEAKREVIEW"),
    "changes_requested": (S.CHANGES_REQUESTED, None, "退回泄露词LEAKRETURNED"),
    "approved": (S.APPROVED, None, "通过泄露词LEAKAPPROVED"),
    "scheduled": (S.SCHEDULED, NOW + datetime.timedelta(days=5), "定时泄露词LEAKSCHEDULED"),
    "withdrawn": (S.WITHDRAWN, NOW - datetime.timedelta(days=20), "撤回泄露词LEAKWITHDRAWN"),
}
UNPLACED = "未编泄露词LEAKUNPLACED"
MAX_PAGES = 500
SKIP_PREFIXES = ("/admin/", "/static/", "/media/")


def hidden_article(issue, word, section):
    article = factories.article(
        issue=issue,
        section=section,
        title=f"{word}标题",
        short_title=f"{word}目录",
        summary=f"{word}摘要",
        body=f"{word}正文第一段。\n\n## {word}小标题\n\n[[figure:1]]",
        sources=((f"{word}日报", datetime.date(2024, 12, 1)),),
        region_tags=[f"{word}地区"[:20]],
        topics=[f"{word}主题"],
    )
    factories.figure(article, caption=f"{word}图注")
    return article


@pytest.fixture
def archive():
    public = factories.issue(status=S.PUBLISHED, year=2024, number=20, theme="公开的一期")
    factories.article(issue=public, section="上海", title="公开文章甲", region_tags=["北京"], topics=["碳市场"])
    factories.article(issue=public, section="广东", title="公开文章乙", topics=["并购重组"])
    for number, (status, published_at, word) in enumerate(HIDDEN.values(), start=21):
        issue = factories.issue(status=status, year=2024, number=number, theme=f"{word}主题", published_at=published_at)
        # In a public section too, so region pages and feeds that list that section are tested.
        hidden_article(issue, word, section="上海")
    hidden_article(None, UNPLACED, section="广东")
    return public


def links(response, url):
    """Same-site links of a page, feed, sitemap or robots.txt."""
    content_type = response.get("Content-Type", "")
    body = response.content
    found = []
    if "html" in content_type:
        document = html5lib.parse(body, treebuilder="etree", namespaceHTMLElements=False)
        for element in document.iter():
            for attribute in ("href", "src", "action"):
                if isinstance(element.tag, str) and element.get(attribute):
                    found.append(element.get(attribute))
    elif "xml" in content_type:
        root = ET.fromstring(body)
        for element in root.iter():
            if element.text and element.tag.split("}")[-1] in {"loc", "link", "id", "guid", "comments"}:
                found.append(element.text.strip())
            if element.get("href"):
                found.append(element.get("href"))
        # URLs inside the items' HTML, too.
        for element in root.iter():
            if element.text and "<" in element.text:
                found += re.findall(r'(?:href|src)="([^"]+)"', element.text)
    elif "text/plain" in content_type:
        found += re.findall(r"(?:Sitemap|Allow):\s*(\S+)", body.decode())
    out = []
    for link in found:
        absolute = urljoin("http://testserver" + url, link)
        parts = urlsplit(absolute)
        if parts.netloc != "testserver" or parts.scheme not in ("http", "https"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP_PREFIXES) or path.endswith("/pdf/"):
            continue
        out.append(path)
    return out


def crawl(client, starts):
    seen, queue, pages = set(starts), deque(starts), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            target = urlsplit(response["Location"]).path
            if target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if response.status_code != 200:
            continue
        pages[url] = response.content.decode("utf-8", "replace")
        for link in links(response, url):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


def test_a_crawler_following_every_link_from_home_feeds_and_sitemap_finds_no_hidden_content(client, archive):
    pages = crawl(client, ["/", "/feeds/", "/sitemap.xml", "/robots.txt"])
    # The crawl reached the public content it should (and so would have reached leaks too).
    assert len(pages) < MAX_PAGES, "crawl bound hit: raise MAX_PAGES or the test may miss pages"
    visited = set(pages)
    assert archive.get_absolute_url() in visited
    assert any(url.startswith("/regions/") for url in visited) and any(url.startswith("/tags/") for url in visited)
    assert any(url.startswith("/feeds/regions/") for url in visited)
    assert any("公开文章甲" in html for html in pages.values())
    words = [word for _, _, word in HIDDEN.values()] + [UNPLACED]
    leaks = []
    for url, html in pages.items():
        lowered = html.lower()
        for word in words:
            for piece in (word, word[:5], re.sub(r"[^A-Z]", "", word).lower()):
                if piece.lower() in lowered:
                    leaks.append(f"{url}: {piece}")
    assert leaks == []
    # Hidden issues' numbers are not reachable either.
    for number in range(21, 21 + len(HIDDEN)):
        assert f"/issues/2024/{number}/" not in visited


@pytest.mark.parametrize("word", [word for _, _, word in HIDDEN.values()] + [UNPLACED])
def test_searching_for_words_of_non_public_articles_finds_nothing(client, archive, word):
    ascii_word = re.sub(r"[^A-Z]", "", word)
    for query in (word, word[:5], ascii_word, ascii_word.lower(), f"{word}标题", f"{word}日报", f"{word}图注"):
        for extra in ("", "&region=shanghai", "&year=2024"):
            response = client.get(reverse("newsletter:search") + f"?q={query}{extra}")
            assert response.status_code == 200
            html = response.content.decode()
            assert 'class="result-title"' not in html, (query, extra)
            assert "正文第一段" not in html  # body text of a hidden article (never part of a query)
    # The same search does find public words, so the search itself works.
    found = client.get(reverse("newsletter:search") + "?q=公开文章甲").content.decode()
    assert 'class="result-title"' in found and "公开文章甲" in found


def test_direct_urls_of_hidden_issues_and_their_articles_answer_404(client, archive):
    for number, (_, (status, _, word)) in enumerate(HIDDEN.items(), start=21):
        issue = Issue.objects.get(year=2024, number=number)
        article = issue.articles.get()
        for url in (issue.get_absolute_url(), article.get_absolute_url(), f"{issue.get_absolute_url()}?print=1"):
            response = client.get(url)
            assert response.status_code == 404, (status, url)
            assert word not in response.content.decode()
        assert client.get(reverse("newsletter:issue_pdf", args=[2024, number])).status_code == 404
    topic_slug = Issue.objects.get(number=21).articles.get().topics.get().slug
    response = client.get(reverse("newsletter:tag_detail", args=[topic_slug]))
    assert HIDDEN["draft"][2] not in response.content.decode()
