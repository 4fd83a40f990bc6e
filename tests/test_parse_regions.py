"""Region-lead rules (newsletter/importing/parser.py, blocks.py, gazetteer.py): 【X】 inside an article is
a region lead, never a new section unless X is one of the issue's TOC sections; only a place becomes a
region tag; other labels stay in the text."""

import pytest

from newsletter.importing.gazetteer import is_place
from newsletter.importing.schema import Notice
from tests.parse_helpers import document, parse, parse_article


@pytest.mark.parametrize(
    "name",
    [
        "湖北",
        "湖北省",
        "北京",
        "广西",
        "广西壮族自治区",
        "内蒙古",
        "沈阳",
        "沈阳市",
        "黔东南",
        "延边",
        "浦东新区",
        "香港",
    ],
)
def test_provinces_and_prefectures_by_full_or_short_name_and_counties_by_full_name_are_places(name):
    assert is_place(name)


@pytest.mark.parametrize("name", ["专家观点", "相关链接", "区域", "浦东", "新区", "政策解读"])
def test_labels_and_short_county_forms_are_not_places(name):
    assert not is_place(name)


def test_a_known_region_of_the_caller_is_a_place():
    assert is_place("浦东", known={"浦东"}) and not is_place("浦东")


def test_leads_at_a_paragraphs_start_become_tags_in_order_without_the_own_section():
    _, article = parse_article(
        "【山东】全省推进海洋牧场建设。\n\n【烟台】新建牧场三处。\n\n【威海】启动深远海养殖。\n\n【烟台】再建一处。"
    )
    assert article.region_tags == ["烟台", "威海"]
    assert article.body_markdown.startswith("【山东】全省推进")


def test_a_lead_alone_on_a_line_is_a_tag_joined_to_its_paragraph_not_a_section():
    data, article = parse_article(
        "全省推进海洋牧场建设。\n\n【湖北】\n\n武汉新建水产种业基地。\n\n## 【湖 南】\n\n长沙也在推进。"
    )
    assert [s.region for s in data.sections] == ["山东"]
    assert article.region_tags == ["湖北", "湖南"]
    assert article.body_markdown == "全省推进海洋牧场建设。\n\n【湖北】武汉新建水产种业基地。\n\n【湖南】长沙也在推进。"


def test_other_labels_stay_in_the_text_as_labels():
    _, article = parse_article(
        "全省推进海洋牧场建设。\n\n【专家观点】\n\n专家认为前景广阔。\n\n【相关链接】海洋牧场是指……。"
    )
    assert article.region_tags == []
    assert (
        article.body_markdown
        == "全省推进海洋牧场建设。\n\n【专家观点】\n\n专家认为前景广阔。\n\n【相关链接】海洋牧场是指……。"
    )


def test_a_region_the_caller_knows_becomes_a_tag_though_no_gazetteer_has_it():
    body = "【浦东】新区启动试点。\n\n【长三角】三省一市联动。"
    _, article = parse_article(body, known_regions=["长三角"])
    assert article.region_tags == ["长三角"]
    _, article = parse_article(body, known_regions=["长三角", "浦东"])
    assert article.region_tags == ["浦东", "长三角"]


def test_a_toc_section_alone_on_a_line_inside_the_body_starts_that_section():
    toc = "- 【区域】 多地试点数据资产入表\n- 【湖南】 长沙发布智能网联汽车条例"
    body = (
        "【区域】\n\n### 多地试点数据资产入表\n\n多地开展试点。\n\n【湖北】\n\n武汉率先完成。\n\n"
        "【湖南】\n\n### 长沙发布智能网联汽车条例\n\n长沙市发布条例。"
    )
    data = parse(document(toc, body))
    assert [(s.region, len(s.articles)) for s in data.sections] == [("区域", 1), ("湖南", 1)]
    first = data.articles()[0]
    assert first.region_tags == ["湖北"] and first.body_markdown == "多地开展试点。\n\n【湖北】武汉率先完成。"


def test_a_bold_lead_is_a_lead_too():
    _, article = parse_article("全省推进海洋牧场建设。\n\n**【烟台】**新建牧场三处。")
    assert article.region_tags == ["烟台"]


def test_a_heading_that_is_just_a_toc_section_name_is_that_sections_marker():
    toc = "- 【区域】 多地试点数据资产入表\n- 【湖南】 长沙发布智能网联汽车条例"
    body = "## 区域\n\n### 多地试点数据资产入表\n\n多地开展试点。\n\n## 湖 南\n\n### 长沙发布智能网联汽车条例\n\n长沙市发布条例。"
    data = parse(document(toc, body))
    assert [(s.region, len(s.articles)) for s in data.sections] == [("区域", 1), ("湖南", 1)]
    assert data.articles()[0].body_markdown == "多地开展试点。" and data.articles()[0].subheadings == []
    assert data.editor_note == "" and data.warnings == []


def test_a_lead_naming_a_known_region_by_its_other_form_is_tagged_with_the_known_name():
    _, article = parse_article(
        "【北京市】发布方案。\n\n【广西壮族自治区】跟进。\n\n【湖南】也在推进。", known_regions=["北京", "广西"]
    )
    assert article.region_tags == ["北京", "广西", "湖南"]
    assert article.body_markdown.startswith("【北京市】发布方案。")
    _, article = parse_article("【北京市】发布方案。")
    assert article.region_tags == ["北京市"]


def test_a_lone_label_naming_a_section_of_the_issue_is_a_lead_inside_an_article_unless_that_sections_title_follows():
    toc = "- 【江苏】 南京建设科学中心\n- 【广东】 深圳发布低空经济条例"
    body = (
        "【江苏】\n\n### 南京建设科学中心\n\n南京加快建设科学中心。\n\n【广东】\n\n广州也在建设类似中心。\n\n"
        "【江苏】\n\n苏州跟进。\n\n【广东】\n\n### 深圳发布低空经济条例\n\n深圳发布条例。\n\n【江苏】\n\n南京也在推进。"
    )
    data = parse(document(toc, body))
    assert [(s.region, len(s.articles)) for s in data.sections] == [("江苏", 1), ("广东", 1)]
    first, second = data.articles()
    assert first.region_tags == ["广东"]
    # 【江苏】 alone inside a 江苏 article names its own section: page furniture, dropped and reported.
    assert first.body_markdown == "南京加快建设科学中心。\n\n【广东】广州也在建设类似中心。\n\n苏州跟进。"
    assert second.region_tags == ["江苏"]
    assert second.body_markdown == "深圳发布条例。\n\n【江苏】南京也在推进。"
    assert [(w.kind, w.text) for w in data.warnings] == [(Notice.DROPPED_TEXT, "【江苏】")]


def test_the_articles_own_section_label_repeated_at_the_top_of_a_page_is_dropped_and_the_paragraph_rejoined():
    toc = "- 【江苏】 南京建设科学中心\n- 【广东】 深圳发布低空经济条例"
    body = (
        "【江苏】\n\n### 南京建设科学中心\n\n南京加快建设科学中心，推动\n\n- 2 -\n\n【江 苏】\n\n"
        "创新资源集聚。（新华日报 20220305）\n\n【广东】\n\n### 深圳发布低空经济条例\n\n深圳发布条例。"
    )
    data = parse(document(toc, body))
    first, second = data.articles()
    assert first.body_markdown == "南京加快建设科学中心，推动创新资源集聚。"
    assert [s.outlet for s in first.sources] == ["新华日报"] and first.region_tags == []
    assert (Notice.DROPPED_TEXT, "【江苏】") in [(w.kind, w.text) for w in data.warnings]


def test_a_section_label_after_the_last_source_line_is_no_lead_and_is_reported():
    toc = "- 【江苏】 南京建设科学中心\n- 【广东】 深圳发布低空经济条例"
    body = (
        "【江苏】\n\n### 南京建设科学中心\n\n南京加快建设。（新华日报 20220305）\n\n【广东】\n\n"
        "### 深圳发布低空经济条例\n\n深圳发布条例。（南方日报 20220306）\n\n【江苏】"
    )
    data = parse(document(toc, body))
    last = data.articles()[-1]
    assert [s.outlet for s in last.sources] == ["南方日报"] and last.body_markdown == "深圳发布条例。"
    assert last.region_tags == []
    assert (Notice.DROPPED_TEXT, "【江苏】") in [(w.kind, w.text) for w in data.warnings]


def test_a_lead_followed_only_by_the_source_line_is_no_lead_and_is_reported():
    data, article = parse_article("全省推进海洋牧场建设。\n\n【烟台】（大众日报 20210330）")
    assert [s.outlet for s in article.sources] == ["大众日报"]
    assert article.body_markdown == "全省推进海洋牧场建设。" and article.region_tags == []
    assert (Notice.DROPPED_TEXT, "【烟台】") in [(w.kind, w.text) for w in data.warnings]
