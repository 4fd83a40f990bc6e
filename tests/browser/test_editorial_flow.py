"""The whole editorial flow in Chromium, the way the three roles and a reader use it.

Every step goes through the pages people see: the login form, the add form's proposed numbers,
the article form with its autocomplete fields and figure upload, the workflow buttons and the
comment box, the home page and the RSS feed. If a button, field or page in the chain breaks, a
locator times out or an expectation fails, and the test fails with a screenshot in
test-artifacts/screenshots/.
"""

import io
import re

import feedparser
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from newsletter.models import Issue, IssueEvent, Publication
from tests.browser.editor import replace_body

pytestmark = pytest.mark.browser

THEME = "浏览器测试专刊：基层治理新探索"
FIRST_TITLE = "浦东推行“一网通办”帮办服务"
SECOND_TITLE = "深圳试点低空物流航线"
COMMENT = "第二篇缺少数据来源，请补充后再提交。"
FIX = "据深圳市交通运输局数据，试点航线已累计完成配送两万余单。"


def chart_png():
    image = Image.new("RGB", (320, 200), "white")
    draw = ImageDraw.Draw(image)
    for index, height in enumerate([60, 120, 90, 160]):
        draw.rectangle([30 + index * 70, 190 - height, 80 + index * 70, 190], fill=(30, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def choose(page, field, search, option_text):
    """Pick a value in one of the admin's autocomplete (select2) fields by typing, as a person does."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option_text).first.click()
    expect(page.locator(f"#select2-id_{field}-container")).to_contain_text(option_text)


def add_article(page, issue_search, issue_label, section, title, body, figure=None):
    page.goto("/admin/newsletter/article/add/")
    choose(page, "issue", issue_search, issue_label)
    choose(page, "section", section, section)
    page.locator("#id_title").fill(title)
    replace_body(page, body)
    if figure is not None:
        page.locator("#figures-group .add-row a").click()
        page.locator("input[name='figures-0-image']").set_input_files(
            {"name": "chart.png", "mimeType": "image/png", "buffer": figure}
        )
        page.locator("input[name='figures-0-caption']").fill("帮办服务办件量")
        page.locator("input[name='figures-0-alt_text']").fill("柱状图：四个季度的帮办办件量")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text(title)


def workflow_button(page, label):
    return page.locator("#workflow").get_by_role("button", name=label, exact=True)


def expect_status(page, label):
    expect(page.locator("#workflow h2 .status-badge")).to_have_text(label)


def test_issue_goes_from_editor_to_reader_through_review_in_the_browser(login, new_context, demo_site):
    publication = Publication.objects.get()
    proposal = Issue.objects.propose_next(publication)
    label = f"{proposal['year']}年第{proposal['number']}期"

    # A reader has the home page open (and in the page cache) before anything happens.
    reader = new_context().new_page()
    reader.goto("/")
    expect(reader.locator("main")).not_to_contain_text(THEME)

    # The editor creates the next issue; the add form proposes its numbers.
    editor = login("editor")
    editor.goto("/admin/newsletter/issue/add/")
    expect(editor.locator("#id_year")).to_have_value(str(proposal["year"]))
    expect(editor.locator("#id_number")).to_have_value(str(proposal["number"]))
    expect(editor.locator("#id_total_number")).to_have_value(str(proposal["total_number"]))
    editor.locator("#id_theme").fill(THEME)
    editor.get_by_role("button", name="保存并继续编辑").click()
    expect(editor.locator(".messagelist .success")).to_be_visible()
    expect_status(editor, "草稿")
    issue = Issue.objects.get(publication=publication, year=proposal["year"], number=proposal["number"])
    issue_url = f"/admin/newsletter/issue/{issue.pk}/change/"

    # Two articles in two sections, typed in the body editor, the first with an uploaded figure
    # (a figure not placed in the text follows it).
    body_one = ["上海浦东在政务服务中心设立帮办专窗，企业办事平均时间明显缩短。", "帮办人员全程跟进。"]
    add_article(editor, str(proposal["total_number"]), label, "上海", FIRST_TITLE, body_one, figure=chart_png())
    add_article(editor, str(proposal["total_number"]), label, "广东", SECOND_TITLE, ["深圳开通多条低空物流试点航线。"])

    editor.goto(issue_url)
    expect(editor.locator("#articles-group")).to_contain_text(FIRST_TITLE)
    expect(editor.locator("#articles-group")).to_contain_text(SECOND_TITLE)
    workflow_button(editor, "提交审核").click()
    expect(editor.locator(".messagelist .success")).to_contain_text("已提交审核")
    expect_status(editor, "待审核")

    # The reviewer sends it back with a comment.
    reviewer = login("reviewer")
    reviewer.goto(issue_url)
    expect_status(reviewer, "待审核")
    expect(workflow_button(reviewer, "审核通过")).to_be_visible()
    reviewer.locator("#comment-request_changes").fill(COMMENT)
    workflow_button(reviewer, "退回修改").click()
    expect(reviewer.locator(".messagelist .success")).to_contain_text("已退回修改")
    expect_status(reviewer, "退回修改")

    # The editor reads the comment, fixes the article and submits again.
    editor.goto(issue_url)
    expect_status(editor, "退回修改")
    expect(editor.locator("#workflow-history")).to_contain_text(COMMENT)
    editor.locator("#articles-group").get_by_role("row", name=re.compile(SECOND_TITLE)).get_by_role(
        "link", name="编辑正文"
    ).click()
    expect(editor.locator("#id_title")).to_have_value(SECOND_TITLE)
    replace_body(editor, ["深圳开通多条低空物流试点航线。", FIX])
    editor.get_by_role("button", name="保存", exact=True).click()
    expect(editor.locator(".messagelist .success")).to_contain_text(SECOND_TITLE)
    editor.goto(issue_url)
    workflow_button(editor, "提交审核").click()
    expect_status(editor, "待审核")

    # The reviewer approves; only then may the chief editor publish.
    reviewer.goto(issue_url)
    workflow_button(reviewer, "审核通过").click()
    expect(reviewer.locator(".messagelist .success")).to_contain_text("已审核通过")
    expect_status(reviewer, "已通过")
    expect(workflow_button(reviewer, "立即发布")).to_have_count(0)

    # Approved is not public: the reader still sees the old home page.
    reader.goto("/")
    expect(reader.locator("main")).not_to_contain_text(THEME)

    chief = login("chief")
    chief.goto(issue_url)
    workflow_button(chief, "立即发布").click()
    # Publishing says what it will do and waits for the chief to confirm it.
    expect(chief.locator(".workflow-consequence")).to_contain_text("将立即对读者公开")
    chief.get_by_role("button", name="确认立即发布").click()
    expect(chief.locator(".messagelist .success")).to_contain_text("已立即发布")
    expect_status(chief, "已发布")

    actions = list(IssueEvent.objects.filter(issue=issue).order_by("created_at", "pk").values_list("action", flat=True))
    assert actions == ["submit", "request_changes", "submit", "approve", "publish"]

    # The reader, who never signed in, now sees the new issue on the home page, with the figure, and in the feed.
    reader.goto("/")
    cover = reader.locator("main")
    expect(cover).to_contain_text(re.compile(rf"{proposal['year']}\s*年第\s*{proposal['number']}\s*期"))
    expect(cover).to_contain_text(THEME)
    expect(cover).to_contain_text(FIRST_TITLE)
    expect(cover).to_contain_text(SECOND_TITLE)
    reader.get_by_role("link", name=FIRST_TITLE).first.click()
    expect(reader.locator("h1")).to_contain_text(FIRST_TITLE)
    figure = reader.locator("figure img")
    expect(figure).to_have_attribute("alt", "柱状图：四个季度的帮办办件量")
    # decode() waits for the picture to arrive (and rejects a broken one): reading img.complete at once
    # raced the download and failed a CI run while the image was still loading.
    assert figure.evaluate("img => img.decode().then(() => img.naturalWidth)") == 320
    reader.goto(issue.get_absolute_url())
    expect(reader.locator("main")).to_contain_text(FIX)

    response = reader.request.get("/feeds/issues/")
    assert response.status == 200
    feed = feedparser.parse(response.body())
    assert feed.entries, feed.bozo_exception if feed.bozo else "empty feed"
    assert feed.entries[0].title.startswith(issue.feed_title)
    assert THEME in feed.entries[0].title
    assert FIRST_TITLE in feed.entries[0].description
