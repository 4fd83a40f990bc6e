"""Public pages in Chromium: a phone-sized screen and the printed page."""

import pytest
from playwright.sync_api import expect

from newsletter.models import Issue

from .pages import public_pages

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375

# The elements that stick out past the right edge of the viewport, to name them in a failure.
OVERFLOWING = """width => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
               + ' (right edge ' + Math.round(el.getBoundingClientRect().right) + 'px)')"""


def test_public_pages_have_no_horizontal_scroll_at_375_pixels(new_context):
    page = new_context(viewport={"width": PHONE_WIDTH, "height": 812}).new_page()
    too_wide = {}
    for name, path in public_pages().items():
        response = page.goto(path)
        assert response.status == 200, f"{name} {path}: {response.status}"
        expect(page.locator("main")).to_be_visible()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE_WIDTH:
            too_wide[f"{name} {path}"] = (scroll_width, page.evaluate(OVERFLOWING, PHONE_WIDTH))
    assert not too_wide, f"pages wider than {PHONE_WIDTH}px: {too_wide}"


def test_printing_an_issue_page_hides_the_navigation_and_keeps_the_articles(reader):
    issue = Issue.objects.published().order_by("-published_at").first()
    first_title = issue.articles_in_order()[0].title
    reader.goto(issue.get_absolute_url())
    navigation = [reader.locator(".site-nav"), reader.locator(".header-search"), reader.locator(".site-footer")]
    for part in navigation:
        expect(part).to_be_visible()

    reader.emulate_media(media="print")
    for part in navigation:
        expect(part).to_be_hidden()
    expect(reader.locator("main").get_by_text(first_title).first).to_be_visible()
    expect(reader.locator(".masthead")).to_be_visible()
