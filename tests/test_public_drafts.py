"""Nothing that is not public may show on any public surface: pages, lists, counts, search, sitemap, related box."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.utils import timezone

from newsletter.models import Issue

from . import factories as f

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [
    (Issue.Status.DRAFT, None),
    (Issue.Status.IN_REVIEW, None),
    (Issue.Status.CHANGES_REQUESTED, None),
    (Issue.Status.APPROVED, None),
    (Issue.Status.SCHEDULED, datetime.timedelta(days=3)),  # not due yet
    (Issue.Status.WITHDRAWN, datetime.timedelta(days=-30)),  # was public once
]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def world(db):
    public_issue = f.issue(year=2024, number=22, total_number=296)
    public = f.article(public_issue, title="公开的碳市场文章", region_tags=("湖北",), topics=("碳市场",))
    due = f.issue(
        year=2024,
        number=23,
        total_number=297,
        status=Issue.Status.SCHEDULED,
        published_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    due_article = f.article(due, title="定时已到的公开文章", topics=("碳市场",))
    hidden = []
    for index, (status, offset) in enumerate(HIDDEN_STATES):
        published_at = timezone.now() + offset if offset else None
        issue = f.issue(
            year=2030 + index,
            number=1,
            total_number=900 + index,
            status=status,
            published_at=published_at,
            theme=f"隐秘主题{index}",
        )
        article = f.article(
            issue,
            section="隐秘栏目",
            title=f"隐秘标题{index}碳市场",
            body=f"隐秘正文{index}，也谈碳市场和湖北。",
            region_tags=("湖北", "隐秘地区"),
            topics=("碳市场", f"隐秘话题{index}"),
            sources=((f"隐秘日报{index}", datetime.date(2024, 12, 1)),),
        )
        f.figure(article, caption=f"隐秘图注{index}")
        hidden.append((issue, article))
    unplaced = f.article(None, title="隐秘的未编期稿件碳市场", topics=("隐秘话题未编",), region_tags=("隐秘地区",))
    return {"public": public, "due": due_article, "hidden": hidden, "unplaced": unplaced}


def public_urls(world):
    public = world["public"]
    urls = [
        "/",
        "/issues/",
        "/issues/2024/",
        public.issue.get_absolute_url(),
        public.issue.get_absolute_url() + "?print=1",
        public.get_absolute_url(),
        world["due"].get_absolute_url(),
        "/regions/",
        "/regions/hubei/",
        "/regions/quyu/",
        public.topics.get().get_absolute_url(),
        "/sitemap.xml",
        "/robots.txt",
        "/search/",
    ]
    return urls


SEARCHES = ["隐秘", "碳市场", "湖北", "隐秘日报", "隐秘主题", "隐秘图注", "隐秘标题0碳市场", "碳市场 湖北"]


def hidden_urls(world):
    urls = ["/regions/yinmidiqu/", "/regions/yinmilanmu/"]
    for issue, article in world["hidden"]:
        urls += [
            issue.get_absolute_url(),
            issue.get_absolute_url() + "?print=1",
            article.get_absolute_url(),
            f"/issues/{issue.year}/",
        ]
        urls += [topic.get_absolute_url() for topic in article.topics.exclude(name="碳市场")]
    urls += [topic.get_absolute_url() for topic in world["unplaced"].topics.all()]
    return urls


def test_content_in_every_non_public_state_appears_on_no_public_page(client, world):
    assert Issue.objects.exclude(status=Issue.Status.PUBLISHED).count() == len(HIDDEN_STATES) + 1
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "隐秘" not in body and "yinmi" not in body, url
        for issue, _ in world["hidden"]:
            assert f"/issues/{issue.year}/" not in body, url
            assert f"总第 {issue.total_number} 期" not in body, url
    for query in SEARCHES:
        for extra in ("", "&region=hubei", "&year=2030"):
            response = client.get(f"/search/?q={quote(query)}{extra}")
            assert response.status_code == 200
            # The page repeats the reader's query; apart from that, nothing hidden may show.
            body = response.content.decode().replace(query, "").replace(quote(query), "")
            assert "隐秘" not in body and "yinmi" not in body, query
            assert "2030" not in body.replace("&year=2030", "")


def test_non_public_issues_articles_and_their_only_tags_answer_404(client, world):
    for url in hidden_urls(world):
        assert client.get(url).status_code == 404, url


def test_counts_and_search_totals_count_only_public_articles(client, world):
    archive = client.get("/issues/").content.decode()
    assert re.search(r"2024 年</a> <span class=\"count\">共 2 期", archive)
    assert not re.search(r"20[3-9]\d 年", archive)
    regions = re.sub(r"\s+", " ", client.get("/regions/").content.decode())
    assert re.search(r"【湖北】</a> <span class=\"count\">1 篇", regions)
    search = client.get("/search/?q=" + quote("碳市场")).content.decode()
    assert "找到 2 篇" in search  # the public article and the due one, tagged 碳市场: no draft
    tag = client.get(world["public"].topics.get().get_absolute_url()).content.decode()
    assert "共 2 篇" in tag


def test_a_due_scheduled_issue_is_public_and_the_related_box_holds_only_public_articles(client, world):
    html = client.get(world["public"].get_absolute_url()).content.decode()
    related = html[html.index('class="related"') :]
    assert world["due"].title in related
    assert "隐秘" not in related
