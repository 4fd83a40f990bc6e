"""The issue page's contents, rendered when they change instead of on every request.

An issue page is the whole print edition: cover, table of contents and every article, about 50 KB of
HTML built from eight queries and a few hundred template nodes. Readers ask for the same page again
and again; it changes only when an editor changes something it shows. So, like an article's
``body_html``, it is derived data: rendered after the transaction that changed it commits, stored
in ``IssueRendition`` and served with the issue in one query.

The pager (previous and next public issue) depends on other issues and on the clock: a scheduled
issue goes public at its time without any write. So the rendition keeps, for each side, the issues
that may be public (published or scheduled) from the nearest outwards, up to the first published
one; a request takes the first that is public at that moment (``Issue.is_public``). Any change to
an issue recomputes the pagers of its publication.

What keeps it right:
- ``DEPENDENCIES`` maps every kind of row the page shows to the issues it appears in. Saving or
  deleting such a row queues those issues; after the commit they are re-rendered, and only then is
  the page cache's content version bumped, so no page can be cached from an old rendition under
  the new version. Code that writes with ``QuerySet.update()`` calls ``queue_issues`` itself.
- A rendition carries the ``stamp`` of the templates and code that made it. One with another stamp
  (a deploy changed the templates) or none at all (issues imported in bulk) is not used: the page
  is rendered live, as a preview is, and ``migrate`` re-renders what is stale.
"""

import functools
import hashlib
import json
import logging
import threading

from django.db import transaction
from django.template.loader import get_template, render_to_string
from django.utils.dateparse import parse_datetime

from . import cache, rehearsal, seo
from .signals import is_new_draft

logger = logging.getLogger(__name__)

TEMPLATE_NAMES = ("newsletter/_issue_body.html", "newsletter/_masthead.html")
# Raise when Python code changes what a rendition holds (say, Article.source_line or the description).
FORMAT = "3"  # 3: figure credits in the article bodies an issue page shows
BATCH = 50
# The fields a request reads to serve a stored rendition (the rest is for the editors and for refresh).
SERVED_FIELDS = ("stamp", "html", "title", "description", "image", "structured_data", "pager")

_queued = threading.local()


@functools.cache
def stamp():
    digest = hashlib.sha256(FORMAT.encode())
    for name in TEMPLATE_NAMES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:32]


def issue_description(issue):
    """The issue page's summary: numbering, theme and every article title in print order."""
    titles = "；".join(article.toc_title for article in issue.articles_in_order())
    lead = f"{issue.publication.title}{issue.year} 年第 {issue.number} 期（总第 {issue.total_number} 期）"
    return f"{lead}：{issue.theme + '。' if issue.theme else ''}{titles}"


def issue_title(issue):
    return f"{issue.publication.name} {issue.short_label}（总第 {issue.total_number} 期）"


def render(issue, preview=False):
    """The rendition's fields for an issue loaded with ``Issue.objects.with_contents()``. A preview's
    article titles lead within the page: the issue's public article pages do not exist yet."""
    sections = issue.sections()
    articles = [article for _, group in sections for article in group]
    image = next((f.image.name for a in articles for f in a.figures.all() if f.image), "")
    publisher = next(iter(issue.host_names()), "")
    return {
        "stamp": stamp(),
        "html": render_to_string(
            "newsletter/_issue_body.html", {"issue": issue, "sections": sections, "preview": preview}
        ),
        "title": issue_title(issue),
        "description": seo.describe(issue_description(issue)),
        "image": image,
        "structured_data": json.dumps(seo.issue_data(issue, publisher), ensure_ascii=False, default=str),
    }


def current(issue):
    """The issue's rendition when it can be served as it is, else None (render the page live)."""
    from .models import IssueRendition

    try:
        rendition = issue.rendition
    except IssueRendition.DoesNotExist:
        return None
    return rendition if rendition.stamp == stamp() else None


def refresh(issue_ids, publication_ids=()):
    """Render and store the renditions of these issues (a few queries per ``BATCH`` issues), then the
    pagers of their publications and of ``publication_ids``."""
    from .models import Issue, IssueRendition

    ids = sorted(set(issue_ids))
    fields = ["stamp", "html", "title", "description", "image", "structured_data", "rendered_at"]
    publications = set(publication_ids)
    for start in range(0, len(ids), BATCH):
        issues = Issue.objects.filter(pk__in=ids[start : start + BATCH]).with_contents()
        rows = [IssueRendition(issue=issue, **render(issue)) for issue in issues]
        IssueRendition.objects.bulk_create(rows, update_conflicts=True, unique_fields=["issue"], update_fields=fields)
        publications |= {issue.publication_id for issue in issues}
    refresh_pagers(publications)
    return len(ids)


def _candidate(row):
    published_at = row["published_at"].isoformat() if row["published_at"] else None
    return {"year": row["year"], "number": row["number"], "status": row["status"], "published_at": published_at}


def _candidates(rows, indexes):
    from .models import Issue

    found = []
    for index in indexes:
        found.append(_candidate(rows[index]))
        if rows[index]["status"] == Issue.Status.PUBLISHED:
            break
    return found


def pagers(publication_id):
    """{issue pk: pager} for every issue of the publication that is published or scheduled."""
    from .models import Issue

    maybe_public = [Issue.Status.PUBLISHED, Issue.Status.SCHEDULED]
    rows = list(
        Issue.objects.filter(publication_id=publication_id, status__in=maybe_public)
        .order_by("total_number")
        .values("pk", "year", "number", "status", "published_at")
    )
    return {
        row["pk"]: {
            "previous": _candidates(rows, range(index - 1, -1, -1)),
            "next": _candidates(rows, range(index + 1, len(rows))),
        }
        for index, row in enumerate(rows)
    }


def refresh_pagers(publication_ids):
    """Store the pagers of these publications' renditions, writing only those that changed."""
    from .models import IssueRendition

    for publication_id in set(publication_ids):
        wanted = pagers(publication_id)
        stored = IssueRendition.objects.filter(issue__publication_id=publication_id).values_list("issue_id", "pager")
        changed = [
            IssueRendition(issue_id=pk, pager=wanted.get(pk, {})) for pk, pager in stored if pager != wanted.get(pk, {})
        ]
        IssueRendition.objects.bulk_update(changed, ["pager"], batch_size=200)


def pager_link(year, number):
    """What the pager shows of a neighbouring issue: a plain dict, which templates read at the first
    try (a model instance would be built and looked up by attribute after a failed item lookup)."""
    from .models import Issue

    return {"url": Issue.url_for(year, number), "label": Issue.short_label_for(year, number)}


def neighbours(rendition):
    """(previous, next) public issue for the pager, as ``pager_link`` dicts, or None."""
    return _first_public(rendition.pager.get("previous", [])), _first_public(rendition.pager.get("next", []))


def _first_public(candidates):
    from .models import Issue

    for candidate in candidates:
        published_at = parse_datetime(candidate["published_at"]) if candidate["published_at"] else None
        if Issue.is_public_state(candidate["status"], published_at):
            return pager_link(candidate["year"], candidate["number"])
    return None


def refresh_stale(public_only=True):
    """Render every issue whose rendition is missing or was made by other templates (after a deploy)."""
    from .models import Issue

    issues = Issue.objects.published() if public_only else Issue.objects.all()
    stale = issues.exclude(rendition__stamp=stamp()).values_list("pk", flat=True)
    return refresh(list(stale))


def queue_issues(issue_ids, publication_ids=()):
    """Re-render these issues (and the pagers of these publications) once the current transaction
    commits, or at once outside a transaction."""
    if rehearsal.active():  # a dry run: rolled back, no page changes
        return
    ids = {pk for pk in issue_ids if pk}
    publications = {pk for pk in publication_ids if pk}
    if not ids and not publications:
        return
    if getattr(_queued, "ids", None) is None:
        _queued.ids, _queued.publications = set(), set()
    _queued.ids |= ids
    _queued.publications |= publications
    # Registered with every call: a registration made inside a savepoint that is rolled back is
    # dropped, a later one still flushes. After the first flush the queue is empty and the rest
    # return at once.
    transaction.on_commit(_flush)


def _flush():
    ids, publications = getattr(_queued, "ids", None), getattr(_queued, "publications", None)
    if not ids and not publications:
        return
    _queued.ids, _queued.publications = set(), set()
    try:
        refresh(ids, publications)
    except Exception:
        # A page that cannot be pre-rendered is still served: live, from its rows.
        logger.exception("期刊页面预生成失败：%s", sorted(ids))
        from .models import IssueRendition

        IssueRendition.objects.filter(issue_id__in=ids).delete()
    cache.bump("issue renditions refreshed", schedule_may_change=False)


# --- what the page shows, and which issues a changed row appears in -------------------------------


def _issues_of_articles(article_ids):
    from .models import Article

    return Article.objects.filter(pk__in=article_ids).values_list("issue_id", flat=True)


def _dependencies():
    from regions.models import Region

    from .models import (
        Article,
        Editor,
        Figure,
        Issue,
        IssueCredit,
        IssueEvent,
        IssueHost,
        IssueSection,
        Outlet,
        Publication,
        PublicationHost,
        Source,
    )

    return {
        Issue: lambda row: [row.pk],
        IssueCredit: lambda row: [row.issue_id],
        IssueHost: lambda row: [row.issue_id],
        IssueSection: lambda row: [row.issue_id],
        # A workflow move (publish, correction) writes its event in the same transaction: an issue
        # imported in bulk gets its rendition when it goes out.
        IssueEvent: lambda row: [row.issue_id],
        Article: lambda row: [row.issue_id],
        Source: lambda row: _issues_of_articles([row.article_id]),
        Figure: lambda row: _issues_of_articles([row.article_id]),
        Outlet: lambda row: Issue.objects.filter(articles__sources__outlet=row.pk).values_list("pk", flat=True),
        Editor: lambda row: Issue.objects.filter(credits__editor=row.pk).values_list("pk", flat=True),
        Publication: lambda row: Issue.objects.filter(publication=row.pk).values_list("pk", flat=True),
        PublicationHost: lambda row: Issue.objects.filter(publication=row.publication_id).values_list("pk", flat=True),
        Region: lambda row: Issue.objects.filter(articles__section=row.pk).values_list("pk", flat=True),
    }


def _article_moving(sender, instance, raw=False, **kwargs):
    # An article moved to another issue leaves its old issue's page too.
    if raw or instance.pk is None:
        return
    queue_issues(type(instance).objects.filter(pk=instance.pk).values_list("issue_id", flat=True))


def connect():
    from django.db.models.signals import post_save, pre_delete, pre_save

    from .models import Article, Issue

    for model, affected in _dependencies().items():

        def on_change(sender, instance, raw=False, created=False, affected=affected, **kwargs):
            # raw: fixtures being loaded, the rows they point at may not exist yet. A new draft (an
            # import writes one per file) is served by no page: it is rendered when it goes out.
            if not raw and not is_new_draft(sender, instance, created):
                queue_issues(list(affected(instance)))

        uid = f"issue-renditions-{model._meta.label_lower}"
        post_save.connect(on_change, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        # Before the delete: the rows that lead from it to its issues are still there.
        pre_delete.connect(on_change, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
    pre_save.connect(_article_moving, sender=Article, dispatch_uid="issue-renditions-article-move")
    pre_delete.connect(_issue_leaving, sender=Issue, dispatch_uid="issue-renditions-issue-delete")


def _issue_leaving(sender, instance, **kwargs):
    # The deleted issue may be in its neighbours' pagers; afterwards nothing leads to its publication.
    queue_issues([], publication_ids=[instance.publication_id])
