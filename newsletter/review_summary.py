"""What changed in an issue between two of its snapshots (newsletter/review_snapshot.py): articles
added, removed, moved and edited (with a line diff of each changed field, the same diff as an
article's revisions), credits, numbering, masthead and the issue's section order. Pure: it reads
no database and writes nothing.
"""

import difflib
from dataclasses import dataclass, field

from . import revisions

# The article fields whose change makes it "edited"; section and position make it "moved" instead.
ARTICLE_FIELDS = [
    (key, label) for key, label in revisions.FIELDS if key not in {"slug", "issue", "section", "position"}
]

ISSUE_FIELDS = [
    ("year", "年份"),
    ("number", "期号"),
    ("total_number", "总期号"),
    ("issue_date", "印发日期"),
]

# Unchanged lines kept around each change; longer runs are folded into one "skip" row.
CONTEXT = 1


@dataclass
class ArticleRef:
    id: int
    title: str
    place: str  # 【上海】第 2 篇


@dataclass
class Move:
    article: ArticleRef
    before: str
    after: str


@dataclass
class Edit:
    article: ArticleRef
    changes: list  # [(label, [(kind, text)])], kind: "same", "del", "add" or "skip"

    @property
    def labels(self):
        return "、".join(label for label, _ in self.changes)


@dataclass
class Summary:
    issue_fields: list = field(default_factory=list)  # [(label, before, after)]
    credits: list = field(default_factory=list)  # [(kind, text)]: empty when the credits did not change
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    edited: list = field(default_factory=list)

    @property
    def count(self):
        """How many things changed, as 「有 N 处修改」 counts them: each field, the credits, each article."""
        return (
            len(self.issue_fields)
            + bool(self.credits)
            + len(self.added)
            + len(self.removed)
            + len(self.moved)
            + len(self.edited)
        )

    def __bool__(self):
        return self.count > 0


def _lines_of(key, value):
    if key == "figures":  # the credit is what a reviewer checks as much as the caption
        return [
            f"{f['caption']}（{'图片来源：' + f['credit'] + '；' if f.get('credit') else ''}{f['image'] or '无图片'}）"
            for f in value or []
        ]
    return revisions.as_lines(key, value)


def _fold(lines):
    """Keep ``CONTEXT`` unchanged lines around each change and fold the rest into ("skip", "N"). Blank
    unchanged lines (between Markdown paragraphs) are neither context nor counted."""
    lines = [(kind, text) for kind, text in lines if kind != "same" or text.strip()]
    changed = [i for i, (kind, _) in enumerate(lines) if kind != "same"]
    keep = {j for i in changed for j in range(i - CONTEXT, i + CONTEXT + 1)}
    out, skipped = [], 0
    for i, line in enumerate(lines):
        if i in keep:
            if skipped:
                out.append(("skip", str(skipped)))
                skipped = 0
            out.append(line)
        else:
            skipped += 1
    if skipped:
        out.append(("skip", str(skipped)))
    return out


def _places(articles):
    """{article id: "【section】第 n 篇"} and {section: [ids in order]}, as the snapshot lists them."""
    places, order = {}, {}
    for article in articles:
        ids = order.setdefault(article["section_id"], [])
        ids.append(article["id"])
        places[article["id"]] = f"【{article['section'] or '未分栏目'}】第 {len(ids)} 篇"
    return places, order


def _moved_ids(old_articles, new_articles, common):
    """Articles in both whose section changed, or that changed order against the others kept in
    their section (the fewest such, so that adding or deleting one article moves none)."""
    old_section = {a["id"]: a["section_id"] for a in old_articles}
    moved = {a["id"] for a in new_articles if a["id"] in common and a["section_id"] != old_section[a["id"]]}
    _, old_order = _places(old_articles)
    _, new_order = _places(new_articles)
    for section, new_ids in new_order.items():
        stayed = [pk for pk in new_ids if pk in common and pk not in moved]
        before = [pk for pk in old_order.get(section, []) if pk in stayed]
        matcher = difflib.SequenceMatcher(a=before, b=stayed, autojunk=False)
        in_place = {pk for block in matcher.get_matching_blocks() for pk in stayed[block.b : block.b + block.size]}
        moved |= set(stayed) - in_place
    return moved


MASTHEAD_FIELDS = [("hosts", "主办单位"), ("phone", "电话"), ("fax", "传真"), ("editor_note", "编者按")]


def _sections_reordered(old, new):
    """Whether the sections both snapshots print come in another order (a section only added or
    only removed is no reordering: its articles are listed as added or removed). Older snapshots
    lack the order: nothing is compared then."""
    if old is None or new is None:
        return False
    common = set(old) & set(new)
    return [name for name in old if name in common] != [name for name in new if name in common]


def _section_line(names):
    return "、".join(f"【{name}】" for name in names)


def _credit_lines(snapshot):
    return [f"{c['role_label']}：{c['name']}" for c in snapshot.get("credits", [])]


def compare(old, new):
    """The ``Summary`` of what changed from snapshot ``old`` to snapshot ``new``."""
    summary = Summary()
    old_numbering, new_numbering = old.get("numbering", {}), new.get("numbering", {})
    for key, label in ISSUE_FIELDS:
        if old_numbering.get(key) != new_numbering.get(key):
            summary.issue_fields.append((label, old_numbering.get(key, ""), new_numbering.get(key, "")))
    if old.get("theme", "") != new.get("theme", ""):
        summary.issue_fields.append(("本期主题", old.get("theme", ""), new.get("theme", "")))

    for key, label in MASTHEAD_FIELDS:
        # Compared only when both snapshots have it: older ones were taken before the issue had its own.
        if key in old and key in new and old[key] != new[key]:
            summary.issue_fields.append((label, old[key], new[key]))

    if _sections_reordered(old.get("sections"), new.get("sections")):
        summary.issue_fields.append(("栏目顺序", _section_line(old["sections"]), _section_line(new["sections"])))

    old_credits, new_credits = _credit_lines(old), _credit_lines(new)
    if old_credits != new_credits:
        summary.credits = revisions.diff_data(
            {"credits": old_credits}, {"credits": new_credits}, [("credits", "署名")], lambda key, value: value
        )[0][1]

    old_articles, new_articles = old.get("articles", []), new.get("articles", [])
    old_by_id = {a["id"]: a for a in old_articles}
    new_ids = {a["id"] for a in new_articles}
    common = set(old_by_id) & new_ids
    old_places, _ = _places(old_articles)
    new_places, _ = _places(new_articles)
    moved = _moved_ids(old_articles, new_articles, common)

    for article in new_articles:
        ref = ArticleRef(article["id"], article["title"], new_places[article["id"]])
        if article["id"] not in common:
            summary.added.append(ref)
            continue
        if article["id"] in moved:
            summary.moved.append(Move(ref, old_places[article["id"]], new_places[article["id"]]))
        changes = revisions.diff_data(old_by_id[article["id"]], article, ARTICLE_FIELDS, _lines_of)
        if changes:
            summary.edited.append(Edit(ref, [(label, _fold(lines)) for label, lines in changes]))
    for article in old_articles:
        if article["id"] not in new_ids:
            summary.removed.append(ArticleRef(article["id"], article["title"], old_places[article["id"]]))
    return summary
