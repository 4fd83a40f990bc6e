"""sitemap.xml section for region pages: regions with public articles, lastmod = newest such issue."""

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Q, Subquery

from newsletter.models import Article, ArticleRegion

from .models import Region


class RegionSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        tagged = ArticleRegion.objects.filter(tag_id=OuterRef(OuterRef("pk"))).values("content_object_id")
        latest = (
            Article.objects.published()
            .filter(Q(section_id=OuterRef("pk")) | Q(pk__in=tagged))
            .order_by("-issue__published_at")
            .values("issue__published_at")[:1]
        )
        return Region.objects.annotate(latest=Subquery(latest)).filter(latest__isnull=False).ordered()

    def lastmod(self, region):
        return region.latest
