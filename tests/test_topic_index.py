"""/tags/ lists the topics readers can follow, like /regions/ lists the regions; the topic and region
pages link to it and to their own feeds where readers can see it."""

import datetime
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter.models import Issue

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]
NS = {"h": "http://www.w3.org/1999/xhtml"}


def parse(response):
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(response.content)


def text_of(element):
    return "".join(element.itertext()).strip()


def topic_rows(response):
    """(name, href, count text) for each topic listed on /tags/, in page order."""
    document = parse(response)
    rows = []
    for item in document.findall(".//h:main//h:ul[@class='topic-list']/h:li", NS):
        link = item.find("h:a", NS)
        count = item.find("h:span[@class='count']", NS)
        rows.append((text_of(link), link.get("href"), text_of(count)))
    return rows


@pytest.fixture
def topics(db):
    public = f.issue(year=2024, number=20)
    older = f.issue(year=2023, number=5)
    draft = f.issue(status=Issue.Status.DRAFT, year=2024, number=21)
    withdrawn = f.issue(status=Issue.Status.WITHDRAWN, year=2024, number=22)
    scheduled_later = f.issue(
        status=Issue.Status.SCHEDULED, year=2024, number=23, published_at=timezone.now() + datetime.timedelta(days=3)
    )
    f.article(public, title="碳市场一", topics=("碳市场", "数据要素"))
    f.article(older, title="碳市场二", topics=("碳市场",))
    f.article(older, title="碳市场三", topics=("碳市场",))
    f.article(public, title="并购", topics=("并购重组",))
    f.article(public, title="数据", topics=("数据要素",))
    f.article(older, title="养老", topics=("养老服务",))
    f.article(draft, title="草稿里的主题", topics=("草稿主题", "碳市场"))
    f.article(withdrawn, title="撤回的主题", topics=("撤回主题",))
    f.article(scheduled_later, title="尚未到期的主题", topics=("定时主题",))


def test_tags_index_lists_only_topics_with_public_articles_most_used_first_with_counts(client, topics):
    response = client.get("/tags/")
    assert response.status_code == 200
    rows = topic_rows(response)
    # Most articles first; equal counts in pinyin order (bing-gou… before yang-lao…).
    assert [(name, count) for name, _, count in rows] == [
        ("碳市场", "3 篇"),
        ("数据要素", "2 篇"),
        ("并购重组", "1 篇"),
        ("养老服务", "1 篇"),
    ]
    assert rows[0][1] == "/tags/tan-shi-chang/"
    html = response.content.decode()
    for hidden in ("草稿主题", "撤回主题", "定时主题"):
        assert hidden not in html


def test_tags_index_has_its_own_title_description_and_one_h1(client, topics):
    document = parse(client.get("/tags/"))
    assert text_of(document.find(".//h:title", NS)).startswith("按主题阅读")
    assert "碳市场" in document.find(".//h:meta[@name='description']", NS).get("content")
    assert [text_of(h) for h in document.findall(".//h:h1", NS)] == ["按主题阅读"]


def test_tags_index_without_public_topics_says_so(client, db):
    f.article(f.issue(status=Issue.Status.DRAFT), topics=("草稿主题",))
    response = client.get("/tags/")
    assert response.status_code == 200
    assert topic_rows(response) == []
    assert "暂无主题" in response.content.decode()


def test_tags_index_makes_one_query_whatever_the_number_of_topics(client, db):
    issue = f.issue()
    f.article(issue, topics=("碳市场",))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/tags/").status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(15):
        f.article(issue, topics=(f"主题{n}", "碳市场"))
    assert queries() == few == 1


def test_topic_page_breadcrumb_links_to_the_tags_index(client, topics):
    document = parse(client.get("/tags/tan-shi-chang/"))
    breadcrumb = document.find(".//h:nav[@class='breadcrumb']", NS)
    assert [(a.get("href"), text_of(a)) for a in breadcrumb.findall("h:a", NS)] == [("/tags/", "主题")]


def test_every_page_links_to_the_tags_index_and_the_feeds_page_in_its_navigation(client, topics):
    for url in ("/", "/tags/", "/regions/", "/tags/tan-shi-chang/"):
        document = parse(client.get(url))
        nav = document.find(".//h:header[@class='site-header']//h:nav", NS)
        hrefs = {a.get("href"): text_of(a) for a in nav.findall("h:a", NS)}
        assert hrefs.get("/tags/") == "主题", url
        footer = document.find(".//h:footer[@class='site-footer']", NS)
        assert {a.get("href") for a in footer.iter(f"{{{NS['h']}}}a")} >= {"/tags/", "/feeds/"}, url


def subscribe_links(document):
    """Visible links to feeds in the page's <main> (not the <link>s in <head>)."""
    main = document.find(".//h:main", NS)
    return {a.get("href"): text_of(a) for a in main.iter(f"{{{NS['h']}}}a") if "/feeds/" in (a.get("href") or "")}


def test_topic_page_shows_a_visible_subscribe_link_to_its_feeds(client, topics):
    links = subscribe_links(parse(client.get("/tags/tan-shi-chang/")))
    assert "订阅" in links.get("/feeds/tags/tan-shi-chang/", "")
    assert "/feeds/tags/tan-shi-chang/atom/" in links
    assert client.get("/feeds/tags/tan-shi-chang/").status_code == 200


def test_region_page_shows_a_visible_subscribe_link_to_its_feeds(client, topics):
    links = subscribe_links(parse(client.get("/regions/quyu/")))
    assert "订阅" in links.get("/feeds/regions/quyu/", "")
    assert "/feeds/regions/quyu/atom/" in links
    assert client.get("/feeds/regions/quyu/").status_code == 200


def test_sitemap_lists_the_tags_index_beside_the_other_list_pages(client, topics):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {"http://testserver/regions/", "http://testserver/issues/", "http://testserver/tags/"} <= locations
