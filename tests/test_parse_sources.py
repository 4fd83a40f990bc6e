"""Source-line rules (newsletter/importing/sources.py): wherever the line ends the article, in any of the
print edition's habits; prefixes never become outlets; a line that looks like a source but cannot be
read stays in the text and is reported."""

import datetime

import pytest

from newsletter.importing.schema import Notice
from newsletter.source_line import parse_source_line
from tests.parse_helpers import kinds, parse_article

D = datetime.date


def sources_of(body):
    data, article = parse_article(body)
    return [(s.outlet, s.date) for s in article.sources], article.body_markdown, data


@pytest.mark.parametrize(
    "tail, expected",
    [
        ("（来源：大众日报 2021年3月30日）", [("大众日报", D(2021, 3, 30))]),
        ("（来源: 大众日报 2021-03-30）", [("大众日报", D(2021, 3, 30))]),
        ("（据新华社 2021年3月30日）", [("新华社", D(2021, 3, 30))]),
        ("（据新华社）", [("新华社", None)]),
        ("（大众日报 ２０２１０３３０）", [("大众日报", D(2021, 3, 30))]),
        ("(大众日报 2021.03.30)", [("大众日报", D(2021, 3, 30))]),
        ("（大众日报 3月30日）", [("大众日报", D(2021, 3, 30))]),
        ("（来源：青岛日报）", [("青岛日报", None)]),
        ("（大众日报 20210330 青岛日报 20210331）", [("大众日报", D(2021, 3, 30)), ("青岛日报", D(2021, 3, 31))]),
        ("（来源：大众日报、青岛日报 20210330）", [("大众日报", D(2021, 3, 30)), ("青岛日报", D(2021, 3, 30))]),
        ("（摘自 经济观察报 20210329）", [("经济观察报", D(2021, 3, 29))]),
    ],
)
def test_a_source_tail_in_any_habit_is_read_and_its_prefix_is_no_outlet(tail, expected):
    sources, body, data = sources_of(f"青岛市近日启动海洋牧场建设行动。{tail}")
    assert sources == expected
    assert body == "青岛市近日启动海洋牧场建设行动。"
    assert Notice.UNPARSED_SOURCE not in kinds(data)


def test_a_source_line_on_its_own_paragraph_is_the_source():
    sources, body, _ = sources_of("青岛市近日启动海洋牧场建设行动。\n\n（来源：大众日报 2021年3月30日）")
    assert sources == [("大众日报", D(2021, 3, 30))] and body == "青岛市近日启动海洋牧场建设行动。"


def test_a_bare_laiyuan_paragraph_is_the_source():
    sources, body, _ = sources_of("青岛市近日启动海洋牧场建设行动。\n\n来源：大众日报 2021年3月30日")
    assert sources == [("大众日报", D(2021, 3, 30))] and body == "青岛市近日启动海洋牧场建设行动。"


def test_a_source_followed_by_a_figure_caption_is_still_the_source():
    sources, body, _ = sources_of("全市新建牧场五处。（大众日报 20210330）\n\n图 1 海洋牧场分布示意")
    assert sources == [("大众日报", D(2021, 3, 30))]
    assert body == "全市新建牧场五处。\n\n[[figure:1]]"


def test_a_note_after_the_source_stays_in_the_body():
    sources, body, _ = sources_of("全市新建牧场五处。（大众日报 20210330）\n\n注：数据截至 2021 年 3 月底。")
    assert sources == [("大众日报", D(2021, 3, 30))]
    assert body == "全市新建牧场五处。\n\n注：数据截至 2021 年 3 月底。"


@pytest.mark.parametrize(
    "broken",
    [
        "全市新建牧场五处。（大众日报\n\n12\n\n20210330）",
        "全市新建牧场五处。（大众日报 2021年\n\n12\n\n3月30日）",
        "全市新建牧场五处。\n\n（来源：大众日报\n\n- 12 -\n\n2021年3月30日）",
    ],
)
def test_a_source_line_split_by_a_page_break_is_joined_and_read(broken):
    sources, body, _ = sources_of(broken)
    assert sources == [("大众日报", D(2021, 3, 30))]
    assert body == "全市新建牧场五处。"


@pytest.mark.parametrize(
    "tail",
    ["（来源：大众日报 2021年13月40日）", "（据大众日报 2021年3月）", "（来源：20210330）"],
)
def test_a_tail_that_looks_like_a_source_but_cannot_be_read_stays_and_is_reported(tail):
    paragraph = f"青岛市近日启动海洋牧场建设行动。{tail}"
    sources, body, data = sources_of(paragraph)
    assert sources == [] and body == paragraph
    (notice,) = [w for w in data.warnings if w.kind == Notice.UNPARSED_SOURCE]
    assert notice.text == tail


@pytest.mark.parametrize(
    "paragraph",
    [
        "项目总投资 30 亿元（含配套设施）。",
        "预计年内完工（见图 1）",
        "记者在现场看到了新设备。（记者 王五）",
        "据了解，进展顺利（据了解）",
    ],
)
def test_an_ordinary_closing_parenthesis_is_text_and_not_reported(paragraph):
    sources, body, data = sources_of(paragraph)
    assert sources == [] and body == paragraph
    assert data.warnings == []


def test_outlets_on_either_side_of_a_page_break_stay_two_outlets():
    sources, body, _ = sources_of("全市新建牧场五处。（大众日报\n\n- 12 -\n\n青岛日报 20210330）")
    assert sources == [("大众日报", D(2021, 3, 30)), ("青岛日报", D(2021, 3, 30))]
    assert body == "全市新建牧场五处。"


def test_an_eight_digit_date_cut_by_a_page_break_is_one_date():
    sources, _, _ = sources_of("全市新建牧场五处。（大众日报 2021\n\n- 12 -\n\n0330）")
    assert sources == [("大众日报", D(2021, 3, 30))]


def test_a_dated_source_line_under_a_figure_caption_is_the_articles_source_not_the_figures_credit():
    _, article = parse_article("全市新建牧场五处。\n\n图 1 海洋牧场分布示意\n\n来源：大众日报 2021年3月30日")
    assert [(s.outlet, s.date) for s in article.sources] == [("大众日报", D(2021, 3, 30))]
    assert [(f.caption, f.credit) for f in article.figures] == [("海洋牧场分布示意", "")]
    assert article.body_markdown == "全市新建牧场五处。\n\n[[figure:1]]"


def test_the_page_a_source_was_printed_on_is_not_an_outlet():
    sources, body, _ = sources_of("全市新建牧场五处。（来源：大众日报 2021年3月30日 第2版）")
    assert sources == [("大众日报", D(2021, 3, 30))] and body == "全市新建牧场五处。"


@pytest.mark.parametrize(
    "line", ["据新华社 2021年3月30日", "（据新华社 20210330）", "摘自：新华社 20210330", "转自新华社 2021-03-30"]
)
def test_the_admins_one_line_rule_drops_the_same_prefixes(line):
    assert [(s.outlet, s.date) for s in parse_source_line(line)] == [("新华社", D(2021, 3, 30))]


def test_a_source_closing_the_last_item_of_a_list_is_the_source():
    sources, body, _ = sources_of("措施包括：\n\n1. 新建人工鱼礁区；\n2. 建设监测平台。（大众日报 20210330）")
    assert sources == [("大众日报", D(2021, 3, 30))]
    assert body == "措施包括：\n\n1. 新建人工鱼礁区；\n2. 建设监测平台。"


@pytest.mark.parametrize(
    "tail, expected",
    [
        (
            "（来源：人民日报 2019年3月5日；据新华社 2019年3月6日）",
            [("人民日报", D(2019, 3, 5)), ("新华社", D(2019, 3, 6))],
        ),
        ("（来源：人民日报；转自：新华社 20190306）", [("人民日报", D(2019, 3, 6)), ("新华社", D(2019, 3, 6))]),
        ("（摘自《求是》2019年第5期）", [("求是", None)]),
        ("（摘自《求是》第 5 期 20190301）", [("求是", D(2019, 3, 1))]),
        ("（综合新华社、人民网报道）", [("新华社", None), ("人民网", None)]),
        ("（据新华社报道 2019年3月6日）", [("新华社", D(2019, 3, 6))]),
        ("（21 世纪经济报道 20190306）", [("21世纪经济报道", D(2019, 3, 6))]),
    ],
)
def test_every_outlet_of_a_source_line_loses_its_prefix_and_no_issue_number_or_report_word_is_an_outlet(tail, expected):
    sources, body, data = sources_of(f"青岛市近日启动海洋牧场建设行动。{tail}")
    assert sources == expected
    assert body == "青岛市近日启动海洋牧场建设行动。"
    assert Notice.UNPARSED_SOURCE not in kinds(data)


@pytest.mark.parametrize(
    "tail, expected",
    [
        ("（综合大众日报、齐鲁网）", [("大众日报", None), ("齐鲁网", None)]),
        ("（综合 大众日报 齐鲁网 20210330）", [("大众日报", D(2021, 3, 30)), ("齐鲁网", D(2021, 3, 30))]),
        ("（综合大众日报、齐鲁网报道 20210330）", [("大众日报", D(2021, 3, 30)), ("齐鲁网", D(2021, 3, 30))]),
        ("（综合大众日报、齐鲁网 2021年3月30日报道）", [("大众日报", D(2021, 3, 30)), ("齐鲁网", D(2021, 3, 30))]),
        ("（据大众日报 2021年3月30日电）", [("大众日报", D(2021, 3, 30))]),
        ("（据大众日报 2021年3月30日消息）", [("大众日报", D(2021, 3, 30))]),
        ("（据《大众日报》报道 20210330）", [("大众日报", D(2021, 3, 30))]),
        ("（综合开发研究院报道）", [("综合开发研究院", None)]),
    ],
)
def test_zonghe_before_outlets_and_report_words_after_a_date_or_a_title_are_no_outlets(tail, expected):
    sources, body, data = sources_of(f"青岛市近日启动海洋牧场建设行动。{tail}")
    assert (sources, body) == (expected, "青岛市近日启动海洋牧场建设行动。")
    assert Notice.UNPARSED_SOURCE not in kinds(data)


@pytest.mark.parametrize("tail", ["（据《大众日报》报道，2021年3月32日）", "（据《海洋》杂志 <附件>报道）"])
def test_a_tail_with_a_prefix_and_a_report_word_or_title_marks_that_cannot_be_read_is_reported(tail):
    sources, body, data = sources_of(f"青岛市近日启动海洋牧场建设行动。{tail}")
    assert sources == [] and tail in body
    assert Notice.UNPARSED_SOURCE in kinds(data)
