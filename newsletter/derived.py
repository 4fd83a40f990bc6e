"""The one owner of what is stored on an article but made from other rows: ``body_html`` (with the
figures' numbered captions) and ``search_text`` (with section, tag and outlet names).

``Article.save()`` follows the article's own fields in the same write. Everything else is here:
``DEPENDENCIES`` maps every kind of row those texts are made from to the articles it feeds. Saving
or deleting such a row refreshes those articles, so the admin, the importer, revisions, the demo
loader and tests all get the same result without calling anything by hand.

Figure numbers run through the whole issue in print order (the issue's section order, position), so a figure
added, an article moved or a section reordered can renumber the figures of the whole issue, and
with them the captions in other articles' ``body_html``: such writes renumber their issues first.

A write that changes many rows (an article saved with its inlines, a revision restored, the demo)
runs inside ``deferred()``: the articles and issues are collected and refreshed once, at the end,
a few queries per batch of articles. Paths that write with ``bulk_create``/``update()`` send no
signals: the importer and the bench compute the texts from the rows in hand with the same formula
(``newsletter.models.article.derived_fields``); code that uses ``update()`` calls ``changed()``.
"""

import contextlib
import threading

from django.db.models.signals import post_delete, post_save, pre_save

from . import renditions

BATCH = 200

_pending = threading.local()


def _state():
    if not hasattr(_pending, "depth"):
        _pending.depth, _pending.articles, _pending.issues = 0, set(), set()
    return _pending


@contextlib.contextmanager
def deferred():
    """Collect the refreshes the writes inside ask for and do them once, at the end (nested blocks
    join the outermost). When the block raises, nothing is refreshed: its transaction is rolled back."""
    state = _state()
    state.depth += 1
    try:
        yield
    except BaseException:
        state.depth -= 1
        if state.depth == 0:
            state.articles, state.issues = set(), set()
        raise
    state.depth -= 1
    if state.depth == 0:
        _flush(state)


def changed(articles=(), issues=()):
    """These articles' stored texts, and these issues' figure numbers, may be out of date: refresh
    them now, or at the end of the current ``deferred()`` block."""
    state = _state()
    state.articles |= {pk for pk in articles if pk}
    state.issues |= {pk for pk in issues if pk}
    if state.depth == 0:
        _flush(state)


def _flush(state):
    from .models import sections

    while state.articles or state.issues:
        articles, issues = state.articles, state.issues
        state.articles, state.issues = set(), set()
        # A section newly used by an issue gets its place in the issue's order before the figures
        # are numbered through that order.
        sections.complete(issues)
        refresh(articles | renumber_figures(issues))


def refresh(article_ids, apps=None):
    """Recompute and store the texts of these articles, writing only those that changed, and queue
    their issues' pages. Returns how many were written.

    A data migration passes its ``apps``: the same formula then runs on the historical models (the
    current ones may have columns the database does not have yet), and the issue pages are left to
    ``migrate``'s own re-rendering of stale pages (``renditions.refresh_stale``)."""
    from .models.article import derived_fields, related_rows

    if apps is None:
        from .models import Article
    else:
        Article = apps.get_model("newsletter", "Article")
    ids = sorted({pk for pk in article_ids if pk})
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        articles = Article.objects.filter(pk__in=batch).select_related("section")
        related = related_rows(batch, apps)
        stale = []
        for article in articles:
            section = article.section.name if article.section_id else ""
            fields = derived_fields(article, section=section, **related[article.pk].as_kwargs())
            if any(getattr(article, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(article, name, value)
                stale.append(article)
        # bulk_update leaves updated_at alone: a renamed outlet is not an edit of every article.
        Article.objects.bulk_update(stale, ["body_html", "search_text"])
        if apps is None:
            renditions.queue_issues([article.issue_id for article in stale])  # bulk_update sends no signal
        written += len(stale)
    return written


def renumber_figures(issue_ids):
    """Number the figures of these issues through each issue in print order (图 1, 图 2 …), as the
    print edition does. Returns the articles whose figures got other numbers (their captions are
    in their ``body_html``)."""
    from .models import Figure
    from .models.sections import print_key, section_rank

    if not issue_ids:
        return set()
    figures = list(
        Figure.objects.filter(article__issue_id__in=issue_ids)
        .select_related("article")
        .annotate(section_rank=section_rank("article__"))
        .only("pk", "number", "position", "article__issue_id", "article__position", "article__section_id")
    )

    def print_order(figure):
        article = figure.article
        return (article.issue_id, *print_key(article, figure.section_rank))

    figures.sort(key=lambda f: (*print_order(f), f.position, f.pk))
    renumbered, number, issue_id = [], 0, None
    for figure in figures:
        number = number + 1 if figure.article.issue_id == issue_id else 1
        issue_id = figure.article.issue_id
        if figure.number != number:
            figure.number = number
            renumbered.append(figure)
    Figure.objects.bulk_update(renumbered, ["number"], batch_size=BATCH)
    return {figure.article_id for figure in renumbered}


# --- which articles and issues a changed row feeds -----------------------------------------------


def _articles_of(model, **lookup):
    return list(model.objects.filter(**lookup).values_list("pk", flat=True))


def _tagged(through, tag_id):
    return list(through.objects.filter(tag_id=tag_id).values_list("content_object_id", flat=True))


def _region_changed(region, before):
    from .models import Article, ArticleRegion

    articles, issues = [], []
    if before.get("name") != region.name:
        articles = _articles_of(Article, section=region.pk) + _tagged(ArticleRegion, region.pk)
    if before.get("order") != region.order:  # the print order of its sections' figures
        issues = Article.objects.filter(section=region.pk).values_list("issue_id", flat=True).distinct()
    return articles, issues


def _topic_changed(topic, before):
    from .models import ArticleTopic

    return (_tagged(ArticleTopic, topic.pk) if before.get("name") != topic.name else []), []


def _outlet_changed(outlet, before):
    from .models import Article

    if before.get("name") == outlet.name:
        return [], []
    return _articles_of(Article, sources__outlet=outlet.pk), []


def _article_changed(article, before, created=False):
    # Its own texts were written by save(); its place in the issue may change figure numbers, and a
    # section new to the issue gets its place in the issue's section order (models.sections.complete).
    if created:
        return [], ([article.issue_id] if article.issue_id and article.section_id else [])
    moved = before.get("issue_id"), before.get("section_id"), before.get("position")
    if moved == (article.issue_id, article.section_id, article.position):
        return [], []
    return [], [before.get("issue_id"), article.issue_id]


def _figure_changed(figure, before):
    from .models import Article

    issue = Article.objects.filter(pk=figure.article_id).values_list("issue_id", flat=True)
    return [figure.article_id], list(issue)


def _dependencies():
    """{model: (fields remembered before a save, (row, remembered) → (article ids, issue ids))}.
    A row saved without a change to the remembered fields (a region's description) refreshes nothing."""
    from regions.models import Region

    from .models import Article, ArticleRegion, ArticleTopic, Figure, IssueSection, Outlet, Source, Topic

    return {
        IssueSection: ((), lambda row, before: ([], [row.issue_id])),
        Article: (("issue_id", "section_id", "position"), _article_changed),
        Source: ((), lambda row, before: ([row.article_id], [])),
        Figure: ((), _figure_changed),
        ArticleRegion: ((), lambda row, before: ([row.content_object_id], [])),
        ArticleTopic: ((), lambda row, before: ([row.content_object_id], [])),
        Region: (("name", "order"), _region_changed),
        Topic: (("name",), _topic_changed),
        Outlet: (("name",), _outlet_changed),
    }


def _inside_deleted_article(origin):
    # The rows of an article being deleted go with it: there is nothing left to refresh.
    from django.db.models import QuerySet

    from .models import Article

    return isinstance(origin, Article) or (isinstance(origin, QuerySet) and origin.model is Article)


def connect():
    from .models import Article as article_model

    for model, (remembered, affected) in _dependencies().items():
        uid = f"article-derived-{model._meta.label_lower}"

        def remember(sender, instance, raw=False, remembered=remembered, **kwargs):
            instance._derived_before = {}
            if raw or not remembered or instance.pk is None:
                return
            row = sender._default_manager.filter(pk=instance.pk).values(*remembered).first()
            instance._derived_before = row or {}

        def on_save(sender, instance, raw=False, created=False, affected=affected, remembered=remembered, **kwargs):
            # raw: fixtures being loaded. A new row with remembered fields (a new region or outlet)
            # is in no article's texts yet.
            if raw:
                return
            if created and remembered:
                if sender is not article_model:
                    return
                articles, issues = _article_changed(instance, {}, created=True)
            else:
                articles, issues = affected(instance, getattr(instance, "_derived_before", {}))
            changed(articles, issues)

        def on_delete(sender, instance, origin=None, affected=affected, remembered=remembered, **kwargs):
            if sender is article_model:  # the figures after it in its issue move up
                changed(issues=[instance.issue_id])
            elif not remembered and not _inside_deleted_article(origin):
                articles, issues = affected(instance, {})
                changed(articles, issues)

        if remembered:
            pre_save.connect(remember, sender=model, weak=False, dispatch_uid=f"{uid}-remember")
        post_save.connect(on_save, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(on_delete, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
