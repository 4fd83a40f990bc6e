"""What the reviewer reads of an issue, as plain JSON: kept with each 提交审核 (``IssueEvent.snapshot``)
so that the next submission can say what changed since (``newsletter.review_summary``).

The same function describes the issue as it is now, for an editor still at work on it. It reads a
fixed number of queries whatever the number of articles.
"""

from collections import defaultdict

from .models import Article, ArticleRegion, ArticleTopic, Figure, IssueCredit, Source

# Bumped when the shape changes, so that a comparison can tell an old snapshot from a new one.
FORMAT = 1


def take(issue):
    """The issue's numbering, theme, masthead, section order, credits and articles (in print order)
    with everything readers see."""
    articles = list(
        Article.objects.filter(issue=issue)
        .select_related("section")
        .only(
            "pk", "title", "short_title", "summary", "body", "position", "section__name", "section__order", "issue_id"
        )
        .in_print_order()
    )
    ids = [article.pk for article in articles]
    sources, figures, tags = (
        defaultdict(list),
        defaultdict(list),
        {"regions": defaultdict(list), "topics": defaultdict(list)},
    )
    for source in Source.objects.filter(article_id__in=ids).select_related("outlet").order_by("position", "pk"):
        sources[source.article_id].append(
            {"outlet": source.outlet.name, "date": source.date.isoformat() if source.date else "", "url": source.url}
        )
    for figure in Figure.objects.filter(article_id__in=ids).order_by("position", "pk"):
        figures[figure.article_id].append(
            {"id": figure.pk, "caption": figure.caption, "credit": figure.credit, "image": figure.image.name or ""}
        )
    for model, key in ((ArticleRegion, "regions"), (ArticleTopic, "topics")):
        for article_id, name in model.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name"
        ):
            tags[key][article_id].append(name)
    credits = IssueCredit.objects.filter(issue=issue).select_related("editor").order_by("role", "position", "pk")
    return {
        "format": FORMAT,
        "numbering": {
            "year": issue.year,
            "number": issue.number,
            "total_number": issue.total_number,
            "issue_date": issue.issue_date.isoformat() if issue.issue_date else "",
        },
        "theme": issue.theme,
        # The issue's own masthead and note (snapshots taken before they existed lack these keys).
        "hosts": "、".join(issue.hosts.values_list("name", flat=True)),
        "phone": issue.phone,
        "fax": issue.fax,
        "editor_note": issue.editor_note,
        # The issue's own section order, as its articles print (older snapshots lack it).
        "sections": list(dict.fromkeys(article.section.name for article in articles if article.section_id)),
        "credits": [
            {"role": credit.role, "role_label": credit.get_role_display(), "name": credit.editor.name}
            for credit in credits
        ],
        "articles": [
            {
                "id": article.pk,
                "title": article.title,
                "short_title": article.short_title,
                "section_id": article.section_id,
                "section": article.section.name if article.section_id else "",
                "position": article.position,
                "summary": article.summary,
                "body": article.body,
                "sources": sources[article.pk],
                "figures": figures[article.pk],
                "regions": sorted(tags["regions"][article.pk]),
                "topics": sorted(tags["topics"][article.pk]),
            }
            for article in articles
        ],
    }
