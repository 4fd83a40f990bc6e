"""Feeds as feed readers see them: parsed with feedparser (a real feed client) and as raw XML."""

import datetime
import email.utils
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.utils import timezone

from newsletter.feed_generators import absolutize_urls
from newsletter.models import Issue
from tests import factories

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
SITE_FEEDS = ["/feeds/issues/", "/feeds/issues/atom/", "/feeds/articles/", "/feeds/articles/atom/"]


def beijing(*args):
    return datetime.datetime(*args, tzinfo=BEIJING)


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    # Unsanitised and unresolved, so the tests see the HTML exactly as we send it.
    parsed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return parsed


def is_atom(url):
    return url.endswith("/atom/")


def date_suffix(url):
    return "+08:00" if is_atom(url) else "+0800"


def all_feed_urls(region_slug="shanghai", topic_slug="tan-shi-chang"):
    urls = list(SITE_FEEDS)
    for base in (f"/feeds/regions/{region_slug}/", f"/feeds/tags/{topic_slug}/"):
        urls += [base, base + "atom/"]
    return urls


@pytest.fixture
def two_issues(db):
    older = factories.issue(year=2024, number=23, total_number=297, published_at=beijing(2024, 12, 5, 10, 0))
    newer = factories.issue(year=2024, number=24, total_number=298, published_at=beijing(2024, 12, 19, 10, 0))
    factories.article(issue=older, section="区域", title="旧一期的文章", body="旧一期正文。")
    first = factories.article(
        issue=newer,
        section="区域",
        title="全国碳市场交易激增",
        short_title="碳市场交易激增",
        body="碳市场正文第一段。\n\n## 履约压力\n\n第二段。",
        sources=[
            ("金融时报", datetime.date(2024, 12, 10)),
            ("中央财经大学绿色金融国际研究院", datetime.date(2024, 12, 10)),
        ],
        region_tags=("湖北", "北京"),
        topics=("碳市场",),
    )
    second = factories.article(
        issue=newer, section="上海", title="上海发布并购重组行动方案", body="上海正文。", topics=("并购重组",)
    )
    return older, newer, first, second


@pytest.mark.parametrize("url", ["/feeds/issues/", "/feeds/issues/atom/"])
def test_issues_feed_has_one_item_per_published_issue_newest_first(client, two_issues, url):
    older, newer, first, second = two_issues
    feed = parse(client, url)
    assert [e.title for e in feed.entries] == [
        "《双周决策观察》2024年第24期（总第298期）",
        "《双周决策观察》2024年第23期（总第297期）",
    ]
    assert [e.link for e in feed.entries] == ["http://testserver/issues/2024/24/", "http://testserver/issues/2024/23/"]
    assert [e.id for e in feed.entries] == [
        f"tag:testserver,2024:sszjc/issue/{newer.pk}",
        f"tag:testserver,2024:sszjc/issue/{older.pk}",
    ]
    entry = feed.entries[0]
    assert entry.published.endswith(date_suffix(url))
    assert datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC) == beijing(2024, 12, 19, 10, 0)


@pytest.mark.parametrize("url", ["/feeds/issues/", "/feeds/issues/atom/"])
def test_issue_summary_is_the_table_of_contents_by_region_and_content_is_the_whole_issue(client, two_issues, url):
    _, _, first, second = two_issues
    entry = parse(client, url).entries[0]
    summary = entry.summary
    assert summary.index("【区域】") < summary.index("碳市场交易激增") < summary.index("【上海】")
    assert f'href="http://testserver{first.get_absolute_url()}"' in summary
    assert "碳市场正文第一段" not in summary
    content = entry.content[0].value
    for text in (
        "碳市场正文第一段",
        "履约压力",
        "第二段",
        "上海正文",
        "（金融时报 中央财经大学绿色金融国际研究院 20241210）",
    ):
        assert text in content
    assert "【上海】" in content and "甲编辑" in content and "测试研究院" in content
    assert entry.content[0].type == "text/html"


@pytest.mark.parametrize("url", ["/feeds/articles/", "/feeds/articles/atom/"])
def test_articles_feed_gives_full_text_categories_and_sources(client, two_issues, url):
    _, newer, first, second = two_issues
    feed = parse(client, url)
    assert len(feed.entries) == 3
    entry = next(e for e in feed.entries if e.title == "全国碳市场交易激增")
    assert entry.link == f"http://testserver{first.get_absolute_url()}"
    assert entry.id == f"tag:testserver,2024:sszjc/article/{first.pk}"
    assert entry.published.endswith(date_suffix(url))
    assert [t.term for t in entry.tags] == ["区域", "北京", "湖北", "碳市场"]
    content = entry.content[0].value
    assert "碳市场正文第一段" in content and "第二段" in content
    assert "金融时报" in content and "中央财经大学绿色金融国际研究院" in content
    assert "《双周决策观察》2024年第24期（总第298期）" in content
    assert [e.title for e in feed.entries][-1] == "旧一期的文章"  # the older issue's article comes last


def test_articles_feed_holds_the_latest_fifty(client):
    old = factories.issue(published_at=beijing(2024, 1, 4, 10, 0))
    oldest_article = factories.article(issue=old, title="最早的一篇", sources=())
    new = factories.issue(published_at=beijing(2024, 2, 1, 10, 0))
    for n in range(50):
        factories.article(issue=new, title=f"新文章{n}", sources=())
    feed = parse(client, "/feeds/articles/")
    assert len(feed.entries) == 50
    assert oldest_article.title not in [e.title for e in feed.entries]


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_region_feed_holds_articles_filed_under_or_tagged_with_the_region(client, two_issues, suffix):
    _, _, first, second = two_issues
    beijing_feed = parse(client, "/feeds/regions/beijing/" + suffix)
    assert [e.title for e in beijing_feed.entries] == ["全国碳市场交易激增"]
    assert beijing_feed.feed.title == "《双周决策观察》 · 【北京】"
    shanghai_feed = parse(client, "/feeds/regions/shanghai/" + suffix)
    assert [e.title for e in shanghai_feed.entries] == ["上海发布并购重组行动方案"]
    assert shanghai_feed.feed.link == "http://testserver/regions/shanghai/"


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_topic_feed_holds_only_articles_with_the_topic(client, two_issues, suffix):
    feed = parse(client, "/feeds/tags/tan-shi-chang/" + suffix)
    assert [e.title for e in feed.entries] == ["全国碳市场交易激增"]
    assert feed.feed.title == "《双周决策观察》 · 主题：碳市场"
    assert feed.feed.link == "http://testserver/tags/tan-shi-chang/"


def test_correcting_an_issue_after_publication_keeps_its_id_and_moves_updated(client, two_issues):
    _, newer, first, _ = two_issues
    atom_before = parse(client, "/feeds/issues/atom/").entries[0]
    rss_before = parse(client, "/feeds/issues/")
    articles_before = parse(client, "/feeds/articles/atom/")
    assert atom_before.updated == "2024-12-19T10:00:00+08:00"

    # As the correction workflow does: the numbering and theme are fixed, corrected_at is set.
    newer.number, newer.total_number, newer.theme = 25, 299, "碳市场专题"
    newer.corrected_at = beijing(2024, 12, 21, 9, 30)
    newer.save()

    atom_after = parse(client, "/feeds/issues/atom/").entries[0]
    assert atom_after.id == atom_before.id
    assert atom_after.title == "《双周决策观察》2024年第25期（总第299期）：碳市场专题"
    assert atom_after.link == "http://testserver/issues/2024/25/"
    assert atom_after.updated == "2024-12-21T09:30:00+08:00"
    assert atom_after.published == atom_before.published
    rss_after = parse(client, "/feeds/issues/")
    assert rss_after.entries[0].id == rss_before.entries[0].id
    assert rss_after.feed.updated_parsed > rss_before.feed.updated_parsed  # lastBuildDate moved
    article_entry = next(e for e in parse(client, "/feeds/articles/atom/").entries if e.title == first.title)
    assert article_entry.id == next(e.id for e in articles_before.entries if e.title == first.title)
    assert article_entry.updated == "2024-12-21T09:30:00+08:00"


class _UrlCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.images = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[name] for name in ("href", "src") if name in attrs]
        if tag == "img":
            self.images.append(attrs)


def content_fragments(xml):
    """Every HTML fragment inside a feed: RSS description and content:encoded, Atom summary and content."""
    root = ET.fromstring(xml)
    paths = ["channel/item/description", "channel/item/content:encoded", "atom:entry/atom:summary"]
    paths.append("atom:entry/atom:content")
    return [el.text or "" for path in paths for el in root.findall(path, NS)]


def test_every_href_and_src_inside_feed_content_is_absolute_and_images_are_described(client):
    issue = factories.issue(published_at=beijing(2024, 12, 19, 10, 0))
    article = factories.article(
        issue=issue,
        section="上海",
        body="见[上一期](/issues/2024/1/)和[本期目录](#toc)，[相对链接](../other/)。\n\n[[figure:1]]\n\n完。",
        topics=("碳市场",),
    )
    factories.figure(article, caption="成交量")
    article.refresh_from_db()
    assert 'src="/media/' in article.body_html  # stored relative: the feed must fix it
    checked_images = 0
    for url in all_feed_urls():
        fragments = content_fragments(client.get(url).content)
        assert fragments, url
        for fragment in fragments:
            collector = _UrlCollector()
            collector.feed(fragment)
            for found in collector.urls:
                parts = urlsplit(found)
                assert parts.scheme in ("http", "https") and parts.netloc, (url, found)
            for image in collector.images:
                assert image["src"].startswith("http://testserver/media/figures/")
                assert image["width"] == "40" and image["height"] == "30" and image["alt"] == "成交量的示意"
                checked_images += 1
    assert checked_images >= 8  # the figure appeared in the content of every feed


def test_absolutize_urls_rewrites_attributes_but_never_text():
    html = '<p title="a>b"><a href="/x?a=1&amp;b=2">x</a> href="/text"</p><img src=\'rel.png\' alt="">'
    result = absolutize_urls(html, "https://example.org/issues/2024/24/")
    assert '<a href="https://example.org/x?a=1&amp;b=2">' in result
    assert ' href="/text"</p>' in result
    assert 'src="https://example.org/issues/2024/24/rel.png"' in result
    assert (
        absolutize_urls('<a href="mailto:ed@example.org">m</a>', "http://t/") == '<a href="mailto:ed@example.org">m</a>'
    )


@pytest.mark.parametrize("url", all_feed_urls())
def test_feed_xml_carries_the_elements_the_w3c_validator_requires(client, two_issues, url):
    response = client.get(url)
    root = ET.fromstring(response.content)
    self_url = f"http://testserver{url}"
    if not is_atom(url):
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        for name in ("title", "link", "description", "language", "lastBuildDate"):
            assert (channel.findtext(name) or "").strip(), name
        assert channel.find("atom:link", NS).attrib == {"rel": "self", "href": self_url}
        items = channel.findall("item")
        assert items
        for item in items:
            assert item.findtext("title") and item.findtext("link").startswith("http://testserver/")
            guid = item.find("guid")
            assert guid.text.startswith("tag:testserver,2024:") and guid.get("isPermaLink") == "false"
            published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
            assert published.utcoffset() == datetime.timedelta(hours=8)
            assert item.findtext("content:encoded", namespaces=NS)
    else:
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
        assert root.findtext("atom:title", namespaces=NS) and root.findtext("atom:id", namespaces=NS)
        assert datetime.datetime.fromisoformat(root.findtext("atom:updated", namespaces=NS)).utcoffset() == (
            datetime.timedelta(hours=8)
        )
        assert root.findtext("atom:author/atom:name", namespaces=NS) == "测试研究院、测试档案馆"
        links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
        assert links["self"] == self_url and links["alternate"].startswith("http://testserver/")
        entries = root.findall("atom:entry", NS)
        assert entries
        for entry in entries:
            assert entry.findtext("atom:id", namespaces=NS).startswith("tag:testserver,2024:")
            assert entry.findtext("atom:title", namespaces=NS)
            updated = datetime.datetime.fromisoformat(entry.findtext("atom:updated", namespaces=NS))
            assert updated.utcoffset() == datetime.timedelta(hours=8)
            assert entry.find("atom:link", NS).get("rel") == "alternate"
            assert entry.find("atom:content", NS).get("type") == "html"


def test_demo_content_feeds_parse_without_warnings(client, demo):
    assert Issue.objects.published().exists()
    for url in SITE_FEEDS:
        feed = parse(client, url)
        assert feed.entries, url
        assert all(e.get("content") and e.content[0].value for e in feed.entries)


def test_a_feed_with_no_items_is_valid_and_does_not_change_between_requests(client, settings):
    # A site-wide feed before anything is published (an empty region or topic feed is 404 instead,
    # see tests/test_feed_requests.py). Not from the page cache, where an earlier test may have left it.
    settings.PAGE_CACHE_ENABLED = False
    first = client.get("/feeds/articles/atom/")
    later = client.get("/feeds/articles/atom/")
    assert first.content == later.content and first["ETag"] == later["ETag"]
    feed = feedparser.parse(first.content)
    assert feed.bozo == 0 and feed.entries == [] and feed.feed.updated.endswith("+08:00")


def test_scheduled_issue_appears_once_due(client):
    due = factories.issue(status=Issue.Status.SCHEDULED, published_at=timezone.now() - datetime.timedelta(minutes=1))
    factories.issue(status=Issue.Status.SCHEDULED, published_at=timezone.now() + datetime.timedelta(hours=1))
    assert [e.id for e in parse(client, "/feeds/issues/").entries] == [f"tag:testserver,2024:sszjc/issue/{due.pk}"]
