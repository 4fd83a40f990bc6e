"""In Chromium: the 订阅 page is short and whole on a phone and a desktop, its copy buttons copy, the
article and issue pages' headings do not skip levels, and the print layout's way back is not printed."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from newsletter.models import Issue

from .conftest import SCREENSHOTS
from .pages import public_pages

pytestmark = pytest.mark.browser

# Elements showing a feed address whose text does not fit in them (an address box cut off).
CLIPPED_ADDRESSES = """() => [...document.querySelectorAll('main input, main code, main a')]
    .filter(el => (el.value || el.textContent || '').includes('/feeds/'))
    .filter(el => el.scrollWidth > el.clientWidth + 1)
    .map(el => el.tagName.toLowerCase() + ': ' + (el.value || el.textContent))"""

# Heights of the feeds listed after the site-wide ones (regions, topics): one row each.
ROW_HEIGHTS = """() => [...document.querySelectorAll('main .feed-group')].slice(1)
    .flatMap(group => [...group.querySelectorAll('li')])
    .map(li => [li.textContent.trim().split(/\\s+/)[0], Math.round(li.getBoundingClientRect().height)])"""


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_feeds_page_fits_the_screen_shows_whole_addresses_and_lists_one_feed_per_row(new_context, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    assert page.goto("/feeds/").status == 200
    screenshot(page, f"feeds-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    assert page.evaluate(CLIPPED_ADDRESSES) == []
    rows = page.evaluate(ROW_HEIGHTS)
    assert len(rows) >= 10, rows  # the demo's regions and topics
    tall = [(name, height) for name, height in rows if height > 64]
    assert not tall, f"feeds taking more than one row at {width}px: {tall}"


def test_copy_button_puts_the_feed_address_on_the_clipboard(new_context, live_server):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto("/feeds/")
    button = page.locator(".copy-feed-url").first
    expect(button).to_be_visible()  # hidden in the HTML, shown by static/js/feeds.js
    address = button.get_attribute("data-copy")
    assert address == f"{live_server.url}/feeds/issues/"
    button.click()
    expect(button).to_have_text("已复制")
    expect(page.locator(".copy-status")).to_have_text(f"已复制订阅地址：{address}")
    assert page.evaluate("navigator.clipboard.readText()") == address


@pytest.mark.parametrize("name", ["article", "issue"])
def test_article_and_issue_page_headings_do_not_skip_levels(reader, name):
    assert reader.goto(public_pages()[name]).status == 200
    results = Axe().run(reader, options={"runOnly": ["heading-order"], "resultTypes": ["violations", "passes"]})
    response = results.response
    assert [rule["id"] for rule in response["passes"]] == ["heading-order"], "axe did not check heading order"
    assert response["violations"] == [], [
        node["html"] for violation in response["violations"] for node in violation["nodes"]
    ]


def test_print_layout_has_a_way_back_and_a_print_button_that_are_not_printed(reader):
    issue = Issue.objects.published().order_by("-published_at").first()
    reader.goto(issue.get_absolute_url() + "?print=1")
    bar = reader.locator(".print-view-bar")
    back = bar.get_by_role("link", name="← 返回网页版")
    print_button = bar.get_by_role("button", name="打印")
    expect(back).to_be_visible()
    expect(print_button).to_be_visible()
    screenshot(reader, "print-view-screen")
    reader.emulate_media(media="print")
    expect(bar).to_be_hidden()
    expect(reader.locator(".issue-article").first).to_be_visible()
    assert bar.locator("a").count() == 1  # still in the page, only not printed
    reader.emulate_media(media="screen")
    back.click()
    expect(reader).to_have_url(f"{reader.url.split('?')[0]}")
    assert reader.locator(".print-view-bar").count() == 0


def test_tags_index_has_no_serious_or_critical_accessibility_violations(reader):
    assert reader.goto("/tags/").status == 200
    expect(reader.locator(".topic-list li").first).to_be_visible()
    violations = Axe().run(reader).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
