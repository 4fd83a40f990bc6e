"""Our own sample issues (tests/samples/): other numbering, new regions, GB18030, both parenthesis styles,
articles without a source line, other heading levels and page-break damage in other places."""

import datetime
from pathlib import Path

import pytest

from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_bytes
from newsletter.models import Issue
from regions.models import Region
from tests import factories
from tests.importing_helpers import FURNITURE_WORDS, SENTENCE_END, body_paragraphs

SAMPLES = Path(__file__).parent / "samples"


def parse(name):
    return parse_bytes((SAMPLES / name).read_bytes(), name)


def by_title(data):
    return {a.title: a for a in data.articles()}


@pytest.mark.parametrize("name", ["issue_2023_03.txt", "issue_2025_12.md", "issue_2022_01_gb18030.txt"])
def test_sample_bodies_have_no_damage_and_no_furniture(name):
    data = parse(name)
    assert data.articles()
    for article in data.articles():
        for paragraph in body_paragraphs(article.body_markdown):
            assert SENTENCE_END.search(paragraph), f"{name} {article.title}: …{paragraph[-20:]}"
        for word in FURNITURE_WORDS:
            assert word not in article.body_markdown
        assert not any(line.strip().isdigit() for line in article.body_markdown.splitlines())


def test_full_width_total_number_inline_masthead_and_names_on_several_lines():
    data = parse("issue_2023_03.txt")
    assert (data.year, data.number, data.total_number, data.issue_date) == (2023, 3, 258, datetime.date(2023, 2, 9))
    assert data.hosts == ["天津滨海综合发展研究院", "泰达图书馆档案馆"]
    assert data.editors == ["王一鸣", "李晓雪"] and data.coordinators == ["赵子恒"]
    assert (data.phone, data.fax) == ("022-12345678", "022-12345679")


def test_toc_titles_on_one_line_match_headings_that_differ_in_spacing_and_quotes():
    data = parse("issue_2023_03.txt")
    assert [(s.region, [a.title for a in s.articles]) for s in data.sections] == [
        ("区域", ['2月多地发布"数字乡村"建设清单', "两部门推进冷链物流骨干网"]),
        ("北京", ["北京试点社区食堂运营补贴"]),
        ("江苏", ["苏州打造工业互联网标识解析节点", "南京出台人才安居新政"]),
    ]
    suzhou = by_title(data)["苏州打造工业互联网标识解析节点"]
    assert suzhou.subheadings == ["节点能做什么"]  # #### like the title, but not in the TOC


def test_page_break_repaired_across_furniture_and_across_a_figure():
    articles = by_title(parse("issue_2023_03.txt"))
    rural = articles['2月多地发布"数字乡村"建设清单']
    assert "为基层治理提供数据底座。" in rural.body_markdown
    assert rural.region_tags == ["河南", "四川"]
    assert rural.subheadings == ["先行地区的经验"]  # a bold line
    assert "## 先行地区的经验" in rural.body_markdown
    cold_chain = articles["两部门推进冷链物流骨干网"]
    assert "基本建成覆盖全国主要产区和消费地的冷链网络。\n\n[[figure:1]]" in cold_chain.body_markdown
    assert [f.caption for f in cold_chain.figures] == ["国家骨干冷链物流基地分布示意"]
    assert cold_chain.sources == []


def test_ascii_parentheses_several_outlets_and_a_spaced_outlet_name():
    articles = by_title(parse("issue_2023_03.txt"))
    beijing = articles["北京试点社区食堂运营补贴"]
    assert [(s.outlet, s.date) for s in beijing.sources] == [
        ("北京日报", datetime.date(2023, 2, 3)),
        ("新京报", datetime.date(2023, 2, 3)),
    ]
    assert beijing.body_markdown.endswith("老年人优先等要求。")
    assert [s.outlet for s in articles["苏州打造工业互联网标识解析节点"].sources] == ["21世纪经济报道"]
    assert articles["南京出台人才安居新政"].sources == []


def test_gb18030_file_with_december_date_for_the_first_issue_and_two_dated_groups():
    data = parse("issue_2022_01_gb18030.txt")
    assert (data.year, data.number, data.total_number) == (2022, 1, 231)
    assert data.issue_date == datetime.date(2021, 12, 30)
    assert data.hosts == [] and data.editors == ["孙立", "钱程"]
    articles = by_title(data)
    pudong = articles["浦东发布“揭榜挂帅”项目清单"]
    assert [(s.outlet, s.date.isoformat()) for s in pudong.sources] == [
        ("新华社", "2021-12-28"),
        ("解放日报", "2021-12-29"),
    ]
    assert articles["宁波港口集装箱吞吐量创新高"].region_tags == ["舟山", "宁波"]
    assert articles["温州试点“民营经济三年行动”"].sources == []


def test_bom_file_with_shortened_and_wrapped_toc_titles_lists_and_two_figures():
    data = parse("issue_2025_12.md")
    assert (data.year, data.number, data.total_number) == (2025, 12, 311)
    articles = data.articles()
    assert [(a.toc_title, a.title) for a in articles] == [
        ("长三角三省一市共建", "长三角三省一市共建科创共同体 首批联合攻关项目启动"),
        ("成都出台低空经济十条措施", "成都出台低空经济十条措施"),
        ("上海推进“AI+制造”", "上海推进“AI+制造”行动"),
    ]
    assert [f.caption for f in articles[0].figures] == ["联合攻关项目领域分布", "三省一市研发投入对比"]
    assert "1. 支持无人机物流配送试点；\n2. 建设低空飞行服务站；" in articles[1].body_markdown
    assert "推动人工智能在研发设计、生产制造等环节深度应用。" in articles[2].body_markdown


def test_sample_with_new_regions_loads_them_in_print_order(db):
    publication = factories.publication()
    result = load_issue(parse("issue_2023_03.txt"), publication=publication)
    assert {"北京", "江苏", "河南", "四川"} <= set(result.new_regions)
    issue = Issue.objects.get(year=2023, number=3)
    assert [r.name for r, _ in issue.sections()] == ["区域", "北京", "江苏"]
    assert Region.objects.get(name="江苏").slug == "jiangsu"
    nanjing = issue.articles.get(title="南京出台人才安居新政")
    assert nanjing.short_title == "" and nanjing.source_line() == ""
    assert issue.articles.get(title="两部门推进冷链物流骨干网").figures.get().number == 1


def test_region_first_seen_as_tag_moves_into_place_when_it_becomes_a_section(db):
    publication = factories.publication()
    load_issue(parse("issue_2023_03.txt"), publication=publication)  # 四川 appears as a tag only
    load_issue(parse("issue_2025_12.md"), publication=publication)
    issue = Issue.objects.get(year=2025, number=12)
    assert [r.name for r, _ in issue.sections()] == ["区域", "四川", "上海"]
    assert issue.articles.get(section__name="区域").short_title == "长三角三省一市共建"
    numbers = sorted(f.number for a in issue.articles.all() for f in a.figures.all())
    assert numbers == [1, 2]


def test_articles_with_the_same_title_get_distinct_slugs(db):
    text = (SAMPLES / "issue_2023_03.txt").read_text(encoding="utf-8")
    text = text.replace("南京出台人才安居新政", "苏州打造工业互联网标识解析节点 ")
    data = parse_bytes(text.encode("utf-8"), "same.txt")
    load_issue(data, publication=factories.publication())
    slugs = list(Issue.objects.get().articles.filter(section__name="江苏").values_list("slug", flat=True))
    assert len(slugs) == 2 and len(set(slugs)) == 2 and slugs[1] == slugs[0] + "-2"
