"""Sources in one line: a print source line read into sources, by the parser and on the article page."""

import datetime
import re

import pytest
from django.urls import reverse

from newsletter.importing.parser import _split_source
from newsletter.models import Article, Issue, Outlet, Source
from newsletter.source_line import ParsedSource, SourceLineError, parse_source_line, split_source_tail
from tests import factories
from tests.test_locking import article_form_data

D = datetime.date


def pairs(line, **kwargs):
    return [(source.outlet, source.date) for source in parse_source_line(line, **kwargs)]


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "（金融时报 中央财经大学绿色金融国际研究院 20241210）",
            [("金融时报", D(2024, 12, 10)), ("中央财经大学绿色金融国际研究院", D(2024, 12, 10))],
        ),
        ("（来源：人民日报 2019年3月5日）", [("人民日报", D(2019, 3, 5))]),
        ("（深圳特区报 20241210）", [("深圳特区报", D(2024, 12, 10))]),
        ("来源：新华社", [("新华社", None)]),
        ("(经济参考报 20241210)", [("经济参考报", D(2024, 12, 10))]),
        ("（21 世纪经济报道 20241217）", [("21世纪经济报道", D(2024, 12, 17))]),
        ("人民日报 2024-12-10", [("人民日报", D(2024, 12, 10))]),
        ("人民日报 2024.12.10", [("人民日报", D(2024, 12, 10))]),
        ("人民日报 2024/12/1", [("人民日报", D(2024, 12, 1))]),
        ("来源： 人民日报 2019 年 3 月 5 日。", [("人民日报", D(2019, 3, 5))]),
        ("来源:《人民日报》2019年3月5日", [("人民日报", D(2019, 3, 5))]),
        ("人民日报 20241210；新华社 20241211", [("人民日报", D(2024, 12, 10)), ("新华社", D(2024, 12, 11))]),
        ("人民日报、新华社 20241210", [("人民日报", D(2024, 12, 10)), ("新华社", D(2024, 12, 10))]),
        ("人民日报 20241210；新华社", [("人民日报", D(2024, 12, 10)), ("新华社", None)]),
        (
            "Financial Times 21世纪经济报道 20241210",
            [("Financial Times", D(2024, 12, 10)), ("21世纪经济报道", D(2024, 12, 10))],
        ),
        ("（人民日报（海外版） 20241210）", [("人民日报（海外版）", D(2024, 12, 10))]),
        ("", []),
        ("   ", []),
    ],
)
def test_a_print_source_line_reads_as_its_outlets_and_dates(line, expected):
    assert pairs(line) == expected


def test_a_date_without_a_year_takes_the_year_that_does_not_put_it_after_the_issue():
    assert pairs("新华社 12月10日", reference_date=D(2024, 12, 19)) == [("新华社", D(2024, 12, 10))]
    # An issue of early January quotes December's papers: last year's December.
    assert pairs("新华社 12月28日", reference_date=D(2025, 1, 9)) == [("新华社", D(2024, 12, 28))]


def test_an_address_belongs_to_the_outlet_before_it():
    parsed = parse_source_line("人民日报 20241210 https://paper.people.com.cn/a/20241210.html；新华社")
    assert parsed == [
        ParsedSource("人民日报", D(2024, 12, 10), "https://paper.people.com.cn/a/20241210.html"),
        ParsedSource("新华社", None, ""),
    ]


@pytest.mark.parametrize(
    "line, words",
    [
        ("（人民日报 20241332）", "不是有效日期"),
        ("人民日报 2024年2月30日", "不是有效日期"),
        ("人民日报 2月30日", "不是有效日期"),
        ("人民日报 00010101", "年份不对"),
        ("（20241210）", "前没有媒体名称"),
        ("https://example.com 人民日报", "前没有媒体名称"),
        ("<script>alert(1)</script> 20241210", "尖括号"),
        ("人民日报<img src=x onerror=alert(1)>", "尖括号"),
        ("【湖北】人民日报 20241210", "方括号"),
        ("人民日报) 20241210", "不成对"),
        ("人民日报 " + "新华社 " * 40, "最多 30 个来源"),
        ("很长" * 600, "来源行太长"),
        ("（）", "没有媒体名称"),
        ("人民日报 2024年12月", "不是完整的日期"),
        ("人民日报 2024121", "不是完整的日期"),
        ("人民日报 12月", "不是完整的日期"),
    ],
)
def test_a_line_that_cannot_be_read_is_refused_with_a_chinese_message(line, words):
    with pytest.raises(SourceLineError) as refused:
        parse_source_line(line)
    assert words in str(refused.value)
    assert str(refused.value).endswith("。")


def test_javascript_addresses_are_not_addresses():
    # Only http(s) is an address; anything else is text in a name, escaped wherever it is shown.
    parsed = parse_source_line("人民日报 javascript:alert(1) 20241210")
    assert all(source.url == "" for source in parsed)


def test_the_importer_and_the_admin_read_an_article_tail_alike():
    paragraph = "正文最后一句。（金融时报 中央财经大学绿色金融国际研究院 20241210）"
    remaining, parsed = split_source_tail(paragraph)
    assert remaining == "正文最后一句。"
    assert parsed == parse_source_line("（金融时报 中央财经大学绿色金融国际研究院 20241210）")
    _, imported = _split_source(paragraph)
    assert [(s.outlet, s.date) for s in imported] == [(p.outlet, p.date) for p in parsed]


@pytest.mark.parametrize(
    "paragraph",
    [
        "一句话（其中 20241332）",  # a date that does not exist is text
        "增长了（2023年 12345678",  # no closing bracket
        "正文。（见附件）",
    ],
)
def test_the_importer_keeps_a_tail_that_is_not_a_source_line_in_the_text(paragraph):
    assert split_source_tail(paragraph) == (paragraph, [])


# ---------------------------------------------------------------------------------------- the admin


def _post(client, user, article, **fields):
    client.force_login(user)
    url = reverse("admin:newsletter_article_change", args=[article.pk])
    return client.post(url, article_form_data(article, **fields))


def _rows(article):
    return [(s.outlet.name, s.date, s.url) for s in Source.objects.filter(article=article).order_by("position")]


@pytest.mark.django_db
def test_pasting_a_line_replaces_the_source_rows_and_creates_new_outlets(client, editor_user):
    article = factories.article(issue=factories.issue(status="draft"))
    response = _post(client, editor_user, article, source_line="（金融时报 中央财经大学绿色金融国际研究院 20241210）")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _rows(article) == [
        ("金融时报", D(2024, 12, 10), ""),
        ("中央财经大学绿色金融国际研究院", D(2024, 12, 10), ""),
    ]
    assert not Source.objects.filter(outlet__name="测试日报").exists()
    # The derived texts follow: the source line is searchable.
    assert "中央财经大学绿色金融国际研究院" in Article.objects.get(pk=article.pk).search_text


@pytest.mark.django_db
def test_outlets_are_matched_whatever_the_width_case_and_spacing(client, editor_user):
    known = Outlet.objects.create(name="FT中文网")
    paper = Outlet.objects.create(name="21世纪经济报道")
    article = factories.article(issue=factories.issue(status="draft"))
    assert (
        _post(client, editor_user, article, source_line="ＦＴ中文网 20241210 21 世纪经济报道 20241211").status_code
        == 302
    )
    assert [s.outlet for s in Source.objects.filter(article=article).order_by("position")] == [known, paper]
    assert Outlet.objects.filter(name__icontains="中文网").count() == 1


@pytest.mark.django_db
def test_the_page_shows_the_current_sources_as_one_line_and_round_trips(client, editor_user):
    article = factories.article(
        issue=factories.issue(status="draft"),
        sources=(("金融时报", D(2024, 12, 10)), ("中央财经大学绿色金融国际研究院", D(2024, 12, 10)), ("新华社", None)),
    )
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    shown = re.search(r'name="source_line"[^>]*value="([^"]*)"', page) or re.search(
        r'value="([^"]*)"[^>]*name="source_line"', page
    )
    assert shown.group(1) == "（金融时报 中央财经大学绿色金融国际研究院 20241210 新华社）"
    before = _rows(article)
    # line → rows → line: posting the shown line back changes nothing.
    assert _post(client, editor_user, article, source_line=shown.group(1)).status_code == 302
    assert _rows(article) == before
    assert Article.objects.get(pk=article.pk).source_line() == shown.group(1)


@pytest.mark.django_db
def test_an_unchanged_line_keeps_the_addresses_typed_in_the_rows(client, editor_user):
    article = factories.article(issue=factories.issue(status="draft"), sources=(("人民日报", D(2024, 12, 10)),))
    Source.objects.filter(article=article).update(url="https://paper.people.com.cn/a.html")
    assert _post(client, editor_user, article, source_line="人民日报  2024年12月10日").status_code == 302
    assert _rows(article) == [("人民日报", D(2024, 12, 10), "https://paper.people.com.cn/a.html")]
    # A changed line keeps the address of an outlet that stays.
    article.refresh_from_db()
    assert _post(client, editor_user, article, source_line="新华社 人民日报 20241210").status_code == 302
    assert _rows(article) == [
        ("新华社", D(2024, 12, 10), ""),
        ("人民日报", D(2024, 12, 10), "https://paper.people.com.cn/a.html"),
    ]


@pytest.mark.django_db
def test_a_bad_date_refuses_the_whole_save_and_writes_nothing(client, editor_user):
    article = factories.article(issue=factories.issue(status="draft"), body="原来的正文。")
    outlets_before = Outlet.objects.count()
    response = _post(client, editor_user, article, source_line="（新报纸 20241332）", body="改过的正文。")
    assert response.status_code == 200
    assert "日期“20241332”不是有效日期" in response.content.decode()
    stored = Article.objects.get(pk=article.pk)
    assert stored.body == "原来的正文。" and stored.version == article.version
    assert _rows(article) == [("测试日报", D(2024, 12, 1), "")]
    assert Outlet.objects.count() == outlets_before


@pytest.mark.django_db
def test_hostile_outlet_names_are_refused_and_nothing_is_written(client, editor_user):
    article = factories.article(issue=factories.issue(status="draft"))
    response = _post(client, editor_user, article, source_line="<script>alert(1)</script> 20241210")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode().split('name="source_line"')[0][-5000:]
    assert _rows(article) == [("测试日报", D(2024, 12, 1), "")]
    assert not Outlet.objects.filter(name__contains="script").exists()


@pytest.mark.django_db
def test_changing_both_the_line_and_a_row_is_refused_rather_than_losing_one(client, editor_user):
    article = factories.article(issue=factories.issue(status="draft"))
    response = _post(client, editor_user, article, source_line="新华社 20241210", **{"sources-0-date": "2024-12-02"})
    assert response.status_code == 200
    assert "您同时修改了「来源（一行）」和下方的来源" in response.content.decode()
    assert _rows(article) == [("测试日报", D(2024, 12, 1), "")]


@pytest.mark.django_db
def test_rows_edited_one_by_one_are_kept_when_the_line_is_left_as_shown(client, editor_user):
    article = factories.article(issue=factories.issue(status="draft"))
    response = _post(
        client, editor_user, article, source_line=article.source_line(), **{"sources-0-date": "2024-12-02"}
    )
    assert response.status_code == 302
    assert _rows(article) == [("测试日报", D(2024, 12, 2), "")]


@pytest.mark.django_db
def test_a_client_that_does_not_send_the_line_leaves_the_sources_alone(client, editor_user):
    article = factories.article(issue=factories.issue(status="draft"))
    assert _post(client, editor_user, article).status_code == 302
    assert _rows(article) == [("测试日报", D(2024, 12, 1), "")]


@pytest.mark.django_db
def test_clearing_the_line_removes_the_sources(client, editor_user):
    article = factories.article(issue=factories.issue(status="draft"))
    assert _post(client, editor_user, article, source_line="").status_code == 302
    assert _rows(article) == []


@pytest.mark.django_db
def test_a_line_without_a_year_takes_it_from_the_issue(client, editor_user):
    issue = factories.issue(status="draft", year=2025, number=1, issue_date=D(2025, 1, 9))
    article = factories.article(issue=issue)
    assert _post(client, editor_user, article, source_line="新华社 12月28日").status_code == 302
    assert _rows(article) == [("新华社", D(2024, 12, 28), "")]


@pytest.mark.django_db
def test_a_new_article_gets_its_sources_from_the_line(client, editor_user):
    issue = factories.issue(status="draft")
    section = factories.region("区域")
    client.force_login(editor_user)
    data = {
        "issue": issue.pk,
        "section": section.pk,
        "position": 1,
        "title": "新文章",
        "short_title": "",
        "slug": "",
        "summary": "",
        "body": "正文。",
        "regions": "",
        "topics": "",
        "seen_version": "",
        "source_line": "（来源：人民日报 2019年3月5日）",
        "sources-TOTAL_FORMS": 0,
        "sources-INITIAL_FORMS": 0,
        "figures-TOTAL_FORMS": 0,
        "figures-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:newsletter_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(title="新文章")
    assert _rows(article) == [("人民日报", D(2019, 3, 5), "")]


@pytest.mark.django_db
def test_a_frozen_issue_refuses_the_line_too(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.IN_REVIEW))
    response = _post(client, editor_user, article, source_line="新华社 20241210")
    assert response.status_code in (200, 403)
    assert _rows(article) == [("测试日报", D(2024, 12, 1), "")]


# ------------------------------------------------------------------------------ typed outlet names


def _new_row(data, index, outlet, date="2024-12-10"):
    data.update(
        {
            f"sources-{index}-outlet": outlet,
            f"sources-{index}-date": date,
            f"sources-{index}-url": "",
            f"sources-{index}-position": index,
        }
    )
    data["sources-TOTAL_FORMS"] = index + 1
    return data


@pytest.mark.django_db
def test_a_row_takes_a_typed_new_outlet_name_and_creates_it_on_save(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    client.force_login(editor_user)
    data = _new_row(article_form_data(article), 1, "南方 都市报")
    response = client.post(reverse("admin:newsletter_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _rows(article) == [("测试日报", D(2024, 12, 1), ""), ("南方都市报", D(2024, 12, 10), "")]


@pytest.mark.django_db
def test_a_typed_name_of_a_known_outlet_is_that_outlet(client, editor_user):
    known = Outlet.objects.create(name="FT中文网")
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    client.force_login(editor_user)
    data = _new_row(article_form_data(article), 1, "ｆｔ中文网")
    assert client.post(reverse("admin:newsletter_article_change", args=[article.pk]), data).status_code == 302
    assert Source.objects.get(article=article, position=1).outlet == known
    assert Outlet.objects.filter(name__icontains="中文网").count() == 1


@pytest.mark.django_db
def test_a_refused_page_creates_no_typed_outlet_and_shows_the_name_again(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    client.force_login(editor_user)
    data = _new_row(article_form_data(article, title=""), 1, "新开的报纸")
    response = client.post(reverse("admin:newsletter_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert not Outlet.objects.filter(name="新开的报纸").exists()
    assert re.search(r'<option value="新开的报纸" selected>新开的报纸</option>', response.content.decode())


@pytest.mark.django_db
def test_a_hostile_typed_outlet_name_is_refused(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    client.force_login(editor_user)
    data = _new_row(article_form_data(article), 1, "<img src=x onerror=alert(1)>")
    response = client.post(reverse("admin:newsletter_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "媒体名称不能包含尖括号" in response.content.decode()
    assert not Outlet.objects.filter(name__contains="img").exists()


@pytest.mark.django_db
def test_an_unknown_outlet_key_is_still_an_error(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    client.force_login(editor_user)
    data = _new_row(article_form_data(article), 1, "999999")
    response = client.post(reverse("admin:newsletter_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert _rows(article) == [("测试日报", D(2024, 12, 1), "")]


@pytest.mark.django_db
def test_the_outlet_field_lets_a_new_name_be_typed(client, editor_user):
    article = factories.article(issue=factories.issue(status=Issue.Status.DRAFT))
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()
    assert re.search(r'<select name="sources-0-outlet"[^>]*data-tags="true"', page)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("据新华社", "新华社"),
        ("来源：人民日报", "人民日报"),
        ("资料来源： 经济日报", "经济日报"),
        ("摘自求是", "求是"),
        ("转自：澎湃新闻", "澎湃新闻"),
        ("Source: Reuters", "Reuters"),
        ("综合开发研究院", "综合开发研究院"),
        ("SourceForge", "SourceForge"),
        ("21 世纪经济报道", "21世纪经济报道"),
    ],
)
def test_a_source_line_never_makes_a_source_prefix_part_of_an_outlets_name(typed, stored):
    assert [s.outlet for s in parse_source_line(f"（来源：经济观察报；{typed} 20241210）")] == ["经济观察报", stored]


@pytest.mark.parametrize("name", ["来源网", "据点新闻", "来自星球周刊", "据新华社", "综合开发研究院", "Source Daily"])
def test_an_outlet_keeps_the_name_it_is_given_only_a_source_line_drops_prefixes(db, name):
    # The prefix rule belongs to source lines: a name typed in the admin or stored before is never renamed.
    Outlet.objects.bulk_create([Outlet(name=name)])
    stored = Outlet.objects.get(name=name)
    stored.full_clean()
    stored.save()
    assert Outlet.get_for_name(name).pk == stored.pk
    assert list(Outlet.objects.values_list("name", flat=True)) == [name]
    assert Outlet.get_for_name("21 世纪经济报道").name == "21世纪经济报道"
