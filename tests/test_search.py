"""Chinese full-text search: substrings of two or more characters always match, on SQLite and PostgreSQL.

The expected results are spelled out, so the same tests run on both databases (CI runs the suite on
each) assert the same results; the PostgreSQL-only tests check that the index is there and used.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter import search
from newsletter.models import Article, Issue
from regions.models import Region

from . import factories as f
from .pg_plans import plan_without_full_or_plain_index_scans

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def corpus(db):
    issue = f.issue(year=2024, number=24, total_number=298, issue_date=datetime.date(2024, 12, 19))
    older = f.issue(year=2023, number=10, total_number=270, issue_date=datetime.date(2023, 5, 1))
    articles = {
        "carbon": f.article(
            issue,
            title="11 月全国碳市场交易激增",
            body="根据上海环境能源交易所披露的数据，11 月，全国碳市场碳排放配额成交量高达 6083.72 万吨。",
            sources=(("金融时报", datetime.date(2024, 12, 10)),),
        ),
        "methanol": f.article(
            issue,
            title="各地加快布局醇氢生态产业链",
            body="甲醇制氢与醇氢电动汽车在多地落地，产业链逐步完善。",
            sources=(("中国能源报", datetime.date(2024, 12, 9)),),
        ),
        "ccer": f.article(
            older,
            section="上海",
            title="上海完善自愿减排交易机制",
            body="上海推动 CCER 项目开发，碳市场交易活跃度提升。",
            region_tags=("湖北",),
        ),
        "merger": f.article(
            issue,
            section="上海",
            title="支持上市公司并购重组 上海发布三年行动方案",
            body="方案提出活跃并购市场。",
        ),
    }
    return articles


def titles(response):
    return re.findall(r'class="result-title" href="[^"]+">(.*?)</a>', response.content.decode())


def plain(title_html):
    return re.sub(r"</?mark>", "", title_html)


def found(client, query, **params):
    return [plain(t) for t in titles(client.get("/search/", {"q": query, **params}))]


def test_a_two_character_word_finds_the_article(client, corpus):
    assert found(client, "醇氢") == [corpus["methanol"].title]


def test_a_result_names_its_section_and_links_its_article_and_issue(client, corpus):
    merger = corpus["merger"]
    html = client.get("/search/", {"q": "并购"}).content.decode()
    assert f'href="{merger.get_absolute_url()}"' in html
    assert (
        f'【上海】<a href="{merger.issue.get_absolute_url()}">2024 年第 24 期</a> · '
        '<time datetime="2024-12-19">2024 年 12 月 19 日</time>'
    ) in html


def test_a_four_or_five_character_run_finds_the_article_without_word_segmentation(client, corpus):
    assert found(client, "碳市场交易") == [corpus["carbon"].title, corpus["ccer"].title]
    assert found(client, "布局醇氢") == [corpus["methanol"].title]


def test_digits_and_chinese_match_with_or_without_the_space_print_puts_between_them(client, corpus):
    assert found(client, "11 月") == [corpus["carbon"].title]
    assert found(client, "11月") == [corpus["carbon"].title]
    assert found(client, "6083.72万吨") == [corpus["carbon"].title]


def test_latin_terms_match_in_any_case_and_width(client, corpus):
    assert found(client, "CCER") == [corpus["ccer"].title]
    assert found(client, "ccer") == [corpus["ccer"].title]
    assert found(client, "ＣＣＥＲ") == [corpus["ccer"].title]


def test_outlets_are_searchable(client, corpus):
    assert found(client, "中国能源报") == [corpus["methanol"].title]


def test_several_terms_must_all_occur(client, corpus):
    assert found(client, "碳市场 上海") == [corpus["carbon"].title, corpus["ccer"].title]
    assert found(client, "碳市场 并购") == []
    assert found(client, "上海 并购") == [corpus["merger"].title]


def test_title_matches_rank_above_body_matches(client, corpus):
    issue = corpus["carbon"].issue
    body_only = f.article(issue, title="绿色金融新进展", body="多地推动并购重组基金设立。", position=0)
    result = found(client, "并购重组")
    assert result == [corpus["merger"].title, body_only.title]


def test_a_one_character_or_empty_query_gets_a_helpful_message_without_querying_articles(client, corpus):
    for query in ["碳", "", "   ", "a"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="notice"' in html
        assert "search-results" not in html
        assert not any("newsletter_article" in q["sql"] and "search_text" in q["sql"] for q in queries.captured_queries)
    assert "至少输入两个字" in client.get("/search/", {"q": "碳"}).content.decode()


def test_overlong_queries_are_cut_to_a_bound(client, corpus):
    response = client.get("/search/", {"q": "碳市场" * 100})
    assert response.status_code == 200
    parsed = search.parse_query("碳市场" * 100)
    assert len(parsed.terms[0]) == search.MAX_QUERY_LENGTH
    assert parsed.truncated
    assert len(search.parse_query(" ".join(f"词{i}" for i in range(20))).terms) == search.MAX_TERMS


def test_region_and_year_filters_narrow_the_results(client, corpus):
    assert found(client, "碳市场", region="hubei") == [corpus["ccer"].title]
    assert found(client, "碳市场", region="shanghai") == [corpus["ccer"].title]
    assert found(client, "碳市场", year="2024") == [corpus["carbon"].title]
    assert found(client, "碳市场", year="2023") == [corpus["ccer"].title]


def test_results_are_paginated(client):
    issue = f.issue()
    for n in range(25):
        f.article(issue, title=f"数据要素第{n}篇", position=n)
    first = client.get("/search/", {"q": "数据要素"})
    assert len(titles(first)) == 20
    assert "找到 25 篇" in first.content.decode()
    second = client.get("/search/", {"q": "数据要素", "page": 2})
    assert len(titles(second)) == 5
    assert "q=%E6%95%B0%E6%8D%AE%E8%A6%81%E7%B4%A0&amp;page=1" in second.content.decode()
    assert not set(titles(first)) & set(titles(second))


def test_a_page_number_past_the_end_or_below_one_shows_the_last_page_and_garbage_the_first(client):
    issue = f.issue()
    for n in range(25):
        f.article(issue, title=f"数据要素第{n}篇", position=n)
    first = titles(client.get("/search/", {"q": "数据要素"}))
    last = titles(client.get("/search/", {"q": "数据要素", "page": 2}))
    for page in ("3", "99", "0", "-1"):
        response = client.get("/search/", {"q": "数据要素", "page": page})
        assert titles(response) == last, page
        assert "第 2 / 2 页" in response.content.decode()
        assert "找到 25 篇" in response.content.decode()
    for page in ("abc", "1.5", ""):
        assert titles(client.get("/search/", {"q": "数据要素", "page": page})) == first, page
    assert "没有找到" in client.get("/search/", {"q": "数据要素第99篇", "page": 3}).content.decode()


def test_the_filter_options_follow_a_region_rename_and_show_the_chosen_region_and_year(client, corpus):
    # The rendered options are kept between searches (under the content version): a rename must
    # show on the next search, and the kept copy must not carry another search's selection.
    assert '<option value="hubei">湖北</option>' in client.get("/search/", {"q": "碳市场"}).content.decode()
    chosen = client.get("/search/", {"q": "碳市场", "region": "hubei", "year": "2023"}).content.decode()
    assert '<option value="hubei" selected>湖北</option>' in chosen
    assert '<option value="2023" selected>2023 年</option>' in chosen
    region = Region.objects.get(slug="hubei")
    region.name = "湖北省"
    region.save()
    html = client.get("/search/", {"q": "碳市场"}).content.decode()
    assert '<option value="hubei">湖北省</option>' in html
    assert " selected" not in html


def test_a_results_page_and_its_total_come_from_one_query(client, corpus):
    client.get("/search/", {"q": "上海"})  # the filter options are kept between searches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "碳市场"})
    assert "找到 2 篇" in response.content.decode()
    article_queries = [q["sql"] for q in queries.captured_queries if "newsletter_article" in q["sql"]]
    assert len(article_queries) == 1, article_queries


def test_a_term_counts_as_in_the_title_only_when_it_ends_within_the_title(client, corpus):
    # The title is the start of the searched text: "融发" below runs from the title into the
    # summary, which is not a title match. Nor is it a match at all: the article never has the two
    # characters side by side (each field is searched on its own). The newer article that has it in
    # its body ranks below the title match.
    older = f.issue(year=2020, number=1)
    f.article(older, title="绿色金融", summary="发展提速", body="正文。")
    newer = f.article(corpus["carbon"].issue, title="另一篇", body="普惠金融发展迅速。")
    in_title = f.article(older, title="金融发展 观察", body="正文。", position=5)
    assert found(client, "融发") == [in_title.title, newer.title]


def test_snippets_highlight_matches_and_escape_article_text(client):
    issue = f.issue()
    f.article(
        issue,
        title="标题<script>alert(1)</script>里的醇氢",
        body="正文提到 <b>粗体</b> 与 醇 氢 以及 &lt;img&gt; 字样。\n\n再次提到醇氢。",
    )
    html = client.get("/search/", {"q": "醇氢"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;里的<mark>醇氢</mark>" in html
    assert "<mark>醇 氢</mark>" in html  # the match crosses the space the text has
    assert "<b>" not in html.split('class="search-results"')[1]


def test_drafts_and_withdrawn_issues_are_not_found(client, corpus):
    for status in (Issue.Status.DRAFT, Issue.Status.WITHDRAWN, Issue.Status.IN_REVIEW):
        f.article(f.issue(status=status), title=f"醇氢{status}稿件")
    assert found(client, "醇氢") == [corpus["methanol"].title]


def test_query_parsing_joins_single_characters_and_drops_contained_terms():
    assert search.parse_query("11 月").terms == ["11月"]
    assert search.parse_query("碳市场  CCER").terms == ["碳市场", "ccer"]
    assert search.parse_query("市场 碳市场").terms == ["碳市场"]
    assert search.parse_query("碳").terms == []
    assert search.parse_query("").message


@pytest.mark.postgres
def test_postgresql_search_uses_the_bigram_index(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the bigram GIN index exists only there (run with DATABASE_URL=postgres://…)")
    articles = Article.objects.filter(search_text__contains="醇氢").order_by()
    queryset = search._bigram_filter(articles, ["醇氢"]).values("pk")
    plan = plan_without_full_or_plain_index_scans(queryset)
    assert "Bitmap Index Scan on newsletter_article_search_bigrams_idx" in plan, plan
    assert list(queryset) == [{"pk": corpus["methanol"].pk}]


@pytest.mark.postgres
def test_postgresql_bigram_function_agrees_with_python(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the bigram SQL function exists only there")
    with connection.cursor() as cursor:
        cursor.execute("SELECT newsletter_search_bigrams(%s)", ["碳市场ab碳"])
        assert sorted(cursor.fetchone()[0]) == search.bigrams("碳市场ab碳")
        cursor.execute("SELECT newsletter_search_bigrams(%s)", ["碳"])
        assert cursor.fetchone()[0] == []
    assert Article.objects.filter(search_text__contains="醇氢").count() == 1


def test_a_query_that_matches_nothing_says_so(client, corpus):
    html = client.get("/search/", {"q": "完全不存在的词语"}).content.decode()
    assert "没有找到包含“完全不存在的词语”的文章" in html
    assert "search-results" not in html
