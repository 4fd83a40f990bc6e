"""The public pages the browser tests visit, found in the demo content."""

from newsletter.models import Article, Issue
from regions.models import Region


def public_pages():
    issue = Issue.objects.published().order_by("-published_at").first()
    article = Article.objects.published().filter(issue=issue).order_by("pk").first()
    region = Region.objects.get(name="上海")
    return {
        "home": "/",
        "issue": issue.get_absolute_url(),
        "article": article.get_absolute_url(),
        "region": region.get_absolute_url(),
        "search": "/search/?q=养老",
        "feeds": "/feeds/",
    }
