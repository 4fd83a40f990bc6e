"""/search/?q=…&region=…&year=… — full-text search over public articles (see newsletter/search.py)."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, Window
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from regions.models import Region

from .. import cache as page_cache
from .. import search, seo
from ..models import Article, ArticleRegion, Issue, Topic
from ..rendering import normalize_for_search
from .base import PublicPageMixin

PAGE_SIZE = 20
TOPIC_COUNT = 20  # topics kept for examples and suggestions
EXAMPLE_COUNT = 3
REGION_SUGGESTIONS = 8
TOPIC_SUGGESTIONS = 8
MAX_DIRECT_PAGE = 10_000
# What a result shows (title, link, snippet, section, issue). Loading whole rows, the issue's and the
# section's too (timestamps, the issue's PDF path), for twenty results cost ~2 ms more per search.
RESULT_FIELDS = (
    "title",
    "slug",
    "summary",
    "body_html",
    "issue__year",
    "issue__number",
    "issue__issue_date",
    "section__name",
)


def filter_choices(version):
    """The region and year filters' options and the topics most used. They change only when public
    content changes, so they are kept under the content version rather than recomputed (32 EXISTS
    subqueries) per search; the template keeps their rendered <option> lists the same way."""
    key = f"search-filter-choices:{version}"
    cache = page_cache.page_cache()
    choices = cache.get(key)
    if choices is None:
        choices = (region_choices(), year_choices(), topic_choices())
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


def topic_choices():
    """Topics of public articles, the most used first: one query."""
    public = Article.objects.published()
    return list(
        Topic.objects.filter(tagged_articles__content_object__in=public)
        .annotate(uses=Count("tagged_articles"))
        .order_by("-uses", "name")
        .only("name", "slug")[:TOPIC_COUNT]
    )


def example_words(regions, topics):
    """What the search box offers as examples: names of topics and regions that public articles
    carry (so each finds something), never a fixed list."""
    names = [topic.name for topic in topics] + [region.name for region in regions]
    searchable = [name for name in names if len(normalize_for_search(name)) >= search.MIN_TERM_LENGTH]
    return list(dict.fromkeys(searchable))[:EXAMPLE_COUNT]


def suggestions(parsed, regions, topics, queryset):
    """What to offer when a query finds nothing: the region and topic pages it names (else the
    most used), and shorter queries that do find something (at most ``len(terms) + 2`` queries)."""
    query = "".join(parsed.terms)
    named_regions = [r for r in regions if normalize_for_search(r.name) in query]
    named_topics = [t for t in topics if normalize_for_search(t.name) in query]
    shorter = []
    for candidate in shorter_queries(parsed.terms):
        if search.matching_articles([candidate], queryset).exists():
            shorter.append({"text": candidate, "query": urlencode({"q": candidate})})
    return {
        "shorter": shorter,
        "regions": named_regions or regions[:REGION_SUGGESTIONS],
        "topics": named_topics or topics[:TOPIC_SUGGESTIONS],
    }


def shorter_queries(terms):
    """Each term alone when there are several; else the two halves of a long term and its first
    two characters (no word boundaries are known, so these are guesses that are then checked)."""
    if len(terms) > 1:
        return terms[:3]
    term = terms[0]
    if len(term) < 2 * search.MIN_TERM_LENGTH:
        return []
    half = len(term) // 2
    return list(dict.fromkeys([term[:half], term[half:], term[: search.MIN_TERM_LENGTH]]))


def year_choices():
    return list(Issue.objects.published().order_by("-year").values_list("year", flat=True).distinct())


def results_page(queryset, number):
    """``Paginator(queryset, PAGE_SIZE).get_page(number)`` in one query instead of two: the total
    comes with the page's rows (a window count), so the matches are not found twice, once for
    COUNT(*) and once for the page. A page number past the end (or below 1) has no rows to carry the
    total; only then does the paginator count, and it lands on the last page as ``get_page`` does."""
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        number = int(number)  # what Paginator.validate_number accepts
    except (TypeError, ValueError):
        number = 1
    # A page number past any archive goes to the paginator too: SQLite cannot bind an OFFSET beyond
    # 64 bits, and ?page=99999999999999999999 is something crawlers send.
    if 1 <= number <= MAX_DIRECT_PAGE:
        bottom = (number - 1) * PAGE_SIZE
        rows = list(queryset.annotate(search_total=Window(Count("pk")))[bottom : bottom + PAGE_SIZE])
        if rows or number == 1:
            paginator.count = rows[0].search_total if rows else 0
            return Page(rows, number, paginator)
    return paginator.get_page(number)


def search_result(article, terms):
    """What one result shows, as plain values: the template reads a dict key at a time, while each
    step through a model attribute (``a.issue.issue_date``) costs it a failed item lookup first;
    for twenty results that was ~15% of the page's rendering.

    The issue's number and date are text already: the ``date`` filter (``Y-m-d`` and
    ``Y 年 n 月 j 日``, as the article lists show it) and number localisation took more than half of
    the results' rendering, ~3 ms for twenty results on the bench machine."""
    text, before, after = search.snippet(article, terms)
    issue = article.issue
    date = issue.issue_date
    return {
        "url": article.get_absolute_url(),
        # Both built by search.highlight: escaped first, then <mark> added.
        "title_html": mark_safe(search.highlight(article.title, terms)),  # noqa: S308
        "snippet_html": mark_safe(text),  # noqa: S308
        "before": before,
        "after": after,
        "section": article.section,
        "issue_url": issue.get_absolute_url(),
        "issue_year": str(issue.year),
        "issue_number": str(issue.number),
        "issue_date": date.isoformat(),
        "issue_date_text": f"{date.year:04d} 年 {date.month} 月 {date.day} 日",
    }


class SearchView(PublicPageMixin, TemplateView):
    template_name = "newsletter/search.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        parsed = search.parse_query(params.get("q", ""))
        version = page_cache.current_version()
        regions, years, topics = filter_choices(version)
        region = next((r for r in regions if r.slug == params.get("region")), None)
        year = next((y for y in years if str(y) == params.get("year", "")), None)
        context = {
            "query": parsed,
            "regions": regions,
            "years": years,
            "examples": [{"text": w, "query": urlencode({"q": w})} for w in example_words(regions, topics)],
            "region": region,
            "year": year,
            "filters_version": version,
            "filters_seconds": settings.PAGE_CACHE_SECONDS,
        }
        if parsed.is_searchable:
            queryset = Article.objects.published()
            if region is not None:
                queryset = queryset.in_region(region)
            if year is not None:
                queryset = queryset.filter(issue__year=year)
            queryset = (
                search.matching_articles(parsed.terms, queryset).select_related("issue", "section").only(*RESULT_FIELDS)
            )
            page_obj = results_page(queryset, params.get("page"))
            results = [search_result(article, parsed.terms) for article in page_obj.object_list]
            if not page_obj.paginator.count:
                offered = suggestions(parsed, regions, topics, Article.objects.published())
                context["suggestions"] = offered if any(offered.values()) else None
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
            description=f"在{seo.SITE_NAME}全部已发布文章中检索标题、地区、主题、正文、图注和来源。",
            path=self.request.path,
            noindex=bool(parsed.raw),
        )
