"""The real issue in ../shared/seed/ (present in CI), imported and checked against what the print edition says."""

import datetime
from pathlib import Path

import pytest

from newsletter.importing.loader import load_issue
from newsletter.importing.parser import parse_bytes
from newsletter.models import Issue
from tests import factories
from tests.importing_helpers import FURNITURE_WORDS, SENTENCE_END, body_paragraphs

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_9fab522086a065de.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"真实样刊 {SEED} 不在本机（CI 中存在），跳过样刊导入测试")


@pytest.fixture
def parsed():
    return parse_bytes(SEED.read_bytes(), SEED.name)


@pytest.fixture
def imported(db):
    publication = factories.publication()
    data = parse_bytes(SEED.read_bytes(), SEED.name, known_lines=(publication.name, publication.subtitle))
    load_issue(data, publication=publication, filename=SEED.name)
    return Issue.objects.get(publication=publication, year=2024, number=24)


def test_seed_header_and_masthead_are_read(parsed):
    assert (parsed.year, parsed.number, parsed.total_number) == (2024, 24, 298)
    assert parsed.issue_date == datetime.date(2024, 12, 19)
    assert parsed.hosts == ["天津滨海综合发展研究院", "泰达图书馆档案馆"]
    assert parsed.editors == ["贺然", "金敏毓", "何莉娟"]
    assert parsed.coordinators == ["韩玉刚", "马爱华", "武晓庆"]
    assert (parsed.phone, parsed.fax) == ("022-66222942", "022-66222940")
    assert parsed.publication == "双周决策观察"
    assert parsed.slogan == "洞悉基层创新 启迪新政新思"


def test_seed_sections_hold_the_tocs_titles_in_order(parsed):
    assert [(s.region, len(s.articles)) for s in parsed.sections] == [
        ("区域", 3),
        ("上海", 2),
        ("广东", 4),
        ("浙江", 1),
    ]
    titles = [a.title for a in parsed.articles()]
    assert titles == [
        "11 月全国碳市场交易激增",
        "各地加快布局醇氢生态产业链",
        "密态计算产业链加速数据流通基础设施建设",
        "支持上市公司并购重组 上海发布三年行动方案",
        "全国首发融合业态行业综合许可证",
        "广东本外币资金池试点企业破百家",
        "广州推动中小企业实施数字化改造",
        "粤率先出台“两新”一揽子财政政策",
        "深圳发布 11 条举措促进即时零售高质量发展",
        "浙江建设高能级开放强省“划重点”",
    ]
    assert [a.toc_title for a in parsed.articles()] == titles


def test_seed_every_article_has_its_outlets_and_date(parsed):
    sources = [[(s.outlet, s.date.strftime("%Y%m%d")) for s in a.sources] for a in parsed.articles()]
    assert sources == [
        [("金融时报", "20241210"), ("中央财经大学绿色金融国际研究院", "20241210")],
        [("经济参考报", "20241210")],
        [("21世纪经济报道", "20241217")],
        [("上海证券报", "20241211")],
        [("浦东时报", "20241213")],
        [("第一财经", "20241218")],
        [("广州日报", "20241217")],
        [("南方日报", "20241218")],
        [("深圳特区报", "20241210")],
        [("21世纪经济报道", "20241218")],
    ]


def test_seed_subheadings_figures_and_region_tags(parsed):
    articles = {a.title: a for a in parsed.articles()}
    shenzhen = articles["深圳发布 11 条举措促进即时零售高质量发展"]
    assert shenzhen.subheadings == [
        "打造全国领先的即时零售产业发展高地",
        "加快打造高效协同供应链网络",
        "推动商产融合完善即时配送基础设施",
    ]
    carbon = articles["11 月全国碳市场交易激增"]
    assert [f.caption for f in carbon.figures] == ["地方试点碳市场 11 月成交总量及成交均价"]
    assert "[[figure:1]]" in carbon.body_markdown
    assert carbon.region_tags == ["湖北", "北京"]
    assert carbon.body_markdown.count("【湖北】") == 1
    shanghai = articles["支持上市公司并购重组 上海发布三年行动方案"]
    assert shanghai.subheadings == ["多措并举支持并购重组 将加快培育集聚并购基金", "并购重组潮起 市场流动性有望提高"]


def test_seed_bodies_have_no_page_break_damage_or_furniture(parsed):
    for article in parsed.articles():
        for paragraph in body_paragraphs(article.body_markdown):
            assert SENTENCE_END.search(paragraph), f"{article.title}: 段落在句中断开：…{paragraph[-20:]}"
        for word in FURNITURE_WORDS:
            assert word not in article.body_markdown
        assert article.title not in article.body_markdown
        assert "（" + article.sources[0].outlet not in article.body_markdown
    bodies = "\n".join(a.body_markdown for a in parsed.articles())
    assert "配额结转方案" in bodies and "配\n\n额" not in bodies
    assert "破除预算安排基数依赖" in bodies
    assert "构建起安全、可信" in bodies


def test_seed_imports_as_a_draft_with_credits_sources_figure_and_tags(imported):
    assert imported.status == Issue.Status.DRAFT
    assert imported.issue_date == datetime.date(2024, 12, 19) and imported.total_number == 298
    assert [e.name for e in imported.editors()] == ["贺然", "金敏毓", "何莉娟"]
    assert [e.name for e in imported.coordinators()] == ["韩玉刚", "马爱华", "武晓庆"]
    sections = [(region.name, len(articles)) for region, articles in imported.sections()]
    assert sections == [("区域", 3), ("上海", 2), ("广东", 4), ("浙江", 1)]
    carbon = imported.articles.get(title="11 月全国碳市场交易激增")
    assert carbon.source_line() == "（金融时报 中央财经大学绿色金融国际研究院 20241210）"
    figure = carbon.figures.get()
    assert figure.full_caption == "图 1 地方试点碳市场 11 月成交总量及成交均价" and figure.needs_image
    assert sorted(carbon.regions.names()) == ["北京", "湖北"]
    assert '<span class="region-marker">【湖北】</span>' in carbon.body_html
    assert "图 1 地方试点碳市场" in carbon.body_html
    zhejiang = imported.articles.get(section__name="浙江")
    assert zhejiang.source_line() == "（21世纪经济报道 20241218）"
