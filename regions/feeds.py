"""A feed per region: every published article filed under the region's section or tagged with it."""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from newsletter.feed_generators import AtomFeed
from newsletter.feeds import ArticlesFeed
from newsletter.models import Article, ArticleRegion

from .models import Region


class RegionFeed(ArticlesFeed):
    url_name = "region_rss"
    id_path = "feeds/regions"

    def get_object(self, request, slug):
        scope = super().get_object(request)
        # Like the region page: a region no public article is in has no feed (404, in the same query).
        tagged = ArticleRegion.objects.filter(tag=OuterRef(OuterRef("pk")), content_object=OuterRef("pk"))
        public = Exists(Article.objects.published().filter(Q(section=OuterRef("pk")) | Exists(tagged)))
        scope.region = get_object_or_404(Region.objects.filter(public), slug=slug)
        return scope

    def scope_label(self, scope):
        return scope.region.label

    def link(self, scope):
        return scope.region.get_absolute_url()

    def articles(self, scope):
        return Article.objects.published().in_region(scope.region)


class RegionAtomFeed(RegionFeed):
    feed_type = AtomFeed
    url_name = "region_atom"
