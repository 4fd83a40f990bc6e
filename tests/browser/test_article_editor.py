"""The article body's rich-text editor, used as an editor who has never heard of Markdown uses it:
typing, the toolbar, keyboard shortcuts and the editor's typing shortcuts ("## " starts a
subheading, "> " a quote). What is saved is checked as stored (Markdown) and as readers
see it; saving again without a change stores exactly the same body."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Article, Issue
from tests import factories
from tests.browser.editor import body_editor, dialog, toolbar
from tests.browser.test_editorial_flow import choose

pytestmark = pytest.mark.browser

TITLE = "武汉推出科技金融新举措"
EXPECTED_BODY = """【湖北】武汉推出**科技贷款**和*风险补偿*两项政策。

# 政策要点

## 贷款贴息

1. 首贷贴息
2. 续贷奖励

- 覆盖科技型中小企业
- 覆盖专精特新企业

> 政策有效期三年。

| 项目 | 额度 |
| --- | --- |
| 贴息 | 50% |

详见[政策原文](https://example.com/policy)。"""


def type_article(page):
    editor = body_editor(page)
    editor.click()
    keyboard = page.keyboard
    # A paragraph with the region lead, bold by shortcut and italic by the toolbar.
    keyboard.type("【湖北】武汉推出")
    keyboard.press("ControlOrMeta+b")
    keyboard.type("科技贷款")
    keyboard.press("ControlOrMeta+b")
    keyboard.type("和")
    toolbar(page, "斜体").click()
    keyboard.type("风险补偿")
    toolbar(page, "斜体").click()
    keyboard.type("两项政策。")
    keyboard.press("Enter")
    # Subheadings by the typing shortcuts "## " (小标题) and "### " (二级小标题).
    keyboard.type("## 政策要点")
    keyboard.press("Enter")
    keyboard.type("### 贷款贴息")
    keyboard.press("Enter")
    # Lists from the toolbar; Enter on an empty item ends a list.
    toolbar(page, "编号列表").click()
    keyboard.type("首贷贴息")
    keyboard.press("Enter")
    keyboard.type("续贷奖励")
    keyboard.press("Enter")
    keyboard.press("Enter")
    toolbar(page, "项目列表").click()
    keyboard.type("覆盖科技型中小企业")
    keyboard.press("Enter")
    keyboard.type("覆盖专精特新企业")
    keyboard.press("Enter")
    keyboard.press("Enter")
    # A quote by "> ".
    keyboard.type("> 政策有效期三年。")
    keyboard.press("Enter")
    keyboard.press("Enter")
    # A table from the toolbar's dialog: two columns, two rows, the first a header row.
    keyboard.type("表后")  # a paragraph to come back to after the table
    keyboard.press("Home")
    toolbar(page, "插入表格").click()
    table_dialog = dialog(page)
    table_dialog.locator("input[name=rows]").fill("2")
    table_dialog.locator("input[name=cols]").fill("2")
    table_dialog.locator("select[name=withHeaderRow]").select_option("Yes")
    table_dialog.locator("button[type=submit]").click()
    expect(editor.locator("table")).to_be_visible()
    editor.locator("table th").first.click()
    for index, text in enumerate(("项目", "额度", "贴息", "50%")):
        if index:
            keyboard.press("Tab")  # the next cell (Tab in the last cell would add a row)
        keyboard.type(text)
    # A link: select the words, then the toolbar's link dialog.
    editor.locator("p", has_text="表后").click()
    keyboard.press("End")
    for _ in range(2):
        keyboard.press("Backspace")
    keyboard.type("详见政策原文。")
    keyboard.press("ArrowLeft")
    for _ in range(4):
        keyboard.press("Shift+ArrowLeft")
    toolbar(page, "插入链接").click()
    link_dialog = dialog(page)
    link_dialog.locator("input[name=href]").fill("https://example.com/policy")
    link_dialog.locator("button[type=submit]").click()
    expect(editor.locator("a[href='https://example.com/policy']")).to_have_text("政策原文")


def test_an_editor_types_every_structure_and_readers_see_it_and_a_second_save_changes_nothing(login, demo_site):
    issue = factories.issue(year=2031, number=1, total_number=901, status=Issue.Status.DRAFT)
    page = login("editor")
    page.goto("/admin/newsletter/article/add/")
    choose(page, "issue", "901", "2031年第1期")
    choose(page, "section", "区域", "区域")
    page.locator("#id_title").fill(TITLE)
    type_article(page)
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)

    article = Article.objects.get(title=TITLE)
    assert article.body == EXPECTED_BODY

    # Readers see every structure, the region lead marked, the link safe.
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.PUBLISHED, published_at=timezone.now())
    reader = page.context.browser.new_context(base_url=demo_site.url).new_page()
    reader.goto(Article.objects.get(pk=article.pk).get_absolute_url())
    body = reader.locator("main")
    expect(body.locator(".region-marker")).to_have_text("【湖北】")
    expect(body.locator("strong", has_text="科技贷款")).to_be_visible()
    expect(body.locator("em", has_text="风险补偿")).to_be_visible()
    # On the article page the title is the h1: 小标题 and 二级小标题 are the levels below it.
    expect(body.get_by_role("heading", level=2, name="政策要点")).to_be_visible()
    expect(body.get_by_role("heading", level=3, name="贷款贴息")).to_be_visible()
    expect(body.locator("ol li")).to_have_text(["首贷贴息", "续贷奖励"])
    expect(body.locator("ul li", has_text="覆盖")).to_have_text(["覆盖科技型中小企业", "覆盖专精特新企业"])
    expect(body.locator("blockquote")).to_have_text(re.compile("政策有效期三年。"))
    expect(body.locator("table th")).to_have_text(["项目", "额度"])
    expect(body.locator("table td")).to_have_text(["贴息", "50%"])
    expect(body.locator("a", has_text="政策原文")).to_have_attribute("href", "https://example.com/policy")
    reader.context.close()

    # The page reloaded shows the same content; saving it unchanged stores the same body.
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.DRAFT, published_at=None)
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    editor = body_editor(page)
    expect(editor.locator("h2")).to_have_text("政策要点")
    expect(editor.locator("table")).to_be_visible()
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)
    assert Article.objects.get(pk=article.pk).body == EXPECTED_BODY


def test_a_figure_in_the_body_shows_its_image_number_caption_and_credit(login, demo_site):
    from newsletter.models import Figure

    issue = factories.issue(year=2031, number=2, total_number=902, status=Issue.Status.DRAFT)
    article = factories.article(issue=issue, body="前文。\n\n[[figure:2]]\n\n[[figure:1]]\n\n后文。")
    factories.figure(article, caption="有图", position=1)
    without_file = factories.figure(article, caption="缺图", position=2, with_image=False)
    Figure.objects.filter(pk=without_file.pk).update(credit="新华社")
    page = login("editor")
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    figures = body_editor(page).locator("figure.nl-figure")
    expect(figures).to_have_count(2)
    expect(figures.nth(0)).to_contain_text("缺少图片，请上传")
    expect(figures.nth(0)).to_contain_text("缺图")
    expect(figures.nth(0)).to_contain_text("图片来源：新华社")
    expect(figures.nth(0).locator("img")).to_have_count(0)
    expect(figures.nth(1).locator("img")).to_have_count(1)
    expect(figures.nth(1)).to_contain_text("有图")
    assert figures.nth(1).locator("img").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    # Saved unchanged, the markers stay where they were.
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Article.objects.get(pk=article.pk).body == "前文。\n\n[[figure:2]]\n\n[[figure:1]]\n\n后文。"
    # The toolbar places a figure at the cursor.
    body_editor(page).locator("p", has_text="后文。").click()
    page.keyboard.press("End")
    toolbar(page, "插入图 1").click()
    expect(body_editor(page).locator("figure.nl-figure")).to_have_count(3)
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Article.objects.get(pk=article.pk).body.endswith("后文。\n\n[[figure:1]]")


def test_an_outside_image_is_a_placeholder_that_never_loads_and_cannot_be_saved(login, demo_site):
    issue = factories.issue(year=2031, number=3, total_number=903, status=Issue.Status.DRAFT)
    article = factories.article(issue=issue, body="前文。")
    page = login("editor")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    body_editor(page)
    # Pasted HTML holding an image from elsewhere (a real paste event carrying text/html).
    body_editor(page).locator("p").click()
    page.keyboard.press("End")
    body_editor(page).evaluate(
        """(target) => {
            const data = new DataTransfer()
            data.setData("text/html", '<p>新段。</p><img src="https://mmbiz.qpic.cn/outside.png" alt="外图">')
            target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}))
        }"""
    )
    placeholder = page.locator(".nl-external-image")
    expect(placeholder).to_contain_text("外部图片，保存前请上传或替换")
    expect(placeholder).to_contain_text("https://mmbiz.qpic.cn/outside.png")
    assert not [url for url in requests if "mmbiz" in url]
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".errorlist")).to_contain_text("外部图片还没有上传")
    assert Article.objects.get(pk=article.pk).body == "前文。"
