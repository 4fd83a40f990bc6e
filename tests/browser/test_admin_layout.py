"""In Chromium: every admin page an editor uses fits the window at 1280, 1024 and 375 px.

No page is wider than its window (nor is the content box wider than itself), a change list and the
inline tables show all their columns at 1280 and 1024 px without scrolling sideways, the object tools
(预览, 修订历史, 导出…) never sit on the page's title, and the article list's title column is the
widest. Screenshots of the issue page, the article page and the article list at 1280 and 375 px
are written to test-artifacts/screenshots/ (admin-*.png) for people to look at, and every other page
visited as admin-page-<page>-<width>.png.
"""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from newsletter import revisions
from newsletter.models import Article, Issue
from tests import factories

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

WIDTHS = [1280, 1024, 375]

# A title and a body line that cannot be broken at spaces: the layout must wrap or scroll them
# inside their own box, never widen the page.
LONG_TITLE = "关于进一步优化营商环境、深化“放管服”改革、推动政务服务“一网通办”提质增效的若干措施解读与基层实践案例汇编"
LONG_LINE = "https://example.com/" + "very-long-path-segment-without-any-break/" * 8

# Where the page, or the main box, is wider than the window, and which elements stick out.
OVERFLOW = """() => {
    const doc = document.documentElement;
    // The main box (sidebar and content): #content itself lets the index's side column hang into
    // its margin by design.
    const content = document.querySelector('#main');
    const out = {page: doc.scrollWidth, window: window.innerWidth, content: null, contentBox: null, culprits: []};
    if (content) {
        out.content = content.scrollWidth;
        out.contentBox = content.clientWidth;
    }
    const right = window.innerWidth;
    for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= right + 1) continue;
        // Inside a box that scrolls sideways on purpose (tables' wrappers): not an overflow of the page.
        let scroller = el.parentElement, inScroller = false;
        while (scroller && scroller !== document.body) {
            const style = getComputedStyle(scroller);
            if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) { inScroller = true; break; }
            scroller = scroller.parentElement;
        }
        if (inScroller) continue;
        out.culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
            (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
            ' right=' + Math.round(box.right));
        if (out.culprits.length >= 8) break;
    }
    return out;
}"""

# Object-tool buttons whose box intersects the page's title (h1) or subtitle (h2 right after it).
TOOLS_ON_TITLE = """() => {
    const titles = [...document.querySelectorAll('#content > h1, #content > h2')];
    const hits = [];
    for (const tool of document.querySelectorAll('.object-tools li')) {
        const a = tool.getBoundingClientRect();
        if (a.width === 0) continue;
        for (const title of titles) {
            const range = document.createRange();
            range.selectNodeContents(title);
            for (const b of range.getClientRects()) {
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
                    hits.push(tool.textContent.trim() + ' on ' + title.textContent.trim());
                }
            }
        }
    }
    return hits;
}"""

COLUMN_WIDTHS = """() => [...document.querySelectorAll('#result_list thead th')]
    .map(th => [th.className.split(/\\s+/).find(name => name.startsWith('column-')) || th.className,
                Math.round(th.getBoundingClientRect().width)])"""

# The labels next to a file input (目前, 修改, 清除): how many there are, and which words of them are
# broken over two lines ("目/前").
UPLOAD_LABELS = """() => {
    const out = {found: 0, broken: []};
    for (const input of document.querySelectorAll('#content input[type=file]')) {
        const walker = document.createTreeWalker(input.parentElement, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of ['目前', '修改', '清除']) {
                const at = node.data.indexOf(word);
                if (at < 0) continue;
                out.found += 1;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + word.length);
                const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
                if (tops.size > 1) out.broken.push(word);
            }
        }
    }
    return out;
}"""

# A change list whose table is wider than its box (columns hidden to the right): [table width, box width].
LIST_SCROLLS = """() => { const box = document.querySelector('#changelist .results');
    return box && box.scrollWidth > box.clientWidth ? [box.scrollWidth, box.clientWidth] : null; }"""

# Inline tables (credits, articles, sources) whose rows are wider than their group: [group id, widths].
INLINES_SCROLL = """() => [...document.querySelectorAll('.inline-group .tabular')]
    .filter(box => box.scrollWidth > box.clientWidth)
    .map(box => [box.closest('.inline-group').id, box.scrollWidth, box.clientWidth])"""

# Workflow buttons on the issue page that are not wholly inside the window's width.
BUTTONS_OUTSIDE = """() => [...document.querySelectorAll('#workflow button')]
    .filter(button => { const box = button.getBoundingClientRect();
                        return box.width === 0 || box.left < 0 || box.right > window.innerWidth; })
    .map(button => button.textContent.trim())"""

ROW_HEIGHTS = """() => [...document.querySelectorAll('#result_list tbody tr')]
    .map(tr => Math.round(tr.getBoundingClientRect().height))"""


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def hostile_content():
    """A draft issue whose article has a long title, a long body line and a figure, with two revisions to compare;
    and an approved issue for the chief to publish (its confirmation page)."""
    draft = Issue.objects.filter(status=Issue.Status.DRAFT).order_by("-year", "-number").first()
    article = Article.objects.filter(issue=draft).order_by("pk").first()
    editor = User.objects.get(username="editor")
    revisions.record(article, by=editor, note="导入后的内容", is_correction=False)
    article.title = LONG_TITLE
    article.body = article.body + "\n\n" + LONG_LINE + "\n"
    article.updated_by = editor
    article.save()
    revisions.record(article, by=editor, note="加长标题", is_correction=False)
    factories.figure(article)  # its upload field shows 目前 and 修改
    approved = Issue.objects.filter(status=Issue.Status.APPROVED).first()
    return draft, article, approved


def editor_pages(draft, article):
    return {
        "index": "/admin/",
        "issues": "/admin/newsletter/issue/",
        "articles": "/admin/newsletter/article/",
        "outlets": "/admin/newsletter/outlet/",
        "editors": "/admin/newsletter/editor/",
        "topics": "/admin/newsletter/topic/",
        "regions": "/admin/regions/region/",
        "issue": f"/admin/newsletter/issue/{draft.pk}/change/",
        "issue-add": "/admin/newsletter/issue/add/",
        "article": f"/admin/newsletter/article/{article.pk}/change/",
        "article-add": "/admin/newsletter/article/add/",
        "revisions": f"/admin/newsletter/article/{article.pk}/revisions/",
        "revision-diff": f"/admin/newsletter/article/{article.pk}/revisions/diff/?since=0",
        "import": "/admin/newsletter/tools/import/",
    }


def overflow_problems(page, name, width):
    measured = page.evaluate(OVERFLOW)
    problems = []
    if measured["page"] > measured["window"]:
        problems.append(f"{name} at {width}px: page {measured['page']}px wide in a {measured['window']}px window")
    if measured["content"] is not None and measured["content"] > measured["contentBox"]:
        problems.append(f"{name} at {width}px: #main is {measured['content']}px wide in {measured['contentBox']}px")
    if problems:
        problems.append(f"  sticking out: {measured['culprits']}")
    tools = page.evaluate(TOOLS_ON_TITLE)
    if tools:
        problems.append(f"{name} at {width}px: object tools on the title: {tools}")
    if width >= 1024:
        results = page.evaluate(LIST_SCROLLS)
        if results:
            problems.append(f"{name} at {width}px: the list's columns do not all fit, it scrolls sideways: {results}")
        inlines = page.evaluate(INLINES_SCROLL)
        if inlines:
            problems.append(f"{name} at {width}px: inline rows wider than their box: {inlines}")
    labels = page.evaluate(UPLOAD_LABELS)
    if labels["broken"]:
        problems.append(f"{name} at {width}px: upload labels broken over lines: {labels['broken']}")
    if name in ("article", "article-editor") and labels["found"] < 2:
        problems.append(f"{name} at {width}px: the figure's upload labels (目前, 修改) were not found")
    buttons = page.evaluate(BUTTONS_OUTSIDE)
    if buttons:
        problems.append(f"{name} at {width}px: workflow buttons outside the window: {buttons}")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_no_admin_page_an_editor_uses_is_wider_than_the_window(login, width):
    draft, article, _ = hostile_content()
    page = login("editor")
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for name, url in editor_pages(draft, article).items():
        response = page.goto(url)
        assert response.status == 200, f"{name}: {url} answered {response.status}"
        screenshot(page, f"admin-page-{name}-{width}")
        problems += overflow_problems(page, name, width)

    # The import's second step: the preview of what a file will create.
    page.goto("/admin/newsletter/tools/import/")
    page.locator("input[type=file]").set_input_files("tests/samples/issue_2025_12.md")
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator(".import-file")).to_have_count(1)
    screenshot(page, f"admin-page-import-preview-{width}")
    problems += overflow_problems(page, "import-preview", width)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_reviewer_and_chief_pages_and_the_confirmation_fit_the_window(login, width):
    draft, article, approved = hostile_content()
    problems = []
    reviewer = login("reviewer")
    reviewer.set_viewport_size({"width": width, "height": 900})
    reviewer.goto("/admin/")
    expect(reviewer.locator("#my-work")).to_contain_text("等待我审核")
    problems += overflow_problems(reviewer, "reviewer-index", width)

    chief = login("chief")
    chief.set_viewport_size({"width": width, "height": 900})
    chief.goto(f"/admin/newsletter/issue/{approved.pk}/change/")
    problems += overflow_problems(chief, "approved-issue", width)
    chief.locator("#workflow").get_by_role("button", name="立即发布", exact=True).click()
    expect(chief.locator(".workflow-consequence")).to_be_visible()
    screenshot(chief, f"admin-page-confirmation-{width}")
    problems += overflow_problems(chief, "confirmation", width)
    confirm = chief.get_by_role("button", name="确认立即发布")
    expect(confirm).to_be_in_viewport()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [1280, 1024])
def test_article_list_title_column_is_the_widest_and_rows_stay_short(login, width):
    hostile_content()
    page = login("editor")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/newsletter/article/")
    widths = dict(page.evaluate(COLUMN_WIDTHS))
    title = widths.pop("column-title")
    assert all(title > other for other in widths.values()), (title, widths)
    heights = sorted(page.evaluate(ROW_HEIGHTS))
    # An ordinary title on one or two lines, the long one on a few: never a tower of short lines.
    assert heights[-1] <= 100, heights
    assert heights[-2] <= 60, heights


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots_of_the_issue_page_the_article_page_and_the_article_list(login, width):
    draft, article, _ = hostile_content()
    page = login("editor")
    page.set_viewport_size({"width": width, "height": 900})
    for name, url in [
        ("issue-board", f"/admin/newsletter/issue/{draft.pk}/change/"),
        ("article-editor", f"/admin/newsletter/article/{article.pk}/change/"),
        ("article-changelist", "/admin/newsletter/article/"),
    ]:
        assert page.goto(url).status == 200
        if name == "article-editor":
            # The editor and its preview are drawn by scripts: the picture shows them, not the bare textarea.
            expect(page.locator(".field-body .prose-editor > .ProseMirror")).to_be_visible()
            if width >= 1280:  # narrower screens keep the preview folded until asked (「显示预览」)
                expect(page.frame_locator("iframe.article-preview-frame").locator("h1").first).to_be_visible()
        screenshot(page, f"admin-{name}-{width}")
        assert overflow_problems(page, name, width) == []
