"""The issue board: the issue page shows the issue as readers will see it, and an article moved on it
(within its section or to another one) is saved at once, atomically, with the same protection
against overwriting another editor's change as the rest of the admin."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter.admin import board as board_admin
from newsletter.models import Article, ArticleRevision, Issue
from tests import factories

pytestmark = pytest.mark.django_db

S = Issue.Status


def change_url(issue):
    return reverse("admin:newsletter_issue_change", args=[issue.pk])


def move_url(issue):
    return reverse("admin:newsletter_issue_board_move", args=[issue.pk])


def versions(issue):
    return {str(pk): v for pk, v in Article.objects.filter(issue=issue).values_list("pk", "version")}


def post_move(client, issue, article, section, index, seen=None):
    payload = {"article": article.pk, "section": section.pk, "index": index, "versions": seen or versions(issue)}
    return client.post(move_url(issue), json.dumps(payload), content_type="application/json")


def order(issue):
    """[(section name, [titles])] as the public issue page orders them."""
    fresh = Issue.objects.with_contents().get(pk=issue.pk)
    return [(region.name, [a.title for a in articles]) for region, articles in fresh.sections()]


@pytest.fixture
def draft():
    issue = factories.issue(status=S.DRAFT, theme="测试主题")
    east = factories.region("区域", order=1)
    city = factories.region("上海", order=2)
    a1 = factories.article(issue, section=east, title="甲文", position=1)
    a2 = factories.article(issue, section=east, title="乙文", position=2)
    a3 = factories.article(issue, section=east, title="丙文", position=3)
    b1 = factories.article(issue, section=city, title="丁文", position=1)
    return issue, east, city, (a1, a2, a3, b1)


def test_the_board_lists_sections_in_public_order_with_each_articles_length_source_figures_and_what_is_missing(
    client, editor_user, draft
):
    issue, east, city, (a1, a2, a3, b1) = draft
    no_source = factories.article(issue, section=city, title="<script>alert(1)</script>无源", sources=(), body="")
    factories.figure(no_source, with_image=False)
    client.force_login(editor_user)
    html = client.get(change_url(issue)).content.decode()
    board = html[html.index('id="issue-board"') :]
    assert board.index("【区域】") < board.index("【上海】")
    assert board.index("甲文") < board.index("乙文") < board.index("丙文") < board.index("丁文")
    assert "（测试日报 20241201）" in board
    card = board[board.index(f'data-article-id="{no_source.pk}"') :]
    for badge in ("无来源", "图缺图片", "正文为空"):
        assert badge in card[: card.index("</li>")]
    assert "1 图，1 张缺图片" in card
    assert "<script>alert(1)</script>" not in html
    assert reverse("admin:newsletter_article_change", args=[a1.pk]) in board
    first = board[board.index(f'data-article-id="{a1.pk}"') :]
    shown = len(f"这是第{a1.body.split('第')[1].split('篇')[0]}篇测试文章的正文。小标题第二段内容。")
    assert f'<span class="board-chars">{shown} 字</span>' in first[: first.index("</li>")]


def test_the_board_reads_an_issue_of_twenty_articles_in_as_many_queries_as_one_of_four(rf, editor_user, draft):
    issue, east, city, _ = draft
    request = rf.get("/")
    request.user = editor_user

    def board_queries():
        with CaptureQueriesContext(connection) as queries:
            context = board_admin.board_context(request, Issue.objects.get(pk=issue.pk))
        return len(queries.captured_queries), context["board"].articles

    board_queries()  # the user's permissions are cached from here on, as on any page
    small, four = board_queries()
    for n in range(16):
        factories.figure(factories.article(issue, section=city if n % 2 else east, title=f"加文{n}"))
    large, twenty = board_queries()
    assert (four, twenty) == (4, 20)
    assert large == small <= 10


def test_the_issue_page_with_its_board_grows_by_at_most_one_query_per_article(client, editor_user, draft):
    issue, east, city, _ = draft
    client.force_login(editor_user)
    client.get(change_url(issue))
    with CaptureQueriesContext(connection) as small:
        client.get(change_url(issue))
    for n in range(16):
        factories.figure(factories.article(issue, section=city if n % 2 else east, title=f"加文{n}"))
    with CaptureQueriesContext(connection) as large:
        html = client.get(change_url(issue)).content.decode()
    assert html.count('<li class="board-card') == 20
    # The one per article is the article table's section widget (the admin's autocomplete), not the board.
    assert len(large.captured_queries) - len(small.captured_queries) <= 16


def test_moving_an_article_to_another_section_renumbers_both_sections_and_bumps_the_written_versions(
    client, editor_user, draft
):
    issue, east, city, (a1, a2, a3, b1) = draft
    client.force_login(editor_user)
    before = versions(issue)
    response = post_move(client, issue, a2, city, 0)
    assert response.status_code == 200, response.content
    assert order(issue) == [("区域", ["甲文", "丙文"]), ("上海", ["乙文", "丁文"])]
    rows = {a.pk: a for a in Article.objects.filter(issue=issue)}
    assert [rows[a.pk].position for a in (a1, a3)] == [1, 2]
    assert [rows[a.pk].position for a in (a2, b1)] == [1, 2]
    assert rows[a2.pk].version == before[str(a2.pk)] + 1
    assert rows[a1.pk].version == before[str(a1.pk)]  # not written: its position stayed 1
    assert "上海" in rows[a2.pk].search_text  # the derived text follows the section
    assert ArticleRevision.objects.filter(article=a2, note="在期刊看板移动").exists()
    state = response.json()
    assert [s["name"] for s in state["sections"]] == ["区域", "上海"]
    assert state["sections"][1]["articles"][0] == {"id": a2.pk, "position": 1, "version": rows[a2.pk].version}


def test_moving_an_article_down_within_its_section_is_saved(client, editor_user, draft):
    issue, east, city, (a1, a2, a3, b1) = draft
    client.force_login(editor_user)
    assert post_move(client, issue, a1, east, 2).status_code == 200
    assert order(issue)[0] == ("区域", ["乙文", "丙文", "甲文"])


def test_a_move_from_a_page_opened_before_another_editors_change_is_refused_with_409_and_writes_nothing(
    client, editor_user, draft
):
    issue, east, city, (a1, a2, a3, b1) = draft
    seen = versions(issue)
    other = Article.objects.get(pk=b1.pk)
    other.title = "丁文（他人修改）"
    other.version += 1
    other.save()
    client.force_login(editor_user)
    response = post_move(client, issue, a2, city, 0, seen=seen)
    assert response.status_code == 409
    assert response.json()["conflict"] is True and "其他人" in response.json()["error"]
    assert order(issue) == [("区域", ["甲文", "乙文", "丙文"]), ("上海", ["丁文（他人修改）"])]
    assert versions(issue)[str(a2.pk)] == seen[str(a2.pk)]


def test_a_move_that_fails_half_way_leaves_every_article_as_it_was(client, editor_user, draft):
    issue, east, city, (a1, a2, a3, b1) = draft
    seen = versions(issue)
    del seen[str(a3.pk)]  # the page never saw 丙文: its position must not be rewritten
    client.force_login(editor_user)
    assert post_move(client, issue, a1, city, 1, seen=seen).status_code == 409
    assert order(issue) == [("区域", ["甲文", "乙文", "丙文"]), ("上海", ["丁文"])]
    assert versions(issue) == {**seen, str(a3.pk): Article.objects.get(pk=a3.pk).version}
    assert not ArticleRevision.objects.filter(article__issue=issue).exists()


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.APPROVED])
def test_a_frozen_issue_refuses_moves_in_chinese_and_shows_no_move_controls(client, editor_user, draft, status):
    issue, east, city, (a1, a2, a3, b1) = draft
    Issue.objects.filter(pk=issue.pk).update(status=status)
    client.force_login(editor_user)
    response = post_move(client, issue, a2, city, 0)
    assert response.status_code == 403
    assert "内容已冻结" in response.json()["error"]
    assert order(issue)[0] == ("区域", ["甲文", "乙文", "丙文"])
    html = client.get(change_url(issue)).content.decode()
    assert 'id="issue-board"' in html and "data-may-move" not in html and "上移《" not in html


def test_a_reviewer_without_the_right_to_change_articles_cannot_move_them(client, reviewer_user, draft):
    issue, east, city, (a1, a2, a3, b1) = draft
    client.force_login(reviewer_user)
    response = post_move(client, issue, a2, city, 0)
    if reviewer_user.has_perm("newsletter.change_article"):
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert order(issue)[0] == ("区域", ["甲文", "乙文", "丙文"])


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_nothing_moves(client, draft):
    issue, east, city, (a1, a2, a3, b1) = draft
    response = post_move(client, issue, a2, city, 0)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert order(issue)[0] == ("区域", ["甲文", "乙文", "丙文"])


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "{}",
        '{"article": "x", "section": 1, "index": 0, "versions": {}}',
        '{"article": 1, "section": 1, "index": -1, "versions": {}}',
    ],
)
def test_a_malformed_move_gets_a_chinese_error_and_writes_nothing(client, editor_user, draft, payload):
    issue, *_ = draft
    client.force_login(editor_user)
    before = versions(issue)
    response = client.post(move_url(issue), payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"].endswith("。")
    assert versions(issue) == before


def test_an_article_of_another_issue_cannot_be_moved_through_this_issues_board(client, editor_user, draft):
    issue, east, city, _ = draft
    stranger = factories.article(factories.issue(status=S.DRAFT), section=east, title="别期文章")
    client.force_login(editor_user)
    response = post_move(client, issue, stranger, city, 0, seen={str(stranger.pk): stranger.version})
    assert response.status_code == 404
    assert Article.objects.get(pk=stranger.pk).section_id == east.pk


def test_a_new_issue_starts_with_the_credits_of_the_publications_latest_issue(client, editor_user):
    latest = factories.issue(status=S.PUBLISHED, year=2024, number=23, total_number=297)
    client.force_login(editor_user)
    html = client.get(reverse("admin:newsletter_issue_add")).content.decode()
    credits = [(c.role, c.editor_id) for c in latest.credits.all()]
    assert credits
    for index, (role, editor_id) in enumerate(credits):
        assert f'name="credits-{index}-editor"' in html
        assert f'<option value="{editor_id}" selected>' in html
        row = html[html.index(f'name="credits-{index}-role"') :]
        assert f'<option value="{role}" selected>' in row[: row.index("</select>")]
    assert f'name="credits-TOTAL_FORMS" value="{len(credits)}"' in html
