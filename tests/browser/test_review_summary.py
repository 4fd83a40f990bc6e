"""A resubmitted issue in Chromium: the editor submits, the reviewer sends it back, the editor changes
things through the admin's pages and submits again, and the reviewer finds exactly those changes at
the top of the issue page — and the count in 我的工作.

The article body is written through the ORM here: typing into the body is the rich-text editor's own
browser test (its widget replaces the textarea); everything else goes through the pages people use.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from newsletter.models import Article, Editor, Issue, Publication
from tests import factories
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

KEPT = "保持不动的一篇"
RENAMED_FROM, RENAMED_TO = "杭州“数字城管”试点", "杭州“数字城管”三年试点经验"
MOVED = "苏州工业园区跨境电商"
DELETED = "将被删去的一篇"
ADDED = "新增：宁波港口数字化"
BODY_BEFORE = "第一段，原来的数据。\n\n第二段不变。"
BODY_AFTER = "第一段，核对后的数据：2024 年增长 12%。\n\n第二段不变。"


def choose(page, field, search, option_text):
    """Pick a value in one of the admin's autocomplete (select2) fields by typing, as a person does."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option_text).first.click()
    expect(page.locator(f"#select2-id_{field}-container")).to_contain_text(option_text)


def workflow_button(page, label):
    return page.locator("#workflow").get_by_role("button", name=label, exact=True)


def submit_for_review(page):
    # The issue has no theme: the pre-flight list comes first, and the editor submits anyway.
    workflow_button(page, "提交审核").click()
    expect(page.locator(".preflight-list")).to_contain_text("本期主题为空")
    page.get_by_role("button", name="仍然提交审核", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("已提交审核")


@pytest.fixture
def draft_issue(demo_site):
    publication = Publication.objects.get()
    issue = factories.issue(
        status=Issue.Status.DRAFT,
        pub=publication,
        year=2031,
        number=3,
        total_number=9003,
        issue_date=datetime.date(2031, 2, 1),
    )
    factories.article(issue, section="浙江", position=1, title=RENAMED_FROM, body=BODY_BEFORE)
    factories.article(issue, section="浙江", position=2, title=KEPT)
    factories.article(issue, section="江苏", position=1, title=MOVED)
    factories.article(issue, section="江苏", position=2, title=DELETED)
    Editor.objects.get_or_create(name="丁编辑")
    return issue


def test_the_reviewer_finds_the_editors_changes_at_the_top_of_the_resubmitted_issue(login, draft_issue):
    issue_url = f"/admin/newsletter/issue/{draft_issue.pk}/change/"
    editor = login("editor")
    editor.goto(issue_url)
    submit_for_review(editor)
    expect(editor.locator("#review-summary")).to_have_count(0)  # a first submission has nothing to compare

    reviewer = login("reviewer")
    reviewer.goto(issue_url)
    expect(reviewer.locator("#review-summary")).to_have_count(0)
    reviewer.locator("#comment-request_changes").fill("请核对第一篇的数据，删去第四篇。")
    workflow_button(reviewer, "退回修改").click()
    expect(reviewer.locator(".messagelist .success")).to_contain_text("已退回修改")

    # The editor: a new title, an article moved to another section, one deleted, one added, the
    # number and a credit changed.
    renamed = Article.objects.get(issue=draft_issue, title=RENAMED_FROM)
    editor.goto(f"/admin/newsletter/article/{renamed.pk}/change/")
    editor.locator("#id_title").fill(RENAMED_TO)
    editor.get_by_role("button", name="保存", exact=True).click()
    expect(editor.locator(".messagelist .success")).to_contain_text(RENAMED_TO)
    renamed.refresh_from_db()
    renamed.body = BODY_AFTER
    renamed.save()

    moved = Article.objects.get(issue=draft_issue, title=MOVED)
    editor.goto(f"/admin/newsletter/article/{moved.pk}/change/")
    choose(editor, "section", "浙江", "浙江")
    editor.locator("#id_position").fill("3")
    editor.get_by_role("button", name="保存", exact=True).click()
    expect(editor.locator(".messagelist .success")).to_contain_text(MOVED)

    deleted = Article.objects.get(issue=draft_issue, title=DELETED)
    editor.goto(f"/admin/newsletter/article/{deleted.pk}/delete/")
    editor.locator("#content form [type=submit]").first.click()
    expect(editor.locator(".messagelist .success")).to_be_visible()
    factories.article(draft_issue, section="浙江", position=4, title=ADDED)

    editor.goto(issue_url)
    editor.locator("#id_number").fill("4")
    credit_row = editor.locator("#credits-group tr", has=editor.locator("text=乙编辑")).first
    field = credit_row.locator("select[id$='-editor']").get_attribute("id").removeprefix("id_")
    choose(editor, field, "丁", "丁编辑")
    editor.get_by_role("button", name="保存并继续编辑").click()
    expect(editor.locator(".messagelist .success")).to_be_visible()
    # Before resubmitting, the editor sees what the reviewer will be shown.
    expect(editor.locator("#review-summary")).to_contain_text(RENAMED_TO)
    submit_for_review(editor)

    reviewer.goto("/admin/")
    expect(reviewer.locator("#my-work")).to_contain_text("有 6 处修改")
    reviewer.locator("#my-work").get_by_role("link", name="有 6 处修改").click()
    summary = reviewer.locator("#review-summary")
    expect(summary.locator("h2")).to_have_text("自上次提交以来的修改（有 6 处修改）")
    # Above the form, right under the reviewer's own comment.
    assert summary.evaluate("node => !!(node.compareDocumentPosition(document.getElementById('issue_form')) & 4)")
    expect(summary.locator(".review-summary-fields li")).to_have_text(["期号：3 → 4"])
    expect(summary.locator(".review-summary-added li")).to_have_text([f"《{ADDED}》，【浙江】第 4 篇"])
    expect(summary.locator(".review-summary-removed li")).to_have_text([f"《{DELETED}》，原为【江苏】第 2 篇"])
    expect(summary.locator(".review-summary-moved li")).to_have_text(
        [f"《{MOVED}》：【江苏】第 1 篇 → 【浙江】第 3 篇"]
    )
    edits = summary.locator(".review-summary-edit")
    expect(edits).to_have_count(1)
    expect(edits.locator("summary")).to_have_text(re.compile(rf"《{re.escape(RENAMED_TO)}》.*修改了标题、正文"))
    expect(edits.locator("tr.diff-del")).to_have_text([f"−{RENAMED_FROM}", "−第一段，原来的数据。"])
    expect(edits.locator("tr.diff-add")).to_have_text([f"+{RENAMED_TO}", "+第一段，核对后的数据：2024 年增长 12%。"])
    expect(summary.locator("tr.diff-del", has_text="乙编辑")).to_have_count(1)
    expect(summary.locator("tr.diff-add", has_text="丁编辑")).to_have_count(1)
    expect(summary).not_to_contain_text(KEPT)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    summary.screenshot(path=str(SCREENSHOTS / "review-summary-1280.png"))
    reviewer.screenshot(path=str(SCREENSHOTS / "review-summary-page-1280.png"), full_page=True)
    # Long lines wrap: the summary itself never overflows sideways (the page's width is the layout's test).
    assert summary.evaluate("node => node.scrollWidth <= node.clientWidth")
