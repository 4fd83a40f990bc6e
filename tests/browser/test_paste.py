"""Paste in the article editor: a real ``paste`` event carrying each sample clipboard's text/html reaches the
server's cleaning and the editor holds what expected.json asks for; a Word paste is stored as such."""

import pytest
from playwright.sync_api import expect

from newsletter.models import Article, Issue
from tests.paste_helpers import expectations, problems, sample_dir

pytestmark = pytest.mark.browser

PASTE = """([html, text]) => {
  const editor = document.querySelector('.ProseMirror[contenteditable=true]')
  editor.focus()
  const data = new DataTransfer()
  data.setData('text/html', html)
  data.setData('text/plain', text)
  editor.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}))
}"""


def _open_empty_body(page):
    article = Article.objects.filter(issue__status=Issue.Status.DRAFT).order_by("pk").first()
    assert article is not None, "the demo has a draft issue with articles"
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    return article


def _editor_html(page):
    return page.locator("textarea#id_body").input_value()


@pytest.mark.parametrize("name", sorted(expectations()))
def test_pasting_each_sample_clipboard_keeps_its_structure_in_the_editor(login, name):
    page = login("editor")
    _open_empty_body(page)
    raw = (sample_dir() / name).read_text(encoding="utf-8")
    with page.expect_response("**/admin/newsletter/article/paste/clean/") as answer:
        page.evaluate(PASTE, [raw, ""])
    assert answer.value.status == 200
    expected = expectations()[name]
    last = expected["text"][-1]["text"]
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text(last[-10:])
    page.wait_for_function("(tail) => document.querySelector('textarea#id_body').value.includes(tail)", arg=last[-10:])
    assert problems(_editor_html(page), expected) == []


def test_a_pasted_word_document_is_stored_with_its_headings_list_bold_and_link(login):
    page = login("editor")
    article = _open_empty_body(page)
    raw = (sample_dir() / "word-1.html").read_text(encoding="utf-8")
    with page.expect_response("**/admin/newsletter/article/paste/clean/"):
        page.evaluate(PASTE, [raw, ""])
    expect(page.locator(".ProseMirror[contenteditable=true] li")).to_have_count(3)
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert "深圳发布11条举措促进即时零售高质量发展" in article.body
    assert "**业态规模方面**" in article.body
    assert "http://commerce.sz.gov.cn/" in article.body
    for fragment in ("mso-", "<span", "仿宋", "<o:p"):
        assert fragment not in article.body
