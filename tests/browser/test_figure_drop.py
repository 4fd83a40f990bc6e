"""An image file dropped into the article body in Chromium becomes the article's numbered figure where
it was dropped, with the caption and credit the editor typed; readers then see 图 N, the caption and
图片来源 on the public article page."""

import base64
import datetime
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from newsletter.models import Article, Figure, Issue
from tests import factories

pytestmark = pytest.mark.browser

FIRST = "第一段：开发区推行“拿地即开工”审批改革。"
SECOND = "第二段：改革后平均审批时间缩短一半。"


def png_base64():
    buffer = io.BytesIO()
    Image.new("RGB", (240, 160), (30, 90, 160)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def draft_article():
    issue = factories.issue(
        status=Issue.Status.DRAFT, year=2031, number=3, total_number=903, issue_date=datetime.date(2031, 2, 1)
    )
    return factories.article(issue, section="区域", title="拖入图片的文章", body=f"{FIRST}\n\n{SECOND}")


DROP = """
async ({data, text}) => {
  // Coordinates taken at the moment of the drop (the toolbar may still be settling before), at the
  // end of the paragraph containing ``text``, or inside the editor's top left corner.
  const editor = document.querySelector(".prose-editor .tiptap.ProseMirror[contenteditable=true]")
  const paragraph = text ? Array.from(editor.querySelectorAll("p")).find((p) => p.textContent.includes(text)) : null
  const box = (paragraph || editor).getBoundingClientRect()
  const x = paragraph ? box.right - 2 : box.left + 20
  const y = paragraph ? box.top + box.height / 2 : box.top + 10
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
  const transfer = new DataTransfer()
  transfer.items.add(new File([bytes], "审批流程.png", {type: "image/png"}))
  for (const type of ["dragenter", "dragover", "drop"]) {
    editor.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: transfer, clientX: x, clientY: y}))
  }
}
"""


def test_a_dropped_image_becomes_the_numbered_figure_readers_see_with_caption_and_credit(login, new_context):
    article = draft_article()
    page = login("editor")
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    body = page.locator(".prose-editor .tiptap.ProseMirror[contenteditable=true]")
    expect(body).to_contain_text(SECOND)

    page.evaluate(DROP, {"data": png_base64(), "text": "第一段"})

    dialog = page.locator("dialog.figure-upload-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("input[name=caption]").fill("审批流程示意")
    dialog.locator("input[name=credit]").fill("开发区管委会 供图")
    dialog.get_by_role("button", name="插入图片").click()
    expect(page.locator(".figure-upload-status")).to_contain_text("已插入图 1")

    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")

    figure = Figure.objects.get(article=article)
    assert (figure.caption, figure.credit, figure.number) == ("审批流程示意", "开发区管委会 供图", 1)
    stored = Article.objects.get(pk=article.pk)
    # Placed where it was dropped: between the two paragraphs.
    assert re.search(r"第一段.*\n\n\[\[figure:1\]\]\n\n第二段", stored.body, re.S), stored.body

    issue = stored.issue
    issue.status, issue.published_at = Issue.Status.PUBLISHED, timezone.now() - datetime.timedelta(hours=1)
    issue.save()

    reader = new_context().new_page()
    reader.goto(stored.get_absolute_url())
    caption = reader.locator("article figure figcaption, .article-body figure figcaption").first
    expect(caption).to_contain_text("图 1 审批流程示意")
    expect(caption).to_contain_text("图片来源：开发区管委会 供图")
    text = reader.locator(".article-body").inner_text()
    assert text.index("第一段") < text.index("图 1 审批流程示意") < text.index("第二段")
    assert reader.locator(".article-body figure img").evaluate("img => img.naturalWidth") == 240


PASTE = """
({html}) => {
  const transfer = new DataTransfer()
  transfer.setData("text/html", html)
  transfer.setData("text/plain", "")
  const target = document.querySelector(".prose-editor .tiptap.ProseMirror[contenteditable=true]")
  target.focus()
  target.dispatchEvent(new ClipboardEvent("paste", {bubbles: true, cancelable: true, clipboardData: transfer}))
}
"""


def test_a_pasted_web_image_is_downloaded_by_the_server_into_a_figure_in_its_place(login, new_context, settings):
    from tests.test_figure_fetch import serve

    server = serve("127.0.0.1")
    settings.FIGURE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the stand-in for a public news site
    server.routes["/chart.png"] = (200, {"Content-Type": "image/png"}, base64.b64decode(png_base64()))
    source = f"http://127.0.0.1:{server.server_port}/chart.png"
    try:
        article = draft_article()
        page = login("editor")
        page.goto(f"/admin/newsletter/article/{article.pk}/change/")
        body = page.locator(".prose-editor .tiptap.ProseMirror[contenteditable=true]")
        expect(body).to_contain_text(SECOND)
        body.locator("p", has_text="第二段").click()
        page.evaluate(PASTE, {"html": f'<img src="{source}" alt="网站上的统计图">'})

        offer = page.locator(".figure-upload-web-images li", has_text="网站上的统计图")
        expect(offer).to_be_visible()
        assert server.hits == []  # the editor never loads an outside image itself
        offer.get_by_role("button", name="下载此图").click()
        dialog = page.locator("dialog.figure-upload-dialog")
        expect(dialog.locator("input[name=caption]")).to_have_value("网站上的统计图")
        dialog.locator("input[name=credit]").fill("某新闻网")
        dialog.get_by_role("button", name="插入图片").click()
        expect(page.locator(".figure-upload-status")).to_contain_text("已下载为图 1")
        expect(page.locator(".figure-upload-web-images li")).to_have_count(0)
        expect(body.locator("figure[data-figure='1']")).to_contain_text("图片来源：某新闻网")

        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("成功")
        figure = Figure.objects.get(article=article)
        assert (figure.caption, figure.credit, figure.width) == ("网站上的统计图", "某新闻网", 240)
        assert server.hits == ["/chart.png"]
        assert "[[figure:1]]" in Article.objects.get(pk=article.pk).body
    finally:
        server.shutdown()
        server.server_close()


def test_an_image_dropped_into_an_unsaved_article_asks_to_save_first_and_uploads_nothing(login):
    figures = Figure.objects.count()  # the demo's
    page = login("editor")
    page.goto("/admin/newsletter/article/add/")
    body = page.locator(".prose-editor .tiptap.ProseMirror[contenteditable=true]")
    expect(body).to_be_visible()
    page.evaluate(DROP, {"data": png_base64(), "text": ""})
    expect(page.locator(".figure-upload-status")).to_have_text("请先保存文章，再插入图片。")
    expect(page.locator("dialog.figure-upload-dialog")).to_have_count(0)
    assert Figure.objects.count() == figures
