"""The article editor's live preview: the change form's fields, unsaved, rendered as readers will see
them — the public article page (``newsletter/article_detail.html``) or the article in its issue
(``newsletter/_issue_body.html``) — with the site's own templates and CSS.

Nothing is written: the article is an in-memory copy given the posted fields, its body converted from
the editor's HTML by ``body_format.editor_html_to_markdown`` (the allow-list every save goes through)
and its stored texts derived by ``Article.derive`` (the formula ``Article.save()`` uses) without
saving. The page is shown in a sandboxed ``<iframe>`` without scripts; its own response forbids
scripts as well, for when it is opened on its own (the 「在新窗口中预览」 button works without JavaScript).
"""

import copy

from csp.decorators import csp_replace
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from taggit.utils import parse_tags

from regions.models import Region
from regions.slugs import pinyin_slug

from .. import text_input
from ..body_format import editor_html_to_markdown
from ..models import Article, Issue, Outlet, Source, Topic
from ..models.article import RelatedRows
from ..models.sources import normalize_outlet_name
from ..previews import mark_private, preview_queryset
from ..source_line import SourceLineError, parse_source_line
from .source_lines import FIELD as SOURCE_LINE_FIELD
from .source_lines import issue_of, reference_date

ARTICLE_VIEW = "article"
ISSUE_VIEW = "issue"
# The preview's own policy: nothing runs, nothing is submitted, only our styles and images load.
PREVIEW_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'none'"],
    "form-action": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'self'"],
}


def preview_view(model_admin, request, object_id=None):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored = None
    if object_id is not None:
        stored = model_admin.get_object(request, str(object_id))
        if stored is None:
            raise Http404("文章不存在或已被删除。")
        if not model_admin.has_change_permission(request, stored):
            raise PermissionDenied
    elif not model_admin.has_add_permission(request):
        raise PermissionDenied
    return _page(request, stored)


@csp_replace(PREVIEW_CSP)
@xframe_options_sameorigin
def _page(request, stored):
    article = preview_article(request.POST, stored)
    issue = _issue_with(article) if article.issue_id else None
    sections = issue.sections() if issue is not None else []
    if request.POST.get("view") == ISSUE_VIEW:
        context = {"article": article, "issue": issue, "sections": sections, "preview": True}
        template = "admin/newsletter/article/preview_issue.html"
    else:
        in_order = [a for _, group in sections for a in group]
        index = next((i for i, a in enumerate(in_order) if a is article), None)
        context = {
            "article": article,
            "previous_article": in_order[index - 1] if index else None,
            "next_article": in_order[index + 1] if index is not None and index + 1 < len(in_order) else None,
            "related": [],
        }
        template = "newsletter/article_detail.html"  # the public page's own template
    response = render(request, template, context)
    response["X-Preview-Anchor"] = article.anchor  # where the pane scrolls to in the issue view
    return mark_private(response)


def preview_article(data, stored=None):
    """An unsaved ``Article`` with the posted fields over ``stored`` (or a new one), its related rows
    held in memory and its body HTML derived as saving would derive it."""
    # A new article gets the primary key 0, which no row has: its related managers then serve the
    # in-memory lists below (Django refuses them on an instance without a key). It is never saved.
    article = copy.copy(stored) if stored is not None else Article(pk=0)
    article._state = copy.copy(article._state)
    article._state.fields_cache = dict(article._state.fields_cache)
    for name in ("title", "short_title", "summary"):
        if name in data:
            setattr(article, name, data[name])
    if "body" in data:
        article.body = editor_html_to_markdown(data["body"])
    if "issue" in data:
        article.issue = _row(Issue.objects.select_related("publication"), data["issue"])
    if "section" in data:
        article.section = _row(Region.objects, data["section"])
    if "position" in data and str(data["position"]).isdigit():
        article.position = int(data["position"])
    text_input.normalise(article)
    if not article.slug:
        article.slug = pinyin_slug(article.title, separator="-", max_length=70) or "article"

    figures = list(stored.figures.all()) if stored is not None else []
    sources = _sources(data, stored, article)
    regions = _tags(Region.objects, data.get("regions"), stored.regions.all() if stored else [])
    topics = _tags(Topic.objects, data.get("topics"), stored.topics.all() if stored else [])
    # Templates read these through the related managers, which serve a prefetched list without a query.
    article._prefetched_objects_cache = {"figures": figures, "sources": sources, "regions": regions, "topics": topics}
    derived = article.derive(
        related=RelatedRows(
            figures=figures,
            outlets=[s.outlet.name for s in sources],
            regions=[r.name for r in regions],
            topics=[t.name for t in topics],
        )
    )
    article.body_html = derived["body_html"]
    return article


def _row(queryset, value):
    value = str(value or "").strip()
    return queryset.filter(pk=int(value)).first() if value.isdigit() else None


def _sources(data, stored, article):
    rows = list(Source.objects.filter(article=stored).select_related("outlet")) if stored is not None else []
    if SOURCE_LINE_FIELD not in data:
        return rows
    try:
        parsed = parse_source_line(data[SOURCE_LINE_FIELD], reference_date=reference_date(issue_of(article)))
    except SourceLineError:
        return rows  # the save reports it; the preview keeps showing the sources as they are
    return [
        Source(outlet=Outlet(name=normalize_outlet_name(s.outlet)), date=s.date, url=s.url, position=i)
        for i, s in enumerate(parsed)
    ]


def _tags(queryset, value, current):
    """Tags named in the posted field that exist (a new name becomes a tag only when saved)."""
    if value is None:
        return list(current)
    names = parse_tags(value)
    found = {tag.name: tag for tag in queryset.filter(name__in=names)}
    return [found[name] for name in names if name in found]


def _issue_with(article):
    """The article's issue as its page shows it, with the previewed article in place of the stored one."""
    issue = preview_queryset().filter(pk=article.issue_id).first()
    if issue is None:
        return None
    articles = [a for a in issue.articles.all() if a.pk != article.pk]
    issue._prefetched_objects_cache["articles"] = [*articles, article]
    return issue
