"""The issue board in Chromium: an editor reorders articles across sections by drag and drop and by
keyboard, each move saved without a page reload, and readers then see the new order."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Article, Issue, Publication
from tests import factories

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def board_issue():
    publication = Publication.objects.get()
    proposal = Issue.objects.propose_next(publication)
    issue = factories.issue(
        status=Issue.Status.DRAFT,
        pub=publication,
        year=proposal["year"],
        number=proposal["number"],
        total_number=proposal["total_number"],
        issue_date=proposal["issue_date"],
        theme="看板测试专刊",
    )
    east, city = factories.region("区域", order=1), factories.region("上海", order=2)
    titles = {}
    for section, names in ((east, ["区域甲", "区域乙", "区域丙"]), (city, ["上海甲"])):
        for position, name in enumerate(names, start=1):
            titles[name] = factories.article(issue, section=section, title=name, position=position)
    return issue, east, city


def board_titles(page):
    """{section name: [titles]} as the board shows them now."""
    shown = {}
    for section in page.locator(".board-section").all():
        name = section.locator(".board-section-title").inner_text().strip("【】")
        shown[name] = section.locator(".board-card-title").all_inner_texts()
    return shown


def stored_order(issue):
    fresh = Issue.objects.with_contents().get(pk=issue.pk)
    return {region.name: [a.title for a in articles] for region, articles in fresh.sections()}


def card(page, title):
    return page.locator(".board-card", has=page.locator(".board-card-title", has_text=title))


def test_articles_are_reordered_across_sections_by_drag_and_drop_and_by_keyboard_and_readers_see_the_order(
    login, reader
):
    issue, east, city = board_issue()
    editor = login("editor")
    editor.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    board = editor.locator("#issue-board")
    expect(board).to_contain_text("预计印刷版")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    board.screenshot(path=str(ARTIFACTS / "issue-board-1280.png"))
    loads = []
    editor.on("load", lambda page: loads.append(page.url))

    # Drag 区域甲 below 上海甲, into the other section.
    target = editor.locator(f'.board-list[data-section-id="{city.pk}"]')
    box = target.bounding_box()
    card(editor, "区域甲").drag_to(target, target_position={"x": 40, "y": box["height"] - 3})
    expect(editor.locator(".board-status")).to_contain_text("已保存")
    expect(editor.locator(f'.board-list[data-section-id="{city.pk}"] .board-card-title')).to_have_text(
        ["上海甲", "区域甲"]
    )
    assert stored_order(issue) == {"区域": ["区域乙", "区域丙"], "上海": ["上海甲", "区域甲"]}

    # By keyboard: 区域丙 up (Enter on its 上移 button), then 区域乙 to 上海 with the 移到栏目 select.
    card(editor, "区域丙").get_by_role("button", name="上移《区域丙》").focus()
    editor.keyboard.press("Enter")
    expect(editor.locator(f'.board-list[data-section-id="{east.pk}"] .board-card-title')).to_have_text(
        ["区域丙", "区域乙"]
    )
    expect(editor.get_by_role("button", name="上移《区域丙》")).to_be_focused()
    select = card(editor, "区域乙").get_by_role("combobox", name="移到栏目：《区域乙》")
    select.focus()
    select.select_option(label="【上海】")
    expect(editor.locator(f'.board-list[data-section-id="{city.pk}"] .board-card-title')).to_have_text(
        ["上海甲", "区域甲", "区域乙"]
    )
    card(editor, "区域乙").get_by_role("button", name="上移《区域乙》").focus()
    editor.keyboard.press("Space")
    expect(editor.locator(".board-status")).to_contain_text("第 2 篇")
    assert loads == []  # every move was saved without reloading the page
    assert board_titles(editor) == {"区域": ["区域丙"], "上海": ["上海甲", "区域乙", "区域甲"]}
    assert stored_order(issue) == board_titles(editor)

    # The issue page, saved afterwards, keeps the moves (its article table followed them).
    editor.get_by_role("button", name="保存并继续编辑").click()
    expect(editor.locator(".messagelist .success")).to_be_visible()
    assert stored_order(issue) == {"区域": ["区域丙"], "上海": ["上海甲", "区域乙", "区域甲"]}

    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.PUBLISHED, published_at=timezone.now())
    reader.goto(Issue.objects.get(pk=issue.pk).get_absolute_url())
    main = reader.locator("main").inner_text()
    positions = [main.index(title) for title in ("区域丙", "上海甲", "区域乙", "区域甲")]
    assert positions == sorted(positions), main
    assert re.search(r"【?区域】?[\s\S]*区域丙[\s\S]*【?上海】?", main)
    assert Article.objects.get(title="区域甲").section_id == city.pk


def test_a_move_from_a_stale_board_is_refused_and_the_board_reloads(login):
    issue, east, city = board_issue()
    editor = login("editor")
    editor.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    other = Article.objects.get(title="区域乙")
    other.body = "另一位编辑刚刚改写了正文。"
    other.version += 1
    other.save()
    card(editor, "区域丙").get_by_role("button", name="上移《区域丙》").click()
    expect(editor.locator(".board-status")).to_contain_text("其他人")
    expect(editor.locator("#issue-board.board-conflict")).to_be_visible()
    editor.wait_for_event("load")
    expect(editor.locator(f'.board-list[data-section-id="{east.pk}"] .board-card-title')).to_have_text(
        ["区域甲", "区域乙", "区域丙"]
    )
    assert stored_order(issue)["区域"] == ["区域甲", "区域乙", "区域丙"]


def test_the_board_fits_a_narrow_screen(login):
    issue, *_ = board_issue()
    editor = login("editor")
    editor.set_viewport_size({"width": 375, "height": 800})
    editor.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    board = editor.locator("#issue-board")
    expect(board).to_be_visible()
    board.screenshot(path=str(ARTIFACTS / "issue-board-375.png"))
    width = editor.evaluate("document.querySelector('#issue-board').scrollWidth")
    assert width <= editor.evaluate("document.querySelector('#issue-board').clientWidth") + 1


def test_a_section_is_moved_down_and_up_in_this_issue_only_by_keyboard_without_a_reload(login):
    issue, east, city = board_issue()
    other, *_ = board_issue()
    editor = login("editor")
    editor.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    loads = []
    editor.on("load", lambda page: loads.append(page.url))
    editor.get_by_role("button", name="下移栏目【区域】").focus()
    editor.keyboard.press("Enter")
    expect(editor.locator(".board-status")).to_contain_text("已保存新的栏目顺序")
    expect(editor.locator(".board-section-title")).to_have_text(["【上海】", "【区域】"])
    expect(editor.get_by_role("button", name="下移栏目【区域】")).to_be_focused()
    assert list(stored_order(issue)) == ["上海", "区域"]
    assert list(stored_order(other)) == ["区域", "上海"]  # another issue keeps its own order
    editor.get_by_role("button", name="下移栏目【区域】").click()
    expect(editor.locator(".board-status")).to_contain_text("已经是本期的最后一个栏目")
    editor.get_by_role("button", name="上移栏目【区域】").click()
    expect(editor.locator(".board-section-title")).to_have_text(["【区域】", "【上海】"])
    assert list(stored_order(issue)) == ["区域", "上海"]
    assert loads == []
