"""Article revisions: a full JSON snapshot at every save, a readable diff, and restore.

Restoring writes the old content back and records a new revision, so history only ever grows.
"""

import difflib

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from regions.models import Region

from . import derived, renditions
from .models import Article, ArticleRevision, Figure, Issue, Outlet, Source
from .signals import public_content_changed

# (key, label) in the order the diff shows them.
FIELDS = [
    ("title", "标题"),
    ("short_title", "目录标题"),
    ("slug", "网址标识"),
    ("issue", "所属期刊"),
    ("section", "栏目"),
    ("position", "栏目内顺序"),
    ("summary", "摘要"),
    ("body", "正文"),
    ("sources", "来源"),
    ("figures", "图片"),
    ("regions", "地区标签"),
    ("topics", "主题标签"),
]


def snapshot(article):
    """Everything a reader sees of the article, as plain JSON."""
    sources = Source.objects.filter(article=article).select_related("outlet").order_by("position", "pk")
    return {
        "version": article.version,
        "title": article.title,
        "short_title": article.short_title,
        "slug": article.slug,
        "issue_id": article.issue_id,
        "issue": article.issue.label if article.issue_id else "",
        "section_id": article.section_id,
        "section": article.section.name if article.section_id else "",
        "position": article.position,
        "summary": article.summary,
        "body": article.body,
        "sources": [
            {
                "outlet": s.outlet.name,
                "date": s.date.isoformat() if s.date else "",
                "url": s.url,
                "position": s.position,
            }
            for s in sources
        ],
        "figures": [
            {
                "id": f.pk,
                "caption": f.caption,
                "alt_text": f.alt_text,
                "credit": f.credit,
                "position": f.position,
                "image": f.image.name or "",
            }
            for f in Figure.objects.filter(article=article).order_by("position", "pk")
        ],
        "regions": sorted(article.regions.names()),
        "topics": sorted(article.topics.names()),
    }


def is_public_content(article):
    """True when the article sits in an issue readers can see: changing it is a correction."""
    return bool(article.issue_id) and Issue.objects.published().filter(pk=article.issue_id).exists()


def record(article, by=None, note="", is_correction=None):
    """Keep a revision of ``article`` as it is in the database now.

    A change to an article of a public issue is a correction: the revision is marked, the issue's
    ``corrected_at`` is set and ``public_content_changed`` is sent after commit.
    """
    if is_correction is None:
        is_correction = is_public_content(article)
    revision = ArticleRevision.objects.create(
        article=article, created_by=by, data=snapshot(article), is_correction=is_correction, note=note
    )
    if is_correction and article.issue_id:
        Issue.objects.filter(pk=article.issue_id).update(corrected_at=timezone.now())
        renditions.queue_issues([article.issue_id])  # the masthead says 更正于; update() sends no signal
        issue = Issue.objects.get(pk=article.issue_id)
        transaction.on_commit(
            lambda: public_content_changed.send(sender=Issue, issue=issue, reason="correction"), robust=True
        )
    return revision


def as_lines(key, value):
    """A field of a snapshot as the lines its diff compares."""
    if key == "sources":
        return [" ".join(p for p in (s["outlet"], s["date"], s["url"]) if p) for s in value or []]
    if key == "figures":
        return [f"{f['caption']}（{f['image'] or '无图片'}）" for f in value or []]
    if key in ("regions", "topics"):
        return ["、".join(value or [])]
    if value is None:
        return [""]
    return str(value).splitlines() or [""]


def diff(old, new):
    """Changed fields between two revisions: [(label, [(kind, text)])], kind is "same", "del" or "add"."""
    return diff_data(old.data, new.data)


def diff_data(old, new, fields=FIELDS, lines_of=as_lines):
    """``diff`` for two snapshots as dicts (also the review summary's, newsletter/review_summary.py);
    ``lines_of(key, value)`` may replace how a field is written out line by line."""
    changes = []
    for key, label in fields:
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        lines = []
        for line in difflib.ndiff(lines_of(key, a), lines_of(key, b)):
            code, text = line[:2], line[2:]
            if code == "- ":
                lines.append(("del", text))
            elif code == "+ ":
                lines.append(("add", text))
            elif code == "  ":
                lines.append(("same", text))
        changes.append((label, lines))
    return changes


def diff_text(old, new):
    """The diff as plain text (tests, emails): "- old line" / "+ new line"."""
    out = []
    for label, lines in diff(old, new):
        out.append(f"## {label}")
        out += [{"del": "- ", "add": "+ ", "same": "  "}[kind] + text for kind, text in lines]
    return "\n".join(out)


@transaction.atomic
@derived.deferred()
def restore(revision, by=None):
    """Write ``revision``'s content back to its article and record the result as a new revision.

    Figures are not re-created (their image files may be gone); captions of figures that still
    exist are restored.
    """
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    data = revision.data
    for key in ("title", "short_title", "slug", "position", "summary", "body"):
        if key in data:
            setattr(article, key, data[key])
    if data.get("section_id") and Region.objects.filter(pk=data["section_id"]).exists():
        article.section_id = data["section_id"]
    article.updated_by = by
    article.save()
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.refresh_from_db(fields=["version"])

    Source.objects.filter(article=article).delete()
    for index, source in enumerate(data.get("sources", [])):
        Source.objects.create(
            article=article,
            outlet=Outlet.get_for_name(source["outlet"]),
            date=source["date"] or None,
            url=source.get("url", ""),
            position=source.get("position", index),
        )
    for figure in data.get("figures", []):
        Figure.objects.filter(pk=figure["id"], article=article).update(
            caption=figure["caption"], alt_text=figure["alt_text"], credit=figure["credit"], position=figure["position"]
        )
    article.regions.set([r for r in Region.objects.filter(name__in=data.get("regions", []))])
    article.topics.set(data.get("topics", []))
    # The captions and positions above were written with update(), which sends no signal.
    derived.changed(articles=[article.pk], issues=[article.issue_id])
    when = timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M")
    return record(article, by=by, note=f"恢复到 {when} 的版本")
