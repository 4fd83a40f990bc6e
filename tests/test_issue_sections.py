"""An issue prints its sections in its own order (its table of contents): importing or editing one issue
never reorders another, the import order does not matter, and figures are numbered in the issue's order."""

import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse

from newsletter import derived
from newsletter.admin import board as board_admin
from newsletter.importing.exporter import export_markdown, load_for_export
from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_bytes
from newsletter.importing.schema import ArticleData, FigureData, IssueData, Notice, SectionData, SourceData
from newsletter.models import Article, Figure, Issue, IssueSection, sections
from regions.models import Region
from tests import factories

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_9fab522086a065de.txt"
HOSTILE = '<script>alert("栏目")</script>&amp;'


def issue_data(total, regions, *, hosts=("滨海研究院",), phone="010-1000", fax="010-1001", note=""):
    """An issue of its own (not the seed's lines): one article per section, each with a figure."""
    year, number = 2019, total
    data = IssueData(
        publication="双周决策观察",
        year=year,
        number=number,
        total_number=total,
        issue_date=datetime.date(year, 1, 1) + datetime.timedelta(days=14 * number),
        hosts=list(hosts),
        editors=["林一"],
        coordinators=["周二"],
        phone=phone,
        fax=fax,
        editor_note=note,
    )
    for region in regions:
        data.sections.append(
            SectionData(
                region=region,
                articles=[
                    ArticleData(
                        title=f"{region}第{total}期改革试点推进情况",
                        body_markdown=f"{region}改革试点稳步推进。\n\n[[figure:1]]\n\n下一步继续深化。",
                        figures=[FigureData(caption=f"{region}第{total}期试点分布")],
                        sources=[SourceData(outlet="经济日报", date=datetime.date(year, 2, 1))],
                    )
                ],
            )
        )
    return data


def printed_order(issue):
    return [region.name for region, _ in Issue.objects.with_contents().get(pk=issue.pk).sections()]


def figure_numbers(issue):
    return {
        figure.article.section.name: figure.number
        for figure in Figure.objects.filter(article__issue=issue).select_related("article__section")
    }


def load(publication, data):
    return load_issue(data, publication=publication).issue


@pytest.mark.parametrize("first", ["X", "Y"])
def test_two_issues_with_opposite_section_orders_each_keep_their_own_in_either_import_order(db, first):
    publication = factories.publication()
    before = dict(Region.objects.values_list("name", "order"))
    files = {"X": issue_data(11, ["上海", "广东"]), "Y": issue_data(12, ["广东", "上海"])}
    imported = {}
    for name in (first, "Y" if first == "X" else "X"):
        imported[name] = load(publication, files[name])
    assert printed_order(imported["X"]) == ["上海", "广东"]
    assert printed_order(imported["Y"]) == ["广东", "上海"]
    assert figure_numbers(imported["X"]) == {"上海": 1, "广东": 2}
    assert figure_numbers(imported["Y"]) == {"广东": 1, "上海": 2}
    # Nothing site-wide was reordered by either file.
    assert dict(Region.objects.values_list("name", "order")) == before


@pytest.mark.skipif(not SEED.exists(), reason=f"真实样刊 {SEED} 不在本机（CI 中存在），跳过")
@pytest.mark.parametrize("seed_first", [True, False])
def test_the_seed_keeps_its_printed_section_order_and_masthead_whatever_is_imported_before_or_after(db, seed_first):
    publication = factories.publication()
    seed = parse_bytes(SEED.read_bytes(), SEED.name, known_lines=(publication.name, publication.subtitle))
    others = [
        issue_data(31, list(reversed([s.region for s in seed.sections])), hosts=("别的研究院",), phone="0"),
        issue_data(32, ["浙江", "海南", "上海"], hosts=(), phone="", fax=""),
    ]
    batch = [seed, *others] if seed_first else [*others, seed]
    for data in batch:
        load(publication, data)
    issue = Issue.objects.get(publication=publication, year=seed.year, number=seed.number)
    assert printed_order(issue) == list(dict.fromkeys(s.region for s in seed.sections))
    assert issue.host_names() == seed.hosts
    assert (issue.phone, issue.fax) == (seed.phone, seed.fax)


def test_the_loader_reports_a_section_order_that_differs_from_the_site_wide_one_and_reorders_nothing(db):
    publication = factories.publication()
    before = dict(Region.objects.values_list("name", "order"))
    assert before["上海"] < before["广东"]
    result = load_issue(issue_data(13, ["广东", "上海"]), publication=publication)
    notices = [note for note in result.notes if isinstance(note, Notice) and note.kind == Notice.SECTION_ORDER]
    assert len(notices) == 1 and "【广东】、【上海】" in notices[0].message
    assert dict(Region.objects.values_list("name", "order")) == before
    in_order = load_issue(issue_data(14, ["上海", "广东"]), publication=publication)
    assert not [note for note in in_order.notes if isinstance(note, Notice) and note.kind == Notice.SECTION_ORDER]


def test_a_toc_that_repeats_a_section_merges_it_keeps_each_article_at_its_own_place_and_says_so(db):
    publication = factories.publication()
    data = issue_data(17, ["上海", "广东", "上海"])
    data.sections[2].articles[0].title = "浦东再推<十项>举措"
    result = load_issue(data, publication=publication)
    issue = result.issue
    rows = list(
        Article.objects.filter(issue=issue)
        .order_by("section__name", "position")
        .values_list("section__name", "position")
    )
    assert len(rows) == len(set(rows)) == 3  # no two articles share a place in a section
    assert [article.title for article in issue.articles_in_order()] == [
        "上海第17期改革试点推进情况",
        "浦东再推<十项>举措",
        "广东第17期改革试点推进情况",
    ]
    numbers = dict(Figure.objects.filter(article__issue=issue).values_list("article__title", "number"))
    assert numbers == {"上海第17期改革试点推进情况": 1, "浦东再推<十项>举措": 2, "广东第17期改革试点推进情况": 3}
    derived.renumber_figures([issue.pk])
    assert dict(Figure.objects.filter(article__issue=issue).values_list("article__title", "number")) == numbers
    notices = [note for note in result.notes if note.kind == Notice.SECTION_ORDER]
    assert len(notices) == 1
    assert "栏目【上海】在目录中出现了 2 次，已合并为一个栏目" in notices[0].message
    assert "《浦东再推<十项>举措》现为【上海】第 2 篇" in notices[0].message


def test_a_new_region_gets_the_site_wide_order_after_the_existing_ones(db):
    publication = factories.publication()
    top = max(Region.objects.values_list("order", flat=True))
    issue = load(publication, issue_data(15, ["雄安新区", "上海"]))
    assert Region.objects.get(name="雄安新区").order > top
    assert printed_order(issue) == ["雄安新区", "上海"]


def test_changing_the_site_wide_region_order_leaves_an_issue_that_has_rows_alone(db):
    issue = load(factories.publication(), issue_data(16, ["上海", "广东"]))
    shanghai = Region.objects.get(name="上海")
    shanghai.order = 10_000
    shanghai.save()
    assert printed_order(issue) == ["上海", "广东"]
    assert figure_numbers(issue) == {"上海": 1, "广东": 2}


def test_an_article_placed_in_a_section_new_to_the_issue_gets_a_row_where_the_site_wide_order_puts_it(db):
    issue = factories.issue(status=Issue.Status.DRAFT)
    zhejiang, shanghai, guangdong = (Region.objects.get(name=n) for n in ("浙江", "上海", "广东"))
    factories.article(issue=issue, section=zhejiang)
    factories.article(issue=issue, section=shanghai)
    sections.reorder(issue.pk, [zhejiang.pk, shanghai.pk])  # this issue prints 浙江 first
    article = factories.article(issue=None, section=guangdong)
    article.issue = issue
    article.save()
    # 广东 comes after 上海 site-wide, so it goes after 上海; 浙江 (after 广东 site-wide) stays first.
    assert printed_order(issue) == ["浙江", "上海", "广东"]
    rows = IssueSection.objects.filter(issue=issue).order_by("position")
    assert [row.region.name for row in rows] == ["浙江", "上海", "广东"]


def test_a_region_an_issue_no_longer_uses_can_be_deleted_and_the_issue_keeps_its_order(db):
    issue = factories.issue(status=Issue.Status.DRAFT)
    zhejiang, shanghai = (Region.objects.get(name=n) for n in ("浙江", "上海"))
    passing = Region.objects.create(name=HOSTILE, order=5)
    factories.article(issue=issue, section=zhejiang)
    article = factories.article(issue=issue, section=shanghai)
    sections.reorder(issue.pk, [zhejiang.pk, shanghai.pk])
    article.section = passing  # moved to a new region and back: the issue's order keeps a row for it
    article.save()
    article.section = shanghai
    article.save()
    assert IssueSection.objects.filter(issue=issue, region=passing).exists()
    passing.delete()
    assert not Region.objects.filter(name=HOSTILE).exists()
    assert printed_order(issue) == ["浙江", "上海"]
    assert [row.region.name for row in IssueSection.objects.filter(issue=issue)] == ["浙江", "上海"]


def test_a_section_without_a_row_sorts_after_the_listed_ones_by_the_site_wide_order(db):
    issue = factories.issue(status=Issue.Status.DRAFT)
    factories.article(issue=issue, section=Region.objects.get(name="浙江"))
    # Written in bulk (no signals, as the bench writes): their sections have no row of the issue.
    Article.objects.bulk_create(
        Article(issue=issue, section=Region.objects.get(name=name), position=1, title=f"{name}要闻", slug=name)
        for name in ("广东", "上海")
    )
    assert list(IssueSection.objects.filter(issue=issue).values_list("region__name", flat=True)) == ["浙江"]
    assert printed_order(issue) == ["浙江", "上海", "广东"]
    # The query expression and the Python rank agree.
    ranked = Article.objects.filter(issue=issue).select_related("section").in_print_order()
    assert [a.section.name for a in ranked] == ["浙江", "上海", "广东"]
    assert [a.section.name for a in Issue.objects.get(pk=issue.pk).articles_in_order()] == ["浙江", "上海", "广东"]


def test_figures_are_renumbered_when_the_issues_section_order_changes(db):
    issue = load(factories.publication(), issue_data(17, ["上海", "广东"]))
    ids = [Region.objects.get(name=n).pk for n in ("广东", "上海")]
    with derived.deferred():
        sections.reorder(issue.pk, ids)
    assert figure_numbers(issue) == {"广东": 1, "上海": 2}
    guangdong = Article.objects.get(issue=issue, section__name="广东")
    assert "图 1" in guangdong.body_html


@pytest.mark.usefixtures("no_page_cache")
def test_the_issue_page_and_the_export_show_the_issues_section_order(client, db):
    issue = factories.issue()
    for name in ("上海", "广东"):
        factories.article(issue=issue, section=Region.objects.get(name=name), title=f"{name}{HOSTILE}要闻")
    sections.reorder(issue.pk, [Region.objects.get(name="广东").pk])
    html = client.get(issue.get_absolute_url()).content.decode()
    assert html.index("【广东】") < html.index("【上海】")
    text = export_markdown(load_for_export(issue))
    assert text.index("## 【广东】") < text.index("## 【上海】")


# --- the board's section moves ------------------------------------------------------------------


def board_post(client, issue, payload):
    url = reverse("admin:newsletter_issue_board_section", args=[issue.pk])
    return client.post(url, json.dumps(payload), content_type="application/json")


def two_section_issue(status=Issue.Status.DRAFT):
    issue = factories.issue(status=status)
    for name in ("上海", "广东"):
        article = factories.article(issue=issue, section=Region.objects.get(name=name))
        Figure.objects.create(article=article, caption=f"{name}示意", position=1)
    return issue


def test_the_board_moves_a_section_down_and_renumbers_the_figures_of_that_issue_only(client, editor_user):
    issue = two_section_issue()
    other = two_section_issue()
    client.force_login(editor_user)
    shanghai, guangdong = (Region.objects.get(name=n).pk for n in ("上海", "广东"))
    response = board_post(client, issue, {"section": shanghai, "direction": "down", "order": [shanghai, guangdong]})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["order"] == [guangdong, shanghai]
    assert printed_order(issue) == ["广东", "上海"]
    assert figure_numbers(issue) == {"广东": 1, "上海": 2}
    assert printed_order(other) == ["上海", "广东"]
    assert figure_numbers(other) == {"上海": 1, "广东": 2}


def test_a_section_move_against_an_order_the_page_no_longer_shows_is_refused_with_409(client, editor_user):
    issue = two_section_issue()
    client.force_login(editor_user)
    shanghai, guangdong = (Region.objects.get(name=n).pk for n in ("上海", "广东"))
    response = board_post(client, issue, {"section": shanghai, "direction": "down", "order": [guangdong, shanghai]})
    assert response.status_code == 409 and response.json()["conflict"]
    assert printed_order(issue) == ["上海", "广东"]


def test_a_section_move_in_a_frozen_issue_is_refused_with_403_and_writes_nothing(client, editor_user):
    issue = two_section_issue(status=Issue.Status.IN_REVIEW)
    client.force_login(editor_user)
    shanghai, guangdong = (Region.objects.get(name=n).pk for n in ("上海", "广东"))
    response = board_post(client, issue, {"section": guangdong, "direction": "up", "order": [shanghai, guangdong]})
    assert response.status_code == 403
    assert printed_order(issue) == ["上海", "广东"]


def test_the_first_section_cannot_move_up_and_a_malformed_request_is_a_clear_error(client, editor_user):
    issue = two_section_issue()
    client.force_login(editor_user)
    shanghai, guangdong = (Region.objects.get(name=n).pk for n in ("上海", "广东"))
    response = board_post(client, issue, {"section": shanghai, "direction": "up", "order": [shanghai, guangdong]})
    assert response.status_code == 400 and "第一个栏目" in response.json()["error"]
    response = board_post(client, issue, {"section": HOSTILE, "direction": "up", "order": []})
    assert response.status_code == 400 and "格式不正确" in response.json()["error"]


def test_the_board_page_offers_section_moves_to_those_who_may_move(client, editor_user):
    issue = two_section_issue()
    client.force_login(editor_user)
    html = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk])).content.decode()
    assert "上移栏目" in html and "下移栏目" in html
    assert reverse("admin:newsletter_issue_board_section", args=[issue.pk]) in html
    assert board_admin.state_of(board_admin.board.board_for(Issue.objects.with_contents().get(pk=issue.pk)))[
        "order"
    ] == [Region.objects.get(name=n).pk for n in ("上海", "广东")]
