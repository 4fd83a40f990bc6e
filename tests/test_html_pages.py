"""Every public page is well-formed HTML5 with the metadata readers' tools and search engines need."""

import json
import re

import html5lib
import pytest

from newsletter.models import Issue

from . import factories as f

pytestmark = pytest.mark.django_db
NS = {"h": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def site(db):
    issue = f.issue(year=2024, number=24, total_number=298, theme="碳市场与数据要素")
    first = f.article(
        issue,
        title="11 月全国碳市场交易激增",
        body="正文 **加粗**。\n\n[[figure:1]]\n\n| 指标 | 数值 |\n| --- | --- |\n| 成交量 | 6083 |",
        region_tags=("湖北",),
        topics=("碳市场",),
        summary="全国碳市场 11 月成交放量。",
    )
    second = f.article(issue, section="上海", title="上海发布并购重组三年行动方案", topics=("并购重组",))
    f.figure(first, caption="地方试点碳市场成交情况")
    f.figure(first, caption="还没有图片文件的图", position=2, with_image=False)
    older = f.issue(year=2023, number=20, total_number=270)
    f.article(older, title="旧的一期里的碳市场文章", topics=("碳市场",))
    return {"issue": issue, "first": first, "second": second}


def public_urls(site):
    return [
        "/",
        "/issues/",
        "/issues/2024/",
        "/issues/2023/",
        site["issue"].get_absolute_url(),
        site["issue"].get_absolute_url() + "?print=1",
        site["first"].get_absolute_url(),
        site["second"].get_absolute_url(),
        "/regions/",
        "/regions/hubei/",
        "/regions/shanghai/",
        site["first"].topics.get().get_absolute_url(),
        "/search/",
        "/search/?q=碳",
        "/search/?q=碳市场",
        "/search/?q=碳市场&region=hubei&year=2024",
    ]


def parse(response):
    """Parse strictly: any HTML5 parse error fails the test."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(response.content)


def test_every_public_page_is_well_formed_html5_in_chinese_with_one_h1_and_alt_texts(client, site):
    for url in public_urls(site) + ["/issues/2024/99/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        document = parse(response)
        assert document.get("lang") == "zh-CN", url
        assert len(document.findall(".//h:h1", NS)) == 1, url
        for image in document.findall(".//h:img", NS):
            assert image.get("alt"), (url, image.attrib)


def test_error_500_page_is_well_formed(client):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    document = parse(response)
    assert document.get("lang") == "zh-CN"
    assert len(document.findall(".//h:h1", NS)) == 1


def head_of(response):
    document = parse(response)
    head = document.find("h:head", NS)
    meta = {}
    for element in head.findall("h:meta", NS):
        key = element.get("name") or element.get("property")
        if key:
            meta[key] = element.get("content")
    canonical = head.find("h:link[@rel='canonical']", NS)
    scripts = [s.text for s in head.findall("h:script[@type='application/ld+json']", NS)]
    return {
        "title": head.find("h:title", NS).text,
        "meta": meta,
        "canonical": canonical.get("href") if canonical is not None else None,
        "json_ld": [json.loads(s) for s in scripts],
    }


def test_pages_have_unique_titles_descriptions_canonical_urls_and_open_graph(client, site):
    urls = [u for u in public_urls(site) if "?" not in u] + ["/regions/hubei/?page=1"]
    titles = {}
    for url in urls:
        head = head_of(client.get(url))
        assert head["title"], url
        assert head["meta"].get("description"), url
        assert head["canonical"] and head["canonical"].startswith("http://testserver/"), url
        for prop in ("og:title", "og:type", "og:url", "og:description", "og:site_name"):
            assert head["meta"].get(prop), (url, prop)
        titles.setdefault(head["title"], []).append(url)
    duplicated = {title: pages for title, pages in titles.items() if len(pages) > 1}
    # ?page=1 is the same page as the region page, so the same title; nothing else may share one.
    assert list(duplicated.values()) == [["/regions/hubei/", "/regions/hubei/?page=1"]]


def test_issue_page_describes_itself_as_a_publication_issue(client, site):
    head = head_of(client.get(site["issue"].get_absolute_url()))
    (data,) = head["json_ld"]
    assert data["@type"] == "PublicationIssue"
    assert data["issueNumber"] == "24"
    assert data["isPartOf"]["@type"] == "Periodical"
    assert head["canonical"] == "http://testserver/issues/2024/24/"
    assert "11 月全国碳市场交易激增" in head["meta"]["description"]
    assert head["meta"]["og:image"].startswith("http://testserver/media/figures/")


def test_article_page_describes_itself_as_a_news_article(client, site):
    head = head_of(client.get(site["first"].get_absolute_url()))
    (data,) = head["json_ld"]
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "11 月全国碳市场交易激增"
    assert data["isPartOf"]["url"] == "http://testserver/issues/2024/24/"
    assert data["articleSection"] == "区域"
    assert "碳市场" in data["keywords"]
    assert head["meta"]["og:type"] == "article"
    assert head["meta"]["description"] == "全国碳市场 11 月成交放量。"


def test_json_ld_cannot_be_broken_out_of_by_article_text(client):
    issue = f.issue()
    article = f.article(issue, title="</script><script>alert(1)</script>&", summary="<!-- x -->")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    opening = '<script type="application/ld+json">'
    script = html[html.index(opening) + len(opening) :]
    script = script[: script.index("</script>")]
    assert "<" not in script and ">" not in script and "&" not in script
    assert "\\u003C/script\\u003E" in script
    head = head_of(response)
    assert head["json_ld"][0]["headline"] == "</script><script>alert(1)</script>&"


def test_drafts_answer_404_with_a_well_formed_page(client):
    draft = f.issue(status=Issue.Status.DRAFT)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    parse(response)


def test_every_public_page_carries_the_site_header_footer_and_feed_discovery(client, site):
    """The header, footer and site feed links are rendered once per process: every page must still
    show them, and the region and topic pages (and a search narrowed to a region) add their own feeds."""
    scoped_feeds = {
        "/regions/hubei/": "/feeds/regions/hubei/",
        "/regions/shanghai/": "/feeds/regions/shanghai/",
        "/search/?q=碳市场&region=hubei&year=2024": "/feeds/regions/hubei/",
        site["first"].topics.get().get_absolute_url(): "/feeds/tags/",
    }
    for url in public_urls(site):
        html = client.get(url).content.decode()
        header = html[html.index('<header class="site-header">') : html.index("</header>")]
        for href in ("/", "/issues/", "/regions/", "/search/"):
            assert f'href="{href}"' in header, (url, href)
        assert '<footer class="site-footer">' in html and "泰达图书馆档案馆 主办" in html, url
        head = html[: html.index("</head>")]
        for feed in ("/feeds/issues/", "/feeds/issues/atom/", "/feeds/articles/", "/feeds/articles/atom/"):
            link = rf'<link rel="alternate" type="application/(rss|atom)\+xml" title="[^"]+" href="{re.escape(feed)}">'
            assert re.search(link, head), (url, feed)
        if url in scoped_feeds:
            assert f'href="{scoped_feeds[url]}' in head, url
        else:
            assert "/feeds/regions/" not in head and "/feeds/tags/" not in head, url
