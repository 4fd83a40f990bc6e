"""/search/?q=…&region=…&year=… — full-text search over public articles (see newsletter/search.py)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from regions.models import Region

from .. import cache as page_cache
from .. import search
from ..models import Article, ArticleRegion, Issue
from . import seo
from .base import PublicPageMixin

PAGE_SIZE = 20


def filter_choices():
    """The region and year filters' options. They change only when public content changes, so they
    are kept under the content version rather than recomputed (32 EXISTS subqueries) per search."""
    key = f"search-filter-choices:{page_cache.current_version()}"
    cache = page_cache.page_cache()
    choices = cache.get(key)
    if choices is None:
        choices = (region_choices(), year_choices())
        cache.set(key, choices, settings.PAGE_CACHE_SECONDS)
    return choices


def region_choices():
    """Regions with at least one public article (as section or tag): one query."""
    public = Article.objects.published()
    return list(
        Region.objects.filter(
            Q(Exists(public.filter(section_id=OuterRef("pk"))))
            | Q(Exists(ArticleRegion.objects.filter(tag_id=OuterRef("pk"), content_object__in=public)))
        )
        .only("name", "slug", "order")
        .ordered()
    )


def year_choices():
    return list(Issue.objects.published().order_by("-year").values_list("year", flat=True).distinct())


class SearchView(PublicPageMixin, TemplateView):
    template_name = "newsletter/search.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        parsed = search.parse_query(params.get("q", ""))
        regions, years = filter_choices()
        region = next((r for r in regions if r.slug == params.get("region")), None)
        year = next((y for y in years if str(y) == params.get("year", "")), None)
        context = {"query": parsed, "regions": regions, "years": years, "region": region, "year": year}
        if parsed.is_searchable:
            queryset = Article.objects.published()
            if region is not None:
                queryset = queryset.in_region(region)
            if year is not None:
                queryset = queryset.filter(issue__year=year)
            queryset = (
                search.matching_articles(parsed.terms, queryset)
                .select_related("issue", "section")
                .defer("body", "search_text")
            )
            page_obj = Paginator(queryset, PAGE_SIZE).get_page(params.get("page"))
            results = []
            for article in page_obj.object_list:
                text, before, after = search.snippet(article, parsed.terms)
                results.append(
                    {
                        "article": article,
                        # Both built by search.highlight: escaped first, then <mark> added.
                        "title_html": mark_safe(search.highlight(article.title, parsed.terms)),  # noqa: S308
                        "snippet_html": mark_safe(text),  # noqa: S308
                        "before": before,
                        "after": after,
                    }
                )
            filters = {"q": parsed.raw}
            if region is not None:
                filters["region"] = region.slug
            if year is not None:
                filters["year"] = year
            context.update(page_obj=page_obj, results=results, page_query=urlencode(filters))
        return super().get_context_data(**context, **kwargs)

    def get_page_meta(self, context):
        parsed = context["query"]
        title = f"检索：{parsed.raw}" if parsed.raw else "全文检索"
        page_obj = context.get("page_obj")
        if page_obj is not None and page_obj.number > 1:
            title += f" · 第 {page_obj.number} 页"
        return seo.page_meta(
            self.request,
            title=f"{title} · {seo.SITE_NAME}",
            description=f"在{seo.SITE_NAME}全部已发布文章中检索标题、正文和来源。",
            path=self.request.path,
            noindex=bool(parsed.raw),
        )
