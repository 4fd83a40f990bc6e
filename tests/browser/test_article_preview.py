"""The live preview beside the article editor, in Chromium: typing shows up in the preview with the
public page's layout, and nothing is saved until 「保存」."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from newsletter.models import Article, ArticleRevision, Issue

pytestmark = pytest.mark.browser

TYPED = "实时预览测试文字"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def editable_article():
    return (
        Article.objects.filter(issue__status__in=[Issue.Status.DRAFT, Issue.Status.CHANGES_REQUESTED])
        .exclude(body="")
        .order_by("pk")
        .first()
    )


def preview_frame(page):
    return page.frame_locator("iframe.article-preview-frame")


def test_typing_in_the_editor_updates_the_preview_with_the_public_layout_and_saves_nothing(login):
    article = editable_article()
    assert article is not None, "the demo content has an article in an issue being edited"
    stored = (article.body, article.title, article.version, ArticleRevision.objects.count())

    page = login("editor")
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    editor = page.locator(".field-body .prose-editor > .ProseMirror")
    expect(editor).to_be_visible()
    pane = page.locator("aside.article-preview")
    expect(pane).to_be_visible()
    frame = preview_frame(page)
    # The first render: the article page of the stored text, laid out by the site's own stylesheet.
    expect(frame.locator("h1.article-title")).to_have_text(article.title)

    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(TYPED)
    expect(frame.locator(".article-body")).to_contain_text(TYPED)
    page.locator("#id_title").fill("预览中的新标题")
    expect(frame.locator("h1.article-title")).to_have_text("预览中的新标题")

    # The public page's layout: its body class, and site.css applied (the reading column is capped).
    assert frame.locator("body.article-page").count() == 1
    max_width = frame.locator("main").evaluate("element => getComputedStyle(element).maxWidth")
    assert max_width not in ("none", ""), max_width
    # The pane sits beside the editor at 1280 px, not below it.
    form_box = page.locator("#content-main").bounding_box()
    pane_box = pane.bounding_box()
    assert pane_box["x"] >= form_box["x"] + form_box["width"] - 1, (form_box, pane_box)
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 1280, page_width
    # No script runs in the preview: the iframe is sandboxed without allow-scripts.
    assert page.locator("iframe.article-preview-frame").get_attribute("sandbox") == "allow-same-origin"

    # 「期刊中」: the article in its issue among the others, with the typed text.
    page.get_by_role("button", name="期刊中").click()
    expect(frame.locator(f"#{article.anchor}")).to_contain_text(TYPED)
    expect(frame.locator("body.issue-page")).to_have_count(1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "article-editor-preview-1280.png"))

    page.wait_for_timeout(300)
    article.refresh_from_db()
    assert (article.body, article.title, article.version, ArticleRevision.objects.count()) == stored


def test_on_a_narrow_screen_the_preview_sits_under_the_editor_and_can_be_shown(login):
    article = editable_article()
    page = login("editor")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    expect(page.locator(".field-body .prose-editor > .ProseMirror")).to_be_visible()
    pane = page.locator("aside.article-preview")
    toggle = pane.get_by_role("button", name="显示预览")
    expect(toggle).to_be_visible()
    # Right after the body's row, not after the whole form.
    assert page.evaluate(
        "document.querySelector('aside.article-preview').previousElementSibling.classList.contains('field-body')"
    )
    toggle.click()
    expect(preview_frame(page).locator("h1.article-title")).to_have_text(article.title)
    expect(pane.get_by_role("button", name="隐藏预览")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pane.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "article-editor-preview-375.png"))


def test_without_the_pane_the_preview_button_opens_the_unsaved_page_in_a_new_tab(new_context, login):
    article = editable_article()
    page = login("editor")
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    # The button the pane replaces still works when used directly (it is what a browser without
    # JavaScript shows): it posts the form to the preview, in a new tab.
    button = page.locator("[data-preview-url]")
    page.locator("#id_title").fill("新窗口预览标题")
    with page.context.expect_page() as opened:
        button.evaluate("button => button.closest('.article-preview-open').style.display = 'block'")
        button.click()
    preview = opened.value
    expect(preview.locator("h1.article-title")).to_have_text("新窗口预览标题")
    assert re.search(r"/preview/$", preview.url)
    article.refresh_from_db()
    assert article.title != "新窗口预览标题"
