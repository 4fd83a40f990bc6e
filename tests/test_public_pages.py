"""The public reading site, page by page, as an anonymous reader sees it."""

import datetime
import re

import pytest
from django.utils import timezone

from newsletter.models import Issue

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # These tests look at what the views produce; the page cache is tested on its own.
    settings.PAGE_CACHE_ENABLED = False


def text_of(response):
    """Visible text, tags removed, whitespace collapsed: what a reader reads."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(time|span|a|mark|strong|em)\b[^>]*>", "", html)  # inline: no word break
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def print_issue(db):
    """An issue shaped like the print edition: sections out of alphabetical order, positions shuffled."""
    pub = f.publication()
    f.region("区域", order=1)
    f.region("上海", order=2)
    f.region("广东", order=3)
    issue = f.issue(year=2024, number=24, total_number=298, issue_date=datetime.date(2024, 12, 19), pub=pub)
    guangdong = f.article(issue, section="广东", title="广东本外币资金池试点企业破百家", position=1)
    shanghai2 = f.article(issue, section="上海", title="全国首发融合业态行业综合许可证", position=2)
    region2 = f.article(
        issue,
        section="区域",
        title="各地加快布局醇氢生态产业链",
        position=2,
        sources=(("金融时报", datetime.date(2024, 12, 10)), ("中国能源报", datetime.date(2024, 12, 10))),
    )
    region1 = f.article(
        issue,
        section="区域",
        title="11 月全国碳市场交易激增",
        position=1,
        body="11 月，全国碳市场成交量激增。\n\n[[figure:1]]\n\n## 履约窗口期压力仍在\n\n【湖北】碳市场表现活跃。",
        region_tags=("湖北",),
        topics=("碳市场",),
    )
    shanghai1 = f.article(
        issue, section="上海", title="支持上市公司并购重组 上海发布三年行动方案", position=1, topics=("并购重组",)
    )
    f.figure(region1, caption="地方试点碳市场 11 月成交总量及成交均价")
    return {
        "issue": issue,
        "order": [region1, region2, shanghai1, shanghai2, guangdong],
    }


def test_issue_page_shows_the_masthead_like_the_print_edition(client, print_issue):
    response = client.get("/issues/2024/24/")
    assert response.status_code == 200
    text = text_of(response)
    for expected in [
        "双周决策观察",
        "地方工作亮点追踪",
        "2024 年第 24 期",
        "总第 298 期",
        "12 月 19 日印发",
        "主办",
        "测试研究院",
        "测试档案馆",
        "编辑 甲编辑 乙编辑",
        "统筹 丙统筹",
        "电话 022-11112222",
        "传真 022-11113333",
    ]:
        assert expected in text, expected


def test_issue_contents_follow_section_order_then_position_with_anchors(client, print_issue):
    html = client.get("/issues/2024/24/").content.decode()
    toc = html[html.index('class="toc"') : html.index('class="credits"')]
    titles = re.findall(r'<a href="#(a-[^"]+)">([^<]+)</a>', toc)
    assert [t for _, t in titles] == [a.title for a in print_issue["order"]]
    assert re.findall(r"toc-section-name\">([^<]+)<", toc) == ["【区域】", "【上海】", "【广东】"]
    for anchor, _ in titles:  # every contents entry points at an article on the page
        assert f'id="{anchor}"' in html
    body = html[html.index('class="cover"') :]
    positions = [body.index(f">{a.title}</a></h3>") for a in print_issue["order"]]
    assert positions == sorted(positions)


def test_issue_page_shows_subheadings_figures_with_captions_and_source_lines(client, print_issue):
    html = client.get("/issues/2024/24/").content.decode()
    assert "<h4>履约窗口期压力仍在</h4>" in html
    assert "图 1 地方试点碳市场 11 月成交总量及成交均价</figcaption>" in html
    assert 'alt="地方试点碳市场 11 月成交总量及成交均价的示意"' in html
    assert "（金融时报 中国能源报 20241210）" in html
    assert '<span class="region-marker">【湖北】</span>' in html


def test_issue_page_links_previous_and_next_public_issue_only(client, print_issue):
    before = f.issue(year=2024, number=23, total_number=297)
    f.issue(year=2025, number=1, total_number=299, status=Issue.Status.DRAFT)
    html = client.get("/issues/2024/24/").content.decode()
    assert f'href="{before.get_absolute_url()}">← 上一期：2024 年第 23 期</a>' in html
    assert "下一期" not in html


def test_issue_page_says_when_it_was_corrected(client, print_issue):
    issue = print_issue["issue"]
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "更正于" not in html
    Issue.objects.filter(pk=issue.pk).update(corrected_at=timezone.make_aware(datetime.datetime(2024, 12, 20, 15, 30)))
    assert "更正于 2024 年 12 月 20 日 15:30" in text_of(client.get(issue.get_absolute_url()))
    article = print_issue["order"][0]
    assert "更正于 2024 年 12 月 20 日 15:30" in text_of(client.get(article.get_absolute_url()))


def test_print_view_uses_the_print_stylesheet_on_screen(client, print_issue):
    normal = client.get("/issues/2024/24/").content.decode()
    printed = client.get("/issues/2024/24/?print=1").content.decode()
    assert re.search(r'print\.css" media="print"', normal)
    assert re.search(r'print\.css" media="all"', printed)
    assert 'class="issue-page print-view"' in printed
    assert 'rel="canonical" href="http://testserver/issues/2024/24/"' in printed


@pytest.mark.parametrize(
    "url", ["/issues/2024/99/", "/issues/1999/1/", "/issues/1999/", "/issues/2024/24/no-such-article/"]
)
def test_unknown_years_numbers_and_slugs_answer_a_chinese_404(client, print_issue, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "没有找到这一页" in response.content.decode()


def test_article_page_shows_title_section_tags_body_sources_and_issue_link(client, print_issue):
    article = print_issue["order"][0]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="article-title">11 月全国碳市场交易激增</h1>' in html
    assert 'href="/regions/quyu/">【区域】</a>' in html
    assert 'href="/regions/hubei/">湖北</a>' in html
    assert f'href="{article.topics.get().get_absolute_url()}">碳市场</a>' in html
    assert "图 1 地方试点碳市场 11 月成交总量及成交均价" in html
    assert "（测试日报 20241201）" in html
    assert 'href="/issues/2024/24/"' in html
    # Next in print order is the second 区域 article; it is the first, so there is no previous one.
    assert f'rel="next" href="{print_issue["order"][1].get_absolute_url()}"' in html
    assert 'rel="prev"' not in html


def test_article_page_lists_related_public_articles_sharing_a_topic_or_region(client, print_issue):
    other_issue = f.issue(year=2024, number=20, total_number=294)
    shares_topic = f.article(other_issue, section="广东", title="广州碳市场扩容", topics=("碳市场",))
    unrelated = f.article(other_issue, section="广东", title="深圳即时零售新举措")
    draft = f.article(f.issue(status=Issue.Status.DRAFT), title="草稿中的碳市场稿件", topics=("碳市场",))
    html = client.get(print_issue["order"][0].get_absolute_url()).content.decode()
    related = html[html.index('class="related"') :]
    assert shares_topic.title in related
    assert unrelated.title not in related
    assert draft.title not in related
    # Sharing a topic ranks above sharing only the 区域 section.
    assert related.index(shares_topic.title) < related.index(print_issue["order"][1].title)


def test_home_shows_the_latest_public_issue_cover_and_recent_issues(client, print_issue):
    older = f.issue(year=2024, number=23, total_number=297, published_at=timezone.now() - datetime.timedelta(days=20))
    f.issue(year=2025, number=1, total_number=299, status=Issue.Status.DRAFT, theme="不该出现的草稿主题")
    response = client.get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "2024 年第 24 期" in text and "总第 298 期" in text
    html = response.content.decode()
    for article in print_issue["order"]:
        assert f'href="{article.get_absolute_url()}">{article.title}</a>' in html
    assert f'href="{older.get_absolute_url()}"' in html
    assert "不该出现的草稿主题" not in html


def test_home_without_any_public_issue_says_so(client):
    f.issue(status=Issue.Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    assert "暂无已发布的期刊" in response.content.decode()


def test_archive_groups_issues_by_year_with_counts_and_year_pages_list_them(client):
    for number in (1, 2, 3):
        f.issue(year=2023, number=number, total_number=270 + number)
    f.issue(year=2024, number=1, total_number=280)
    f.issue(year=2024, number=2, total_number=281, status=Issue.Status.IN_REVIEW)
    text = text_of(client.get("/issues/"))
    assert "2024 年 共 1 期" in text
    assert "2023 年 共 3 期" in text
    year = client.get("/issues/2023/")
    assert year.status_code == 200
    assert "共 3 期" in text_of(year)
    assert re.findall(r"2023 年第 (\d+) 期", text_of(year)) == ["3", "2", "1"]


def test_region_page_lists_articles_in_that_section_or_tagged_with_it_newest_first(client):
    old = f.issue(year=2023, number=5, total_number=250, issue_date=datetime.date(2023, 3, 1))
    new = f.issue(year=2024, number=5, total_number=275, issue_date=datetime.date(2024, 3, 1))
    as_section = f.article(old, section="湖北", title="湖北栏目里的旧文章")
    as_tag = f.article(new, section="区域", title="提到湖北的新文章", region_tags=("湖北",))
    elsewhere = f.article(new, section="上海", title="上海的文章")
    response = client.get("/regions/hubei/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(as_tag.title) < html.index(as_section.title)
    assert elsewhere.title not in html
    assert "共 2 篇" in text_of(response)
    regions = text_of(client.get("/regions/"))
    assert "【湖北】 2 篇" in regions


def test_region_and_tag_pages_paginate(client):
    issue = f.issue()
    for n in range(23):
        f.article(issue, section="浙江", title=f"浙江第{n}篇", topics=("数字政府",))
    for url in ("/regions/zhejiang/", "/tags/shu-zi-zheng-fu/"):
        first = client.get(url)
        assert first.content.decode().count('class="article-list-title"') == 20
        assert "第 1 / 2 页" in text_of(first)
        second = client.get(url + "?page=2")
        assert second.status_code == 200
        assert second.content.decode().count('class="article-list-title"') == 3
        assert client.get(url + "?page=3").status_code == 404


def test_unknown_region_and_topic_answer_404(client):
    assert client.get("/regions/no-such-region/").status_code == 404
    assert client.get("/tags/no-such-topic/").status_code == 404


def test_topic_page_lists_public_articles_with_the_topic(client):
    issue = f.issue()
    tagged = f.article(issue, title="碳市场扩容", topics=("碳市场",))
    untagged = f.article(issue, title="别的话题")
    html = client.get(tagged.topics.get().get_absolute_url()).content.decode()
    assert tagged.title in html and untagged.title not in html


def test_pages_answer_if_none_match_with_304(client, print_issue):
    for url in ["/", "/issues/", "/issues/2024/24/", print_issue["order"][0].get_absolute_url(), "/regions/quyu/"]:
        first = client.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again.content == b""


def test_etag_changes_when_the_page_changes(client, print_issue):
    url = "/issues/2024/24/"
    etag = client.get(url)["ETag"]
    article = print_issue["order"][0]
    article.title = "11 月全国碳市场交易量创新高"
    article.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_error_pages_are_styled_and_in_chinese(client):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    missing = client.get("/issues/2024/77/")
    assert missing.status_code == 404
    assert 'lang="zh-CN"' in missing.content.decode()
    assert "site.css" in missing.content.decode()
    error = server_error(RequestFactory().get("/"))
    assert error.status_code == 500
    assert "服务器出错了" in error.content.decode()
    assert "<style>" in error.content.decode()
