"""An issue's print order of sections, and the one definition of a section's rank within an issue.

An issue prints its sections in the order of its table of contents: its ``IssueSection`` rows, by
position. A section used by the issue's articles but without a row sorts after the listed ones, by
the site-wide ``Region.order`` (the default for new issues and for region listings). Every surface
that shows, prints, numbers or exports an issue orders by this rank: ``section_rank()`` for
querysets, ``rank_of()`` for rows already in hand; the two are kept next to each other here.
"""

from django.db import models
from django.db.models import BigIntegerField, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from regions.models import Region

from .issue import Issue

# Positions are PositiveIntegerField values (< 2**31): a section without a row of its issue sorts
# after every listed one, by its site-wide order; an article without a section sorts last.
UNLISTED = 2**31
NO_SECTION = 2**33


class IssueSection(models.Model):
    """One section of one issue at its place in that issue's table of contents."""

    issue = models.ForeignKey(Issue, verbose_name="期刊", on_delete=models.CASCADE, related_name="section_order")
    # A region no article of the issue uses any more leaves the order with it (its row orders nothing).
    region = models.ForeignKey(Region, verbose_name="栏目", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "期刊栏目顺序"
        verbose_name_plural = "期刊栏目顺序"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "region"],
                name="unique_section_per_issue",
                violation_error_message="同一期中每个栏目只能排一次。",
            ),
        ]

    def __str__(self):
        return f"{self.region.label}（第 {self.position} 个栏目）"


def section_rank(prefix=""):
    """The rank of an article's section in its issue, as a database expression (``prefix`` reaches
    the article through a relation, e.g. ``"article__"`` from a figure)."""
    listed = IssueSection.objects.filter(
        issue_id=OuterRef(f"{prefix}issue_id"), region_id=OuterRef(f"{prefix}section_id")
    ).order_by()[:1]
    big = BigIntegerField()
    return Coalesce(
        Cast(Subquery(listed.values("position")), big),
        Cast(F(f"{prefix}section__order"), big) + Value(UNLISTED, output_field=big),
        Value(NO_SECTION, output_field=big),
        output_field=big,
    )


def rank_of(positions, section):
    """``section_rank()`` in Python: ``positions`` maps region id → position for the issue (its
    ``IssueSection`` rows), ``section`` is the article's Region or None."""
    if section is None:
        return NO_SECTION
    position = positions.get(section.pk)
    return position if position is not None else UNLISTED + section.order


def print_key(article, rank):
    """The sort key of an article in its issue's print order, once its section's rank is known."""
    return (rank, article.section_id or 0, article.position, article.pk)


def complete(issue_ids):
    """Give each section the articles of these issues use a row of its issue, at the place the
    site-wide order gives it among the issue's rows (after the last listed section that comes
    before it site-wide, else first). Rows of sections no longer used stay: they order nothing.

    The one writer of membership, called by ``newsletter.derived`` whenever an article is placed in
    or moved to a section (the importer writes a new issue's rows itself, in the file's order).
    Returns the ids of the issues whose order changed. One query when nothing is missing.
    """
    from .article import Article

    ids = {pk for pk in issue_ids if pk}
    if not ids:
        return set()
    listed = IssueSection.objects.filter(issue_id=OuterRef("issue_id"), region_id=OuterRef("section_id"))
    missing = set(
        Article.objects.filter(issue_id__in=ids, section__isnull=False)
        .exclude(Exists(listed))
        .values_list("issue_id", "section_id")
        .distinct()
    )
    if not missing:
        return set()
    touched = {issue_id for issue_id, _ in missing}
    rows = {}
    for row in IssueSection.objects.filter(issue_id__in=touched).select_related("region").order_by("position", "pk"):
        rows.setdefault(row.issue_id, []).append(row)
    regions = Region.objects.in_bulk({region_id for _, region_id in missing})
    new, moved = [], []
    for issue_id in sorted(touched):
        order = rows.get(issue_id, [])
        added = sorted((regions[r] for i, r in missing if i == issue_id), key=lambda r: (r.order, r.name, r.pk))
        for region in added:
            row = IssueSection(issue_id=issue_id, region=region)
            before = [i for i, other in enumerate(order) if other.region.order <= region.order]
            order.insert(before[-1] + 1 if before else 0, row)
            new.append(row)
        for position, row in enumerate(order, start=1):
            if row.position != position:
                row.position = position
                if row.pk is not None:
                    moved.append(row)
    IssueSection.objects.bulk_update(moved, ["position"])
    IssueSection.objects.bulk_create(new)
    return touched


def used_in_order(issue_id):
    """The ids of the sections this issue's articles use, in the issue's print order."""
    from .article import Article

    ranked = (
        Article.objects.filter(issue_id=issue_id, section__isnull=False)
        .annotate(rank=section_rank())
        .order_by("rank", "section_id")
        .values_list("section_id", flat=True)
    )
    return list(dict.fromkeys(ranked))


def reorder(issue_id, region_ids):
    """Make ``region_ids`` the first sections of the issue's order, in that order; its other rows
    keep their relative order after them. Each changed row is saved on its own (a handful per
    issue): its signals renumber the figures (``newsletter.derived``), re-render the issue's page
    and refresh the page cache. Returns whether anything changed."""
    rows = {row.region_id: row for row in IssueSection.objects.filter(issue_id=issue_id).order_by("position", "pk")}
    wanted = list(dict.fromkeys(region_ids))
    order = [rows.get(pk) or IssueSection(issue_id=issue_id, region_id=pk) for pk in wanted]
    order += [row for pk, row in rows.items() if pk not in set(wanted)]
    changed = False
    for position, row in enumerate(order, start=1):
        if row.pk is None or row.position != position:
            row.position = position
            row.save()
            changed = True
    return changed
