"""Search knows sections, regions and topics: their names are matched (ranked below the title, above
the body), a query that finds nothing suggests where to look, and the example words come from the
content."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from newsletter.models import Article

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def page(client, query):
    response = client.get("/search/", {"q": query} if query is not None else {})
    assert response.status_code == 200
    return response.content.decode()


def titles(html):
    return [re.sub(r"</?mark>", "", t) for t in re.findall(r'<a class="result-title" href="[^"]*">(.*?)</a>', html)]


def test_searching_shanghai_finds_the_demo_article_in_the_shanghai_section(client, demo):
    article = Article.objects.published().get(title="浦东试点跨境数据流动负面清单")
    assert article.section.name == "上海"
    assert "上海" not in article.title + article.body  # only its section says so
    assert article.title in titles(page(client, "上海"))


def test_a_region_tag_and_a_topic_are_found_by_search(client):
    article = f.article(
        f.issue(), section="区域", title="某篇文章", body="正文。", region_tags=("宁夏",), topics=("枸杞",)
    )
    assert titles(page(client, "宁夏")) == [article.title]
    assert titles(page(client, "枸杞")) == [article.title]


def test_title_matches_rank_above_section_and_tag_matches_which_rank_above_body_matches(client):
    # The body match is in the newest issue and the title match in the oldest: rank comes before date.
    oldest, middle, newest = (f.issue(year=2020 + n, number=1, total_number=100 + n) for n in range(3))
    in_body = f.article(newest, section="区域", title="正文提到", body="这里说到了青海的做法。")
    in_tag = f.article(middle, section="区域", title="标签提到", body="正文。", region_tags=("青海",))
    in_section = f.article(middle, section="青海", title="栏目提到", body="正文。", position=9)
    in_title = f.article(oldest, section="区域", title="青海的标题", body="正文。")
    found = titles(page(client, "青海"))
    assert found[0] == in_title.title
    assert set(found[1:3]) == {in_tag.title, in_section.title}
    assert found[3] == in_body.title


def test_a_query_that_finds_nothing_suggests_region_pages_topics_and_a_shorter_query(client):
    article = f.article(f.issue(), section="浙江", title="杭州推进数据交易", body="正文。", topics=("数据要素",))
    html = page(client, "浙江不存在的说法")
    assert titles(html) == []
    assert "没有找到" in html
    suggestions = html[html.index('class="search-suggestions"') :]
    assert f'href="{article.section.get_absolute_url()}"' in suggestions  # the region the query names
    topic = article.topics.get()
    assert f'href="{topic.get_absolute_url()}"' in suggestions
    assert 'href="/regions/"' in suggestions
    shorter = [unescape(q) for q in re.findall(r'<a href="\?(q=[^"]*)">', suggestions)]
    assert shorter, suggestions
    for query in shorter:  # each shorter query offered finds something
        assert titles(page(client, parse_qs(query)["q"][0]))


def test_a_query_of_several_words_that_finds_nothing_offers_the_words_that_find_something(client):
    f.article(f.issue(), title="海水淡化项目投产", body="正文。")
    html = page(client, "海水淡化 火星基地")
    assert titles(html) == []
    assert '<a href="?q=%E6%B5%B7%E6%B0%B4%E6%B7%A1%E5%8C%96">海水淡化</a>' in html
    assert "火星基地</a>" not in html


def test_the_search_box_examples_come_from_the_content_and_each_finds_something(client, demo):
    html = page(client, None)
    placeholder = re.search(r'<input id="q"[^>]*placeholder="如：([^"]+)"', html).group(1)
    words = placeholder.split("、")
    assert words
    links = re.findall(r'<a class="search-example" href="\?([^"]+)">([^<]+)</a>', html)
    assert [text for _, text in links] == words
    for query, word in links:
        assert parse_qs(urlsplit("?" + unescape(query)).query)["q"] == [word]
        assert titles(page(client, word)), word


def test_the_search_box_examples_are_not_a_fixed_list_that_the_content_lacks(client):
    f.article(f.issue(), section="区域", title="文章", body="正文。", topics=("冰雪旅游",))
    html = page(client, None)
    assert 'placeholder="如：冰雪旅游' in html
    assert "碳市场" not in html and "并购重组" not in html
