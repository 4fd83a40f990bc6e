"""Feeds and robots.txt under requests feed readers and crawlers really send: odd methods, empty
subjects, names that look like HTML."""

import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.urls import reverse

from newsletter.models import Issue, Topic
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


def feed_urls(region_slug, topic_slug):
    urls = [reverse(f"feeds:{name}") for name in ("issues_rss", "issues_atom", "articles_rss", "articles_atom")]
    for kind, slug in (("region", region_slug), ("tag", topic_slug)):
        urls += [
            reverse(f"feeds:{kind}_rss", kwargs={"slug": slug}),
            reverse(f"feeds:{kind}_atom", kwargs={"slug": slug}),
        ]
    return urls


@pytest.fixture
def public_article(db):
    issue = factories.issue()
    return factories.article(issue=issue, section="上海", title="公开文章", topics=("碳市场",))


def test_unsupported_methods_on_feeds_answer_405_and_get_and_head_still_work(client, public_article):
    topic = public_article.topics.get()
    for url in feed_urls(public_article.section.slug, topic.slug):
        for method in ("TRACE", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"):
            response = client.generic(method, url)
            assert response.status_code == 405, (method, url, response.status_code)
            assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}, (method, url)
        assert client.get(url).status_code == 200, url
        head = client.head(url)
        assert head.status_code == 200 and head.content == b"", url


@pytest.mark.parametrize("page_cache", [True, False])
def test_head_on_robots_txt_answers_200_like_get(client, settings, page_cache):
    settings.PAGE_CACHE_ENABLED = page_cache
    # HEAD first: after a GET, the page cache would answer it whatever the view does.
    head = client.head("/robots.txt")
    get = client.get("/robots.txt")
    assert head.status_code == 200, head.status_code
    assert get.status_code == 200 and b"Sitemap:" in get.content
    assert head["Content-Type"] == get["Content-Type"] == "text/plain; charset=utf-8"
    assert client.generic("TRACE", "/robots.txt").status_code == 405


def test_feeds_of_a_region_or_topic_without_a_public_article_answer_404_like_their_pages(client):
    factories.region("江苏")  # no article at all
    draft = factories.issue(status=Issue.Status.DRAFT)
    factories.article(issue=draft, section="浙江", region_tags=("福建",), topics=("只在草稿里",))
    factories.article(issue=None, section="安徽", topics=("未编入期刊",))
    public = factories.article(issue=factories.issue(), section="上海", region_tags=("湖北",), topics=("碳市场",))

    for name in ("江苏", "浙江", "福建", "安徽"):
        slug = factories.region(name).slug
        assert client.get(reverse("regions:detail", kwargs={"slug": slug})).status_code == 404, name
        for feed in ("feeds:region_rss", "feeds:region_atom"):
            assert client.get(reverse(feed, kwargs={"slug": slug})).status_code == 404, (name, feed)
    for topic in Topic.objects.filter(name__in=["只在草稿里", "未编入期刊"]):
        assert client.get(topic.get_absolute_url()).status_code == 404, topic.name
        for feed in ("feeds:tag_rss", "feeds:tag_atom"):
            assert client.get(reverse(feed, kwargs={"slug": topic.slug})).status_code == 404, (topic.name, feed)

    # A region as a public article's section or as its tag, and a public article's topic, have feeds.
    for slug in (public.section.slug, factories.region("湖北").slug):
        for feed in ("feeds:region_rss", "feeds:region_atom"):
            assert client.get(reverse(feed, kwargs={"slug": slug})).status_code == 200, (slug, feed)
    topic = public.topics.get()
    for feed in ("feeds:tag_rss", "feeds:tag_atom"):
        assert client.get(reverse(feed, kwargs={"slug": topic.slug})).status_code == 200, feed


def _html_text_and_tags(fragment):
    """What a reader that takes the text as HTML shows, and the elements it would build."""
    document = html5lib.parse(fragment, treebuilder="etree", namespaceHTMLElements=False)
    body = document.find("body")
    return "".join(body.itertext()), [element.tag for element in body.iter() if element is not body]


def test_rss_channel_description_shows_a_region_or_topic_name_that_looks_like_html_as_text(client):
    region = factories.region(HOSTILE_NAME)
    article = factories.article(issue=factories.issue(), section=region, topics=(HOSTILE_NAME,))
    topic = article.topics.get()
    for kind, slug in (("region", region.slug), ("tag", topic.slug)):
        rss = ET.fromstring(client.get(reverse(f"feeds:{kind}_rss", kwargs={"slug": slug})).content)
        description = rss.find("channel/description").text
        text, tags = _html_text_and_tags(description)
        assert tags == [], (kind, description)
        assert HOSTILE_NAME in text, (kind, text)
        # Atom declares its subtitle as text, so there the name is carried as it is.
        atom = ET.fromstring(client.get(reverse(f"feeds:{kind}_atom", kwargs={"slug": slug})).content)
        subtitle = atom.find(f"{ATOM}subtitle")
        assert subtitle.get("type") in (None, "text") and HOSTILE_NAME in subtitle.text, kind
    for url in (reverse("feeds:issues_rss"), reverse("feeds:articles_rss")):
        description = ET.fromstring(client.get(url).content).find("channel/description").text
        text, tags = _html_text_and_tags(description)
        assert tags == [] and text.startswith("双周决策观察"), (url, description)
