"""sitemap.xml sections for issues, articles and topics; only public content, each with lastmod."""

import re

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Article, ArticleTopic, Issue, Topic
from .models.issue import published_q

SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what the <slug:> path converter matches


def _latest(*values):
    return max((v for v in values if v is not None), default=None)


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return ["newsletter:home", "newsletter:issue_archive", "regions:list", "newsletter:tag_list"]

    def location(self, item):
        return reverse(item)


class IssueSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Issue.objects.published().only("year", "number", "published_at", "corrected_at", "updated_at")

    def lastmod(self, issue):
        return _latest(issue.published_at, issue.corrected_at)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .select_related("issue")
            .only("slug", "updated_at", "issue__year", "issue__number", "issue__published_at", "issue__corrected_at")
            .order_by("-issue__issue_date", "pk")
        )

    def location(self, article):
        # Thousands of articles, a handful of issues: reverse() once per issue instead of once per
        # article. A slug the <slug:> converter accepts needs no quoting, so the URL is the issue's
        # article prefix plus the slug, exactly what get_absolute_url() returns.
        if not SLUG.fullmatch(article.slug or ""):
            return article.get_absolute_url()
        prefixes = self.__dict__.setdefault("_prefixes", {})
        issue = article.issue
        prefix = prefixes.get(issue.pk)
        if prefix is None:
            sample = reverse(
                "newsletter:article_detail", kwargs={"year": issue.year, "number": issue.number, "slug": "x"}
            )
            prefix = prefixes[issue.pk] = sample[: -len("x/")]
        return f"{prefix}{article.slug}/"

    def lastmod(self, article):
        # An article edited before publication was "modified" when it went public.
        return _latest(_latest(article.updated_at, article.issue.corrected_at), article.issue.published_at)


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        through = "tagged_articles__content_object__issue__"
        public = ArticleTopic.objects.filter(content_object__in=Article.objects.published())
        return (
            Topic.objects.filter(pk__in=public.values("tag_id"))
            .annotate(latest=Max(f"{through}published_at", filter=published_q(through)))
            .order_by("name")
        )

    def lastmod(self, topic):
        return topic.latest


def sitemaps():
    from regions.sitemaps import RegionSitemap

    return {
        "pages": StaticPagesSitemap,
        "issues": IssueSitemap,
        "articles": ArticleSitemap,
        "regions": RegionSitemap,
        "topics": TopicSitemap,
    }
