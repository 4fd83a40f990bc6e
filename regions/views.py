"""Region pages: the regions readers can follow, and every public article in one region."""

from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from newsletter import seo
from newsletter.models import Article, ArticleRegion
from newsletter.views.articles import article_list_queryset
from newsletter.views.base import PublicPageMixin, page_path, page_suffix

from .models import Region


def public_article_count():
    """Per region (OuterRef), the number of public articles in it as section or as tag."""
    tagged = ArticleRegion.objects.filter(tag_id=OuterRef(OuterRef("pk"))).values("content_object_id")
    articles = (
        Article.objects.published()
        .filter(Q(section_id=OuterRef("pk")) | Q(pk__in=tagged))
        .order_by()
        # COUNT without GROUP BY: a plain Func is not an aggregate to Django, so no grouping is added.
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Subquery(articles, output_field=IntegerField())


class RegionListView(PublicPageMixin, ListView):
    """Regions with public articles, in section order, with how many articles each has (one query)."""

    model = Region
    template_name = "regions/region_list.html"
    context_object_name = "regions"

    def get_queryset(self):
        return Region.objects.annotate(article_count=public_article_count()).filter(article_count__gt=0).ordered()

    def get_page_meta(self, context):
        names = "、".join(r.name for r in context["regions"])
        return seo.page_meta(
            self.request,
            title=f"按地区阅读 · {seo.SITE_NAME}",
            description=f"按地区浏览{seo.SITE_NAME}的全部文章：{names}。",
        )


class RegionDetailView(PublicPageMixin, ListView):
    """Every published article in a region, as its section or as a region tag, newest first.

    A region no public article is in answers 404, like a topic: its page would be empty.
    """

    template_name = "regions/region_detail.html"
    paginate_by = 20
    allow_empty = False
    context_object_name = "articles"

    def get_queryset(self):
        self.region = get_object_or_404(Region.objects.select_related("parent"), slug=self.kwargs["slug"])
        return article_list_queryset().in_region(self.region)

    def get_context_data(self, **kwargs):
        return super().get_context_data(region=self.region, **kwargs)

    def get_page_meta(self, context):
        page_obj = context["page_obj"]
        region = self.region
        return seo.page_meta(
            self.request,
            title=f"{region.label}{page_suffix(page_obj)} · {seo.SITE_NAME}",
            description=region.description
            or f"{seo.SITE_NAME}中{region.name}的全部文章，共 {page_obj.paginator.count} 篇，按期刊从新到旧排列。",
            path=page_path(self.request, page_obj),
        )
