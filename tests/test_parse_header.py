"""Header rules (newsletter/importing/header.py): year/number, total number and date of issue on one
line or several, full-width digits, a date without 印发 when it is the only one."""

import datetime

import pytest

from newsletter.importing.schema import ImportFailure
from tests.parse_helpers import document, parse

TOC = "- 【山东】 青岛启动海洋牧场建设行动"
BODY = "【山东】\n\n### 青岛启动海洋牧场建设行动\n\n青岛市近日启动海洋牧场建设行动。"
TITLES = "# 区域观察周报\n\n## 城市政策速递"


def header_of(header):
    data = parse(document(TOC, BODY, header=header))
    return data.year, data.number, data.total_number, data.issue_date


@pytest.mark.parametrize(
    "header",
    [
        "2019年第5期（总第140期） 3月7日印发",
        "2019 年第 5 期 (总第 140 期) 3 月 7 日印发",
        "2019年第5期\n（总第140期）\n3月7日印发",
        "2019年第5期\n\n（总第140期）\n\n3月7日印发",
        "2019年第5期（总第140期）\n\n3月7日印发",
        "2019年第5期\n\n（总第140期） 2019年3月7日印发",
    ],
)
def test_year_number_total_and_date_are_read_on_one_line_or_several(header):
    assert header_of(f"{header}\n\n{TITLES}") == (2019, 5, 140, datetime.date(2019, 3, 7))


def test_full_width_digits_and_brackets_are_read_as_digits():
    header = "２０１９年第５期\n\n（总第１４０期）\n\n３月７日印发"
    assert header_of(f"{header}\n\n{TITLES}") == (2019, 5, 140, datetime.date(2019, 3, 7))


@pytest.mark.parametrize("date_line", ["3月7日", "2019年3月7日", "３月７日"])
def test_a_lone_date_without_yinfa_is_the_date_of_issue(date_line):
    header = f"2019年第5期\n\n（总第140期）\n\n{date_line}\n\n{TITLES}"
    assert header_of(header)[3] == datetime.date(2019, 3, 7)


def test_the_date_marked_yinfa_wins_over_another_date_in_the_header():
    header = f"2019年第5期\n\n2月28日\n\n（总第140期）\n\n3月7日印发\n\n{TITLES}"
    assert header_of(header)[3] == datetime.date(2019, 3, 7)


def test_two_different_dates_without_yinfa_are_ambiguous_and_refused():
    header = f"2019年第5期\n\n（总第140期）\n\n2月28日\n\n3月7日\n\n{TITLES}"
    with pytest.raises(ImportFailure, match="没有找到印发日期行"):
        header_of(header)


def test_a_december_date_of_a_years_first_issue_is_in_the_year_before():
    header = f"2020年第1期（总第150期） 12月30日印发\n\n{TITLES}"
    assert header_of(header)[3] == datetime.date(2019, 12, 30)


def test_a_body_line_mentioning_an_issue_number_is_not_the_header():
    body = BODY + "\n\n2018年第3期"
    with pytest.raises(ImportFailure, match="没有找到期号行"):
        parse(document(TOC, body, header=f"（总第140期） 3月7日印发\n\n{TITLES}"))


def test_a_header_line_with_other_text_on_it_is_not_a_header_line():
    body = BODY + "\n\n据《求是》2018年第3期报道，该做法已推广。"
    data = parse(document(TOC, body, header=f"2019年第5期（总第140期） 3月7日印发\n\n{TITLES}"))
    assert (data.year, data.number) == (2019, 5)
    with pytest.raises(ImportFailure, match="没有找到期号行"):
        parse(document(TOC, body, header=f"（总第140期） 3月7日印发\n\n{TITLES}"))


def test_the_publications_name_in_title_marks_may_share_the_issue_line():
    header = f"《区域观察周报》2019年第5期（总第140期）\n\n3月7日印发\n\n{TITLES}"
    assert header_of(header) == (2019, 5, 140, datetime.date(2019, 3, 7))


def test_a_labelled_date_of_issue_counts_as_marked_yinfa():
    header = f"2019年第5期\n\n（总第140期）\n\n2月28日\n\n印发日期：2019年3月7日\n\n{TITLES}"
    assert header_of(header)[3] == datetime.date(2019, 3, 7)


def test_a_number_printed_without_its_year_takes_the_year_of_the_dated_line():
    header = f"第5期（总第140期）\n\n2019年3月7日印发\n\n{TITLES}"
    assert header_of(header) == (2019, 5, 140, datetime.date(2019, 3, 7))
