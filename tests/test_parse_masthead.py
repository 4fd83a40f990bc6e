"""Masthead rules (newsletter/importing/masthead.py): labels with full-width, ASCII or no colons; names
separated by spaces, U+3000, 、 or commas; several labelled fields on one line."""

import pytest

from tests.parse_helpers import document, parse

TOC = "- 【山东】 青岛启动海洋牧场建设行动"
BODY = "【山东】\n\n### 青岛启动海洋牧场建设行动\n\n青岛市近日启动海洋牧场建设行动。"


def masthead_of(masthead):
    data = parse(document(TOC, BODY, masthead=masthead))
    return data.hosts, data.editors, data.coordinators, data.phone, data.fax


EXPECTED = (["海河政策研究中心", "滨城档案馆"], ["林一", "陈二"], ["周三"], "010-5550101", "010-5550102")


@pytest.mark.parametrize(
    "masthead",
    [
        "主办：海河政策研究中心 滨城档案馆\n编辑：林一 陈二\n统筹：周三\n电话：010-5550101\n传真：010-5550102",
        "主办: 海河政策研究中心  滨城档案馆\n编辑: 林一、陈二\n统筹: 周三\n电话: 010-5550101\n传真: 010-5550102",
        "主办 海河政策研究中心\u3000滨城档案馆\n编辑 林一，陈二\n统筹 周三\n电话 010-5550101\n传真 010-5550102",
        "主办\n海河政策研究中心\n滨城档案馆\n\n编辑\n林一 陈二\n统筹\n周三\n\n电话\n010-5550101\n传真\n010-5550102",
        "主办  \n海河政策研究中心  \n滨城档案馆\n\n编辑  \n林一  \n陈二  \n统筹  \n周三",
    ],
)
def test_labels_with_either_colon_or_none_and_names_split_by_any_separator(masthead):
    hosts, editors, coordinators, phone, fax = masthead_of(masthead)
    assert (hosts, editors, coordinators) == EXPECTED[:3]
    if "电话" in masthead:
        assert (phone, fax) == EXPECTED[3:]


def test_several_labelled_fields_on_one_line():
    line = "主办：海河政策研究中心  滨城档案馆 编辑：林一 陈二 统筹：周三 电话：010-5550101 传真：010-5550102"
    assert masthead_of(line) == EXPECTED


def test_fields_on_one_line_with_ascii_colons_and_commas():
    line = "主办:海河政策研究中心,滨城档案馆  编辑:林一,陈二  统筹:周三  电话:010-5550101  传真:010-5550102"
    assert masthead_of(line) == EXPECTED


def test_latin_words_of_one_host_stay_one_name():
    hosts, *_ = masthead_of("主办：Haihe Policy Institute 滨城档案馆\n编辑：林一")
    assert hosts == ["Haihe Policy Institute", "滨城档案馆"]


def test_a_word_containing_a_label_inside_a_name_is_not_a_label():
    hosts, editors, *_ = masthead_of("主办：城市编辑出版协会\n编辑：林一")
    assert hosts == ["城市编辑出版协会"] and editors == ["林一"]


def test_no_masthead_gives_empty_fields():
    assert masthead_of("") == ([], [], [], "", "")


def test_label_characters_spaced_apart_to_justify_a_column_are_still_labels():
    masthead = "主\u3000办：海河政策研究中心\u3000滨城档案馆\n编\u3000辑：林一 陈二\n统 筹：周三\n电\u3000话：010-5550101\n传\u3000真：010-5550102"
    assert masthead_of(masthead) == EXPECTED
