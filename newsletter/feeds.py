"""RSS 2.0 and Atom feeds: every issue, the latest articles, and one per topic (regions: regions/feeds.py).

Feed readers are unforgiving, so every feed here:
- lists only what ``published()`` returns, with URLs from ``get_absolute_url()``;
- gives each item an id that never changes (a tag: URI from the publication and the primary key,
  never the URL, which a correction of the issue number would change);
- carries the full text, with absolute links, and dates in Beijing time (+08:00);
- carries Last-Modified, so that ConditionalGetMiddleware answers conditional GET (ETag, Last-Modified)
  with 304 and an empty body.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, Max, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import http_date
from django.utils.text import Truncator
from django.views.generic import TemplateView

from . import rendering
from .feed_generators import EMPTY_FEED_DATE, AtomFeed, RssFeed
from .models import Article, ArticleTopic, Issue, IssueCredit, IssueHost, Publication, Source, Topic
from .models.sections import section_rank
from .views.search import region_choices

FEED_LIMIT = 50
SAFE_METHODS = ["GET", "HEAD"]
# The date part of every tag: URI. Ids must never change, so neither may this.
TAG_DATE = "2024"
SITE_NAME = "双周决策观察"


def tag_authority():
    """The domain in tag: URIs. Set FEED_TAG_AUTHORITY to keep ids stable if SITE_URL ever changes."""
    return getattr(settings, "FEED_TAG_AUTHORITY", "") or urlsplit(settings.SITE_URL).hostname or "localhost"


def tag_uri(specific):
    return f"tag:{tag_authority()},{TAG_DATE}:{specific}"


def issue_guid(issue):
    return tag_uri(f"{issue.publication.slug}/issue/{issue.pk}")


def article_guid(article):
    return tag_uri(f"{article.issue.publication.slug}/article/{article.pk}")


def beijing_time(value):
    """Feed dates in the newsletter's own time zone, so they read +08:00, to the second."""
    if value is None:
        return None
    return timezone.localtime(value, timezone.get_default_timezone()).replace(microsecond=0)


def issue_updated(issue):
    return beijing_time(issue.corrected_at or issue.published_at)


def public_content_changed_at():
    """Latest save of anything that is, or has been, public.

    Last-Modified must also move when an item leaves a feed (a withdrawn issue), which the dates of
    the remaining items cannot show. Issues whose publication time has come cover withdrawn ones
    too; a draft never published has no such time.
    """
    # One query: issues whose time has come (published, due, or withdrawn since) and their articles.
    latest = Issue.objects.filter(published_at__lte=timezone.now()).aggregate(
        issues=Max("updated_at"), articles=Max("articles__updated_at")
    )
    return max((value for value in latest.values() if value is not None), default=None)


@dataclass
class FeedScope:
    """What a feed covers: the site-wide feeds have no region or topic."""

    publication: Publication | None
    region: object = None
    topic: Topic | None = None

    @property
    def url_kwargs(self):
        subject = self.region or self.topic
        return {"slug": subject.slug} if subject else {}


class PublicFeed(Feed):
    feed_type = RssFeed
    language = "zh-cn"
    item_guid_is_permalink = False
    url_name = ""  # e.g. "issues_rss"; the Atom variant sets "issues_atom"
    id_path = ""  # e.g. "feeds/issues"; the same for the RSS and Atom variants

    def __call__(self, request, *args, **kwargs):
        # A feed is read, never written to: TRACE, OPTIONS, PUT … get 405 like the pages, not the feed.
        if request.method not in SAFE_METHODS:
            return HttpResponseNotAllowed(SAFE_METHODS)
        try:
            scope = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist as exc:
            raise Http404("没有这个订阅源。") from exc
        feed = self.get_feed(scope, request)
        response = HttpResponse(content_type=feed.content_type)
        feed.write(response, "utf-8")
        # The ETag (ConditionalGetMiddleware) is the body's hash: any visible change changes it.
        changed = public_content_changed_at()
        last_modified = int(max(feed.latest_post_date(), changed or EMPTY_FEED_DATE).timestamp())
        response.headers["Last-Modified"] = http_date(last_modified)
        return response

    def get_object(self, request, *args, **kwargs):
        return FeedScope(publication=Publication.objects.first())

    def scope_label(self, scope):
        raise NotImplementedError

    def title(self, scope):
        name = scope.publication.title if scope.publication else f"《{SITE_NAME}》"
        return f"{name} · {self.scope_label(scope)}"

    def description(self, scope):
        subtitle = scope.publication.subtitle if scope.publication else ""
        return f"{SITE_NAME}{(' · ' + subtitle) if subtitle else ''}：{self.scope_label(scope)}（全文）"

    def subtitle(self, scope):
        return self.description(scope)

    def author_name(self, scope):
        if scope.publication is None:
            return SITE_NAME
        # The hosts on the newest public issue's masthead (the issue owns it; one query), else the
        # publication's (before any issue is public).
        newest = Issue.objects.published().filter(publication=scope.publication).newest_first().values("pk")[:1]
        hosts = (
            IssueHost.objects.filter(issue=Subquery(newest)).order_by("position", "pk").values_list("name", flat=True)
        )
        return "、".join(list(hosts) or scope.publication.host_names()) or scope.publication.name

    def feed_url(self, scope):
        return reverse(f"feeds:{self.url_name}", kwargs=scope.url_kwargs)

    def feed_guid(self, scope):
        subject = scope.region or scope.topic
        return tag_uri(self.id_path + (f"/{subject.pk}" if subject else ""))

    def link(self, scope):
        return reverse("newsletter:home")


class IssuesFeed(PublicFeed):
    """One item per published issue: the table of contents as summary, the whole issue as content."""

    url_name = "issues_rss"
    id_path = "feeds/issues"

    def scope_label(self, scope):
        return "各期"

    def link(self, scope):
        return reverse("newsletter:issue_archive")

    def items(self, scope):
        # The Markdown source and the search text are not shown: leave them in the database.
        articles = (
            Article.objects.select_related("section")
            .annotate(section_rank=section_rank())
            .defer("body", "search_text")
            .prefetch_related(Prefetch("sources", queryset=Source.objects.select_related("outlet")))
        )
        return (
            Issue.objects.published()
            .select_related("publication")
            .prefetch_related(
                "hosts",
                Prefetch("credits", queryset=IssueCredit.objects.select_related("editor")),
                Prefetch("articles", queryset=articles),
            )
            .newest_first()[:FEED_LIMIT]
        )

    def item_title(self, issue):
        return f"{issue.feed_title}：{issue.theme}" if issue.theme else issue.feed_title

    def item_link(self, issue):
        return issue.get_absolute_url()

    def item_guid(self, issue):
        return issue_guid(issue)

    def item_pubdate(self, issue):
        return beijing_time(issue.published_at)

    def item_updateddate(self, issue):
        return issue_updated(issue)

    def item_description(self, issue):
        return render_to_string("feeds/issue_toc.html", {"issue": issue})

    def item_extra_kwargs(self, issue):
        return {"content": render_to_string("feeds/issue_content.html", {"issue": issue})}


class IssuesAtomFeed(IssuesFeed):
    feed_type = AtomFeed
    url_name = "issues_atom"


class ArticlesFeed(PublicFeed):
    """The latest published articles, each in full with its sources and categories."""

    url_name = "articles_rss"
    id_path = "feeds/articles"

    def scope_label(self, scope):
        return "最新文章"

    def description(self, scope):
        # Unlike the issues feed (by numbering), articles come as their issues went out: a back issue
        # published today is on top. Readers are told so.
        return super().description(scope) + "，按发布时间排列，最近发布的在前"

    def articles(self, scope):
        return Article.objects.published()

    def items(self, scope):
        return (
            self.articles(scope)
            .select_related("issue__publication", "section")
            .defer("body", "search_text")
            .prefetch_related(
                "regions", "topics", Prefetch("sources", queryset=Source.objects.select_related("outlet"))
            )
            .order_by("-issue__published_at", "-issue__total_number", section_rank(), "section_id", "position", "pk")[
                :FEED_LIMIT
            ]
        )

    def item_title(self, article):
        return article.title

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        return article_guid(article)

    def item_pubdate(self, article):
        return beijing_time(article.issue.published_at)

    def item_updateddate(self, article):
        return issue_updated(article.issue)

    def item_description(self, article):
        summary = article.summary or Truncator(rendering.plain_text(article.body_html)).chars(140)
        return format_html("<p>{}</p>", summary)

    def item_categories(self, article):
        names = [article.section.name] if article.section else []
        # Sorted here: a prefetched tag list has no dependable order, and a reordered list would
        # look like a change to readers that compare items.
        names += [tag.name for tag in sorted(article.regions.all(), key=lambda tag: (tag.order, tag.name))]
        names += sorted(tag.name for tag in article.topics.all())
        return list(dict.fromkeys(names))

    def item_extra_kwargs(self, article):
        linked_sources = [source for source in article.sources.all() if source.url]
        context = {"article": article, "linked_sources": linked_sources}
        return {"content": render_to_string("feeds/article_content.html", context)}


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = AtomFeed
    url_name = "articles_atom"


class TopicFeed(ArticlesFeed):
    url_name = "tag_rss"
    id_path = "feeds/tags"

    def get_object(self, request, slug):
        scope = super().get_object(request)
        # Like the topic page: a topic no public article carries has no feed (404, in the same query).
        public = Exists(Article.objects.published().filter(topics=OuterRef("pk")))
        scope.topic = get_object_or_404(Topic.objects.filter(public), slug=slug)
        return scope

    def scope_label(self, scope):
        return f"主题：{scope.topic.name}"

    def link(self, scope):
        return scope.topic.get_absolute_url()

    def articles(self, scope):
        return Article.objects.published().filter(topics=scope.topic)


class TopicAtomFeed(TopicFeed):
    feed_type = AtomFeed
    url_name = "tag_atom"


class FeedsPageView(TemplateView):
    """订阅: every feed with its address, for people who have never used a feed reader."""

    template_name = "newsletter/feeds_page.html"

    def get_context_data(self, **kwargs):
        def entry(name, rss_name, atom_name, **url_kwargs):
            absolute = self.request.build_absolute_uri
            formats = [
                ("RSS", absolute(reverse(f"feeds:{rss_name}", kwargs=url_kwargs))),
                ("Atom", absolute(reverse(f"feeds:{atom_name}", kwargs=url_kwargs))),
            ]
            return {"name": name, "formats": formats}

        # Topics appear once an article carrying them is public; a draft's new topic is not announced.
        public_topics = ArticleTopic.objects.filter(content_object__in=Article.objects.published()).values("tag_id")
        site_feeds = [
            entry("各期（每期全文）", "issues_rss", "issues_atom"),
            entry("最新文章（逐篇全文）", "articles_rss", "articles_atom"),
        ]
        # Likewise regions: one that only non-public articles use (a new tag on a draft) is not announced.
        region_feeds = [entry(r.label, "region_rss", "region_atom", slug=r.slug) for r in region_choices() if r.slug]
        topic_feeds = [
            entry(t.name, "tag_rss", "tag_atom", slug=t.slug)
            for t in Topic.objects.filter(pk__in=public_topics).order_by("name")
            if t.slug
        ]
        groups = [("全站", site_feeds), ("按地区", region_feeds), ("按主题", topic_feeds)]
        return super().get_context_data(feed_groups=groups, **kwargs)
