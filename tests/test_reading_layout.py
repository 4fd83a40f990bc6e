"""What readers trip over on the article, issue and 订阅 pages: the source said once, headings that do
not skip levels, a way back from the print layout, and feed addresses that are never cut off."""

import datetime
import re

import html5lib
import pytest

from newsletter.models import Outlet, Source

from . import factories as f

pytestmark = pytest.mark.django_db
NS = {"h": "http://www.w3.org/1999/xhtml"}
H = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def parse(response):
    assert response.status_code == 200
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(response.content)


def text_of(element):
    return "".join(element.itertext())


def headings(document):
    """The heading levels of a page in document order."""
    return [int(e.tag[-1]) for e in document.iter() if re.fullmatch(rf"{re.escape(H)}h[1-6]", str(e.tag))]


def assert_no_skipped_level(levels):
    assert levels and levels[0] == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


BODY = "导语。\n\n## 第一节\n\n正文。\n\n### 第一节的小节\n\n正文。\n\n## 第二节\n\n正文。"
DEEP_FIRST = "导语。\n\n#### 直接写了四级标题\n\n正文。\n\n## 然后是二级\n\n正文。"


@pytest.fixture
def issue_with_headings(db):
    issue = f.issue(year=2024, number=24, total_number=298)
    first = f.article(issue, title="有小标题的文章", body=BODY)
    second = f.article(issue, section="上海", title="标题从四级写起的文章", body=DEEP_FIRST)
    return issue, first, second


def test_article_page_headings_do_not_skip_levels(client, issue_with_headings):
    _, first, second = issue_with_headings
    document = parse(client.get(first.get_absolute_url()))
    assert_no_skipped_level(headings(document))
    body = document.find(".//h:div[@class='article-body']", NS)
    # The body keeps its structure, one level under the title: sections h2, their subsections h3.
    assert [(e.tag[-2:], text_of(e)) for e in body.iter() if re.fullmatch(rf"{re.escape(H)}h[1-6]", str(e.tag))] == [
        ("h2", "第一节"),
        ("h3", "第一节的小节"),
        ("h2", "第二节"),
    ]
    assert_no_skipped_level(headings(parse(client.get(second.get_absolute_url()))))


def test_issue_page_headings_do_not_skip_levels(client, issue_with_headings):
    issue, _, _ = issue_with_headings
    for url in (issue.get_absolute_url(), issue.get_absolute_url() + "?print=1"):
        document = parse(client.get(url))
        assert_no_skipped_level(headings(document))
        titles = document.findall(".//h:article[@class='issue-article']/h:h3", NS)
        assert [text_of(t) for t in titles] == ["有小标题的文章", "标题从四级写起的文章"]


def test_article_page_names_its_sources_once_with_links(client, db):
    issue = f.issue()
    article = f.article(
        issue,
        title="两家媒体同日报道",
        body="正文只有一段。",
        sources=(("甲日报", datetime.date(2024, 12, 10)), ("乙时报", datetime.date(2024, 12, 10))),
    )
    Source.objects.filter(article=article, outlet=Outlet.objects.get(name="甲日报")).update(
        url="https://example.org/jia"
    )
    document = parse(client.get(article.get_absolute_url()))
    main = document.find(".//h:main", NS)
    text = text_of(main)
    assert text.count("甲日报") == 1 and text.count("乙时报") == 1, text
    assert text.count("20241210") + text.count("2024 年 12 月 10 日") == 1, text
    links = {a.get("href"): text_of(a) for a in main.iter(f"{H}a")}
    assert links["https://example.org/jia"] == "甲日报"
    (line,) = main.findall(".//h:p[@class='source-line']", NS)
    assert text_of(line) == "来源：" + article.source_line() == "来源：（甲日报 乙时报 20241210）"
    # The issue page keeps the print edition's closing line.
    assert "（甲日报 乙时报 20241210）" in client.get(issue.get_absolute_url()).content.decode()


def test_print_layout_keeps_a_way_back_and_a_print_button_hidden_when_printing(client, issue_with_headings):
    issue, _, _ = issue_with_headings
    url = issue.get_absolute_url()
    document = parse(client.get(url + "?print=1"))
    bar = document.find(".//h:main//h:nav[@class='print-view-bar']", NS)
    assert bar is not None
    assert {a.get("href"): text_of(a).strip() for a in bar.findall(".//h:a", NS)} == {url: "← 返回网页版"}
    button = bar.find(".//h:button[@class='print-button']", NS)
    # Shown by static/js/print.js; without JavaScript the hint says how to print instead.
    assert button is not None and button.get("hidden") is not None and text_of(button) == "打印"
    assert "Ctrl+P" in text_of(bar)
    scripts = [s.get("src") for s in document.iter(f"{H}script") if s.get("type") != "application/ld+json"]
    assert scripts == ["/static/js/print.js"]
    assert all(not (s.text or "").strip() for s in document.iter(f"{H}script") if s.get("src"))
    # The normal page has no such bar and loads no script.
    normal = parse(client.get(url))
    assert normal.find(".//h:nav[@class='print-view-bar']", NS) is None
    assert [s for s in normal.iter(f"{H}script") if s.get("type") != "application/ld+json"] == []


def test_print_bar_is_hidden_by_the_print_stylesheet():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/print.css"), encoding="utf-8").read()
    rule = re.search(r"@media print\s*{([^{}]*{[^{}]*})*[^{}]*}", css)
    assert rule and ".print-view-bar" in rule.group(0) and "display: none" in rule.group(0)


@pytest.fixture
def feeds(db):
    issue = f.issue()
    for n, region in enumerate(("上海", "广东", "浙江", "北京")):
        f.article(issue, section=region, topics=(f"主题{n}", "碳市场"))


def test_feeds_page_shows_each_feed_with_links_and_copy_buttons_and_no_cut_off_address_boxes(client, feeds):
    response = client.get("/feeds/")
    document = parse(response)
    main = document.find(".//h:main", NS)
    # Address boxes cut long addresses off on a phone; the addresses are links and text instead.
    assert main.findall(".//h:input", NS) == []
    links = [a.get("href") for a in main.iter(f"{H}a") if "/feeds/" in (a.get("href") or "")]
    buttons = main.findall(".//h:button", NS)
    assert {b.get("data-copy") for b in buttons} == set(links)
    assert "http://testserver/feeds/regions/shanghai/" in links
    assert "http://testserver/feeds/tags/tan-shi-chang/atom/" in links
    for button in buttons:
        assert button.get("hidden") is not None  # shown by static/js/feeds.js; the links work without it
        assert button.get("aria-label", "").startswith("复制")
    # The site-wide feeds show their whole address as text, so it can be read and typed.
    codes = [text_of(c) for c in main.iter(f"{H}code")]
    assert "http://testserver/feeds/issues/" in codes and "http://testserver/feeds/articles/" in codes
    scripts = [s.get("src") for s in document.iter(f"{H}script") if s.get("type") != "application/ld+json"]
    assert scripts == ["/static/js/feeds.js"]
