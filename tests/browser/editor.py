"""Driving the article body's rich-text editor as a person does: clicks and real keystrokes."""

from playwright.sync_api import expect


def body_editor(page):
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    return editor


def replace_body(page, paragraphs):
    """Select everything in the body and type these paragraphs instead (Enter between them)."""
    editor = body_editor(page)
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    for index, paragraph in enumerate(paragraphs):
        if index:
            page.keyboard.press("Enter")
        page.keyboard.type(paragraph)


def toolbar(page, name):
    """A toolbar button by its (Chinese) name."""
    return page.locator(".field-body .prose-menubar").get_by_role("button", name=name, exact=True)


def dialog(page):
    return page.locator("dialog[open]")
