"""The article page, the topics index and the lists of articles by topic (regions/views.py has the
region lists)."""

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .. import seo
from ..models import Article, ArticleRegion, ArticleTopic, Source, Topic
from ..rendering import plain_text
from .base import PublicPageMixin, page_path, page_suffix

# Columns a list of articles does not show: bodies stay in the database.
LIST_DEFER = ("body", "body_html", "search_text")
RELATED_COUNT = 5


def article_list_queryset():
    """Published articles for a list page: with issue and section, newest issue first.

    Within an issue, articles follow the site-wide region order (``Region.order``), the default order of
    region listings: the issue's own printed order (``sections.section_rank()``) is a correlated subquery
    per row, which made these cross-issue lists 20–45 % slower at 10,000 articles."""
    return (
        Article.objects.published()
        .select_related("issue", "section")
        .defer(*LIST_DEFER)
        .order_by("-issue__issue_date", "-issue__number", "section__order", "section_id", "position", "pk")
    )


def related_articles(article):
    """A few public articles sharing a topic (weighs most) or a region with ``article``: one query.

    The candidates are found through the tag and section indexes (``pk IN (…)``, evaluated once)
    before anything is scored: scoring every public article with per-row EXISTS took ~190 ms at
    6,000 articles on PostgreSQL.
    """
    region_ids = [r.pk for r in article.regions.all()]
    topic_ids = [t.pk for t in article.topics.all()]
    if article.section_id:
        region_ids.append(article.section_id)
    shares_topic = Q(pk__in=ArticleTopic.objects.filter(tag_id__in=topic_ids).values("content_object_id"))
    shares_region = Q(section_id__in=region_ids) | Q(
        pk__in=ArticleRegion.objects.filter(tag_id__in=region_ids).values("content_object_id")
    )
    score = Case(When(shares_topic, then=Value(2)), default=Value(0), output_field=IntegerField()) + Case(
        When(shares_region, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    # One id list from three index lookups, so the article table is read by primary key only.
    candidates = (
        ArticleTopic.objects.filter(tag_id__in=topic_ids)
        .values("content_object_id")
        .union(ArticleRegion.objects.filter(tag_id__in=region_ids).values("content_object_id"))
        .union(Article.objects.filter(section_id__in=region_ids).order_by().values("pk"))
    )
    return list(
        article_list_queryset()
        .filter(pk__in=candidates)
        .exclude(pk=article.pk)
        .annotate(related_score=score)
        .order_by("-related_score", "-issue__issue_date", "section__order", "section_id", "position", "pk")[
            :RELATED_COUNT
        ]
    )


class ArticleDetailView(PublicPageMixin, DetailView):
    context_object_name = "article"
    template_name = "newsletter/article_detail.html"

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("issue__publication", "section")
            .prefetch_related(
                "regions", "topics", "figures", Prefetch("sources", queryset=Source.objects.select_related("outlet"))
            )
        )

    def get_object(self, queryset=None):
        return get_object_or_404(
            queryset if queryset is not None else self.get_queryset(),
            issue__year=self.kwargs["year"],
            issue__number=self.kwargs["number"],
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        article = self.object
        # The other articles of the issue, in print order, for "上一篇 / 下一篇" (one small query).
        siblings = list(
            Article.objects.filter(issue_id=article.issue_id)
            .select_related("section")
            .only("title", "short_title", "slug", "position", "issue_id", "section__order", "section__name")
            .in_print_order()
        )
        index = next((i for i, a in enumerate(siblings) if a.pk == article.pk), 0)
        for sibling in siblings:
            sibling.issue = article.issue  # for get_absolute_url without a query each
        return super().get_context_data(
            previous_article=siblings[index - 1] if index > 0 else None,
            next_article=siblings[index + 1] if index + 1 < len(siblings) else None,
            related=related_articles(article),
            **kwargs,
        )

    def get_page_meta(self, context):
        article = self.object
        image = next((f.image.url for f in article.figures.all() if f.image), None)
        section = f"【{article.section.name}】" if article.section else ""
        return seo.page_meta(
            self.request,
            title=f"{article.title} · {section}{article.issue.year} 年第 {article.issue.number} 期 · {seo.SITE_NAME}",
            description=article.summary or plain_text(article.body_html),
            path=article.get_absolute_url(),
            og_type="article",
            image=image,
            data=seo.article_data(article, image),
        )


class TagListView(PublicPageMixin, ListView):
    """Topics some public article carries, with how many (one query). The most-followed topics come
    first, as on a newsstand; equal counts in pinyin order (the slug), which readers of Chinese scan
    like an index, where code-point order of the names would look random."""

    template_name = "newsletter/tag_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        # Filtering the join before annotating makes the count cover public articles only.
        return (
            Topic.objects.filter(tagged_articles__content_object__in=Article.objects.published())
            .annotate(article_count=Count("tagged_articles"))
            .order_by("-article_count", "slug")
        )

    def get_page_meta(self, context):
        # Iterating fills the queryset's cache, which the template then reuses: still one query.
        names = "、".join([topic.name for topic in context["topics"]][:20])
        return seo.page_meta(
            self.request,
            title=f"按主题阅读 · {seo.SITE_NAME}",
            description=f"按主题浏览{seo.SITE_NAME}的全部文章：{names}。" if names else seo.SITE_DESCRIPTION,
        )


class TagDetailView(PublicPageMixin, ListView):
    """Every public article with a topic tag, newest first. A topic no public article carries is 404."""

    template_name = "newsletter/tag_detail.html"
    paginate_by = 20
    allow_empty = False
    context_object_name = "articles"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        tagged = ArticleTopic.objects.filter(tag=self.topic).values("content_object_id")
        return article_list_queryset().filter(pk__in=tagged)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)

    def get_page_meta(self, context):
        page_obj = context["page_obj"]
        return seo.page_meta(
            self.request,
            title=f"主题：{self.topic.name}{page_suffix(page_obj)} · {seo.SITE_NAME}",
            description=f"{seo.SITE_NAME}中关于“{self.topic.name}”的全部文章，共 {page_obj.paginator.count} 篇。",
            path=page_path(self.request, page_obj),
        )
