"""The back-issue archive in tests/archive/ and its expected files (format: tests/archive/README.md).

``compare(name, expected, data)`` checks one parsed or exported issue (``IssueData.to_json()``) against
what was printed, field by field, and returns every check made, right or wrong, so that a test can
name each wrong field and count the share of fields right.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

ARCHIVE = Path(__file__).parent / "archive"
SUFFIXES = {".txt", ".md"}
HEADER_FIELDS = ("publication", "year", "number", "total_number", "issue_date")
MASTHEAD_FIELDS = ("hosts", "editors", "coordinators", "phone", "fax")
ARTICLE_FIELDS = ("title", "toc_title", "sources", "subheadings", "figures", "region_tags")
# A line that is only a page number as printed: "7", "- 2 -", "— 3 —".
PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$")
HEADING_LINE = re.compile(r"^#{1,6}\s+(.*?)\s*$")


def sample_paths():
    """The sample issues, by file name (README.md and the expected files are not issues)."""
    return sorted(
        path
        for path in ARCHIVE.iterdir()
        if path.suffix.lower() in SUFFIXES and path.name != "README.md" and path.is_file()
    )


def expected_path(path):
    return path.with_name(path.stem + ".expected.json")


def expected(path):
    return json.loads(expected_path(path).read_text(encoding="utf-8"))


@dataclass
class Check:
    """One field of one issue: ``part`` is "header", "masthead", "editor_note", "sections" or an
    article's expected title; ``ok`` whether the import got it right; ``detail`` what differs."""

    file: str
    part: str
    field: str
    ok: bool
    detail: str = ""

    def __str__(self):
        where = (
            self.file
            if self.part in ("header", "masthead", "editor_note", "sections")
            else f"{self.file}《{self.part}》"
        )
        return f"{where} › {self.field}：{self.detail}"


def _differs(wanted, found):
    return f"应为 {json.dumps(wanted, ensure_ascii=False)}，实为 {json.dumps(found, ensure_ascii=False)}"


def _table_spacing(text):
    return re.sub(r"[ \t\u3000]*\|[ \t\u3000]*", "|", text)


def body_has(body, wanted):
    """``wanted`` appears in the body; a table row (starting with |) matches whatever the spacing
    around its bars."""
    if wanted.startswith("|"):
        return _table_spacing(wanted) in _table_spacing(body)
    return wanted in body


def headings_of(body):
    return [m.group(1) for m in (HEADING_LINE.match(line) for line in body.splitlines()) if m]


def _in_order(wanted, found):
    position = 0
    for item in wanted:
        try:
            position = found.index(item, position) + 1
        except ValueError:
            return False
    return True


def compare(name, want, data):
    """Every check of ``data`` (an issue as ``IssueData.to_json()`` gives it) against ``want``."""
    checks = []

    def check(part, field, ok, detail=""):
        checks.append(Check(name, part, field, bool(ok), "" if ok else detail))

    for field in HEADER_FIELDS:
        check("header", field, data.get(field) == want[field], _differs(want[field], data.get(field)))
    for field in MASTHEAD_FIELDS:
        check("masthead", field, data.get(field) == want[field], _differs(want[field], data.get(field)))
    note = data.get("editor_note", "")
    check("editor_note", "editor_note", note.strip() == want["editor_note"], _differs(want["editor_note"], note))

    sections = data.get("sections", [])
    regions = [s["region"] for s in sections]
    want_regions = [s["region"] for s in want["sections"]]
    check("sections", "栏目及顺序", regions == want_regions, _differs(want_regions, regions))
    found_articles = [(s["region"], a) for s in sections for a in s["articles"]]
    want_articles = [(s["region"], a) for s in want["sections"] for a in s["articles"]]
    check(
        "sections",
        "文章篇数",
        len(found_articles) == len(want_articles),
        _differs([a["title"] for _, a in want_articles], [a["title"] for _, a in found_articles]),
    )
    bodies = [a.get("body_markdown", "") for _, a in found_articles]
    stray = [f"{word}" for word in want.get("furniture", []) for text in [note, *bodies] if word in text] + [
        line for body in bodies for line in body.splitlines() if PAGE_NUMBER.match(line)
    ]
    check("sections", "页眉页脚与页码已删去", not stray, f"正文中仍有 {stray}")

    by_title = {a["title"]: (position, region, a) for position, (region, a) in enumerate(found_articles)}
    by_toc = {a.get("toc_title"): (position, region, a) for position, (region, a) in enumerate(found_articles)}
    titles = [a["title"] for _, a in found_articles]
    for position, (region, article) in enumerate(want_articles):
        part = article["title"]
        match = by_title.get(article["title"]) or by_toc.get(article["toc_title"])
        fields = _article_fields(article)
        if match is None:
            for field in fields:
                check(part, field, False, f"没有这篇文章（解析出的标题：{titles}）")
            continue
        found_position, found_region, found = match
        check(part, "所在栏目", found_region == region, _differs(region, found_region))
        check(part, "在本期中的位置", found_position == position, _differs(position + 1, found_position + 1))
        for field in ARTICLE_FIELDS:
            check(part, field, found.get(field) == article[field], _differs(article[field], found.get(field)))
        body = found.get("body_markdown", "")
        if "body_markdown" in article:
            check(
                part,
                "body_markdown",
                body.strip() == article["body_markdown"],
                _differs(article["body_markdown"], body),
            )
        for text in article.get("body_contains", []):
            check(part, f"正文含「{text}」", body_has(body, text), f"正文中没有；正文为：\n{body}")
        for text in article.get("body_excludes", []):
            check(part, f"正文不含「{text}」", not body_has(body, text), f"正文中有；正文为：\n{body}")
        if article.get("body_headings"):
            found_headings = headings_of(body)
            check(
                part,
                "正文小标题",
                _in_order(article["body_headings"], found_headings),
                _differs(article["body_headings"], found_headings),
            )
    return checks


def _article_fields(article):
    fields = ["所在栏目", "在本期中的位置", *ARTICLE_FIELDS]
    if "body_markdown" in article:
        fields.append("body_markdown")
    fields += [f"正文含「{t}」" for t in article.get("body_contains", [])]
    fields += [f"正文不含「{t}」" for t in article.get("body_excludes", [])]
    if article.get("body_headings"):
        fields.append("正文小标题")
    return fields


def share(checks):
    right = sum(1 for c in checks if c.ok)
    return right, len(checks)
