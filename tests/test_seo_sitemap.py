"""robots.txt and sitemap.xml: every public issue, article and region, each with lastmod; nothing else."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from newsletter.models import Issue

from . import factories as f

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.find("s:loc", NS).text.removeprefix("http://testserver"): (
            url.find("s:lastmod", NS).text if url.find("s:lastmod", NS) is not None else None
        )
        for url in root.findall("s:url", NS)
    }


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_and_previews(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_sitemap_lists_public_issues_articles_regions_and_topics_with_lastmod(client):
    published_at = timezone.make_aware(datetime.datetime(2024, 12, 19, 9, 0))
    issue = f.issue(year=2024, number=24, total_number=298, published_at=published_at)
    article = f.article(issue, section="上海", region_tags=("湖北",), topics=("碳市场",))
    draft = f.issue(status=Issue.Status.DRAFT, year=2031, number=1, total_number=999)
    draft_article = f.article(draft, section="隐秘栏目", region_tags=("隐秘地区",), topics=("隐秘话题",))
    entries = sitemap(client)
    assert entries[issue.get_absolute_url()] == "2024-12-19"
    assert entries[article.get_absolute_url()] is not None
    assert entries["/regions/shanghai/"] == "2024-12-19"
    assert entries["/regions/hubei/"] == "2024-12-19"
    assert entries[article.topics.get().get_absolute_url()] == "2024-12-19"
    assert "/" in entries and "/issues/" in entries
    locations = set(entries)
    assert draft.get_absolute_url() not in locations
    assert draft_article.get_absolute_url() not in locations
    assert not any("yinmi" in loc for loc in locations)


def test_a_correction_moves_the_issue_lastmod(client):
    issue = f.issue(published_at=timezone.make_aware(datetime.datetime(2024, 12, 19, 9, 0)))
    f.article(issue)
    Issue.objects.filter(pk=issue.pk).update(corrected_at=timezone.make_aware(datetime.datetime(2025, 1, 3, 10, 0)))
    assert sitemap(client)[issue.get_absolute_url()] == "2025-01-03"
