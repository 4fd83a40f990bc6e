"""The print edition's text (as converted from PDF, or exported by ``export_issue``) → ``IssueData``.
Pure: no database access.

The rules follow the format, not one issue's lines; each module states its own and has tests written
from them (tests/test_parse_*.py):

* header.py — year and number, total number, date of issue (one line or several, full-width digits,
  a date without 印发 when it is the only one), the publication's title and subtitle;
* masthead.py — 主办 / 编辑 / 统筹 / 电话 / 传真, with or without colons, several on one line;
* toc.py — the table of contents, section labels (spacing inside 【】 ignored);
* titles.py — TOC entries matched to body titles (wrapped titles, shortened titles, APPROXIMATE_TITLE);
* furniture.py — page furniture learned from the file itself, the footer, DROPPED_TEXT;
* blocks.py — body blocks, figures, numbered subheads; tables.py — tables; pagebreaks.py — page
  breaks repaired in paragraphs, lists, tables and source lines;
* sources.py — the source line ending an article (UNPARSED_SOURCE when it cannot be read);
* gazetteer.py — which 【X】 leads name places (region tags).

This module puts them together:

* The header is what comes before the body; the body starts at the first TOC section marker (【区域】
  alone on a line or as a heading) or the first article title after the masthead, and ends at the
  footer (furniture.py).
* Text between the masthead (or the TOC, when it comes later) and the body is the issue's editor's
  note, and so is text between the TOC and a masthead printed after it (``IssueData.editor_note``):
  its paragraphs as Markdown, separated by blank lines, a label line such as 编者按 included; its
  headings (``## 本期导读``), bold lines and figure lines keep their printed form. It is kept, not
  reported.
* Each article runs from its title to the next one; 【X】 at the start of one of its paragraphs (or
  alone on a line, then joined to the paragraph after it) is a region lead, proposed as a region tag
  when X names a place (a region the caller knows, one of this issue's sections, or a division in the
  gazetteer) and is not the article's own section; other labels (【专家观点】) stay text. A 【X】 naming
  one of the issue's sections is that section's marker only right before the title of the next
  article when that article is X's (blocks.article_leads); elsewhere inside an article it is a lead.
  A lead with no paragraph after it (``【烟台】（大众日报 20210330）``: only the source line) is no lead:
  dropped and reported as DROPPED_TEXT.
* An article's body is Markdown in which HTML is not read: a ``<`` that would open a tag (``a<b 且
  b>c``, ``</p>``) is written ``&lt;``, as the article editor writes it, so the text shows as printed
  and the editor's first save changes nothing (its own ``<strong>``/``<em>`` are kept).
* Body blocks before the first article are reported as DROPPED_TEXT, one notice per block.
* A masthead without 主办 or without 编辑 is reported as MASTHEAD (the issue imports; a person checks).
"""

import re

from newsletter.text_input import import_file

from . import furniture, header, masthead, titles, toc
from .blocks import (
    BOLD_LINE,
    HEADING,
    LIST_ITEM,
    REGION_LEAD,
    BodyReader,
    alone_label,
    article_leads,
    heading_text,
    section_heading,
)
from .gazetteer import is_place, known_name
from .pagebreaks import repair_page_breaks
from .schema import ArticleData, FigureData, ImportFailure, IssueData, Notice, SectionData
from .sources import is_note, read_tail, split_source
from .text import collapse_spaces, decode, for_matching, markdown_text

LONE_LEAD = re.compile(r"(?:\*\*|__)?【[^【】]{1,30}】(?:\*\*|__)?")


def parse_bytes(data, filename="", *, known_lines=(), known_regions=()):
    return parse_text(decode(data, filename), filename, known_lines=known_lines, known_regions=known_regions)


def parse_text(text, filename="", *, known_lines=(), known_regions=()):
    """Parse one issue. ``known_lines`` are the publication's name, subtitle and slogan (page furniture
    besides what the file itself shows); ``known_regions`` the names of the site's regions (places a
    【X】 lead may name besides the gazetteer's)."""
    return _Parser(text, filename, known_lines, known_regions).parse()


def _split_source(text, reference_date=None):
    """(paragraph without its source line, [SourceData]): the rule the admin's one-line field shares."""
    return split_source(text, reference_date)


class _Parser:
    def __init__(self, text, filename, known_lines, known_regions):
        self.filename = filename
        self.warnings = []
        # The file's text goes through the rules text typed in the admin does (line breaks, controls,
        # zero-width characters, NBSP): what is imported is safe in every output.
        cleaned = import_file(text)
        # (line number, text without surrounding spaces, had a Markdown hard break)
        self.lines = [(number, raw.strip(), raw.endswith("  ")) for number, raw in enumerate(cleaned.split("\n"), 1)]
        self.furniture = furniture.Furniture(known_lines)
        self.known_regions = {re.sub(r"\s+", "", name) for name in known_regions if name}

    def fail(self, message, line=None):
        raise ImportFailure(message, filename=self.filename, line=line)

    def parse(self):
        toc_start, toc_end, entries = toc.read(self.lines, lambda t: masthead.label_segments(t) is not None)
        # The header comes before the table of contents: a body line never reads as the issue line.
        found = header.issue_line(self.lines[:toc_start] if entries else self.lines)
        if found is None:
            self.fail("没有找到期号行（应为“2024 年第 24 期”这样单独的一行）。")
        issue_index, year, number = found
        if number < 1:
            self.fail("期号必须从 1 开始。", self.lines[issue_index][0])
        if not entries:
            self.fail("没有找到目录：目录应是“- 【栏目】 标题”形式的列表。")
        self.sections = list(dict.fromkeys(region for region, _, _ in entries))

        # The masthead is read before the body only: a line "编辑：…" closing an article is not one.
        after_toc = self.lines[toc_end : self._body_start(toc_end, entries) or len(self.lines)]
        values, first, last = masthead.read(after_toc, lambda t: bool(HEADING.match(t) or toc.BULLET.match(t)))
        before_values, _, before_last = masthead.read(self.lines[:toc_start], lambda t: bool(HEADING.match(t)))
        if last is None and before_last is not None:
            values = before_values
        note_start = toc_end + (last + 1 if last is not None else 0)
        body_start = self._body_start(note_start, entries)
        if body_start is None:  # no marker and no title: matching the TOC reports the error
            body_start = note_start
        head = self.lines[:toc_start] + self.lines[toc_end:body_start]

        total, total_line = header.total_number(head)
        if total is None:
            self.fail("没有找到总期号行（应为“(总第 298 期)”或“（总第298期）”）。")
        if total < 1:
            self.fail("总期号必须从 1 开始。", total_line)
        issue_date, printed, date_line = header.issue_date(head, year, number)
        if issue_date is None and printed:
            self.fail(f"印发日期“{printed}”不是有效日期。", date_line)
        if issue_date is None:
            self.fail("没有找到印发日期行（应为“12 月 19 日印发”）。")
        self.issue_date = issue_date
        title, subtitle = header.titles(self.lines[:toc_start] or head)

        footer_start, slogan, extra = furniture.footer(self.lines, body_start, title, subtitle)
        self.furniture.footer_lines(extra)
        # The file's own running lines: its cover lines before the TOC, its title and subtitle, its footer.
        learned = [t for _, t, _ in self.lines[:toc_start] + self.lines[footer_start:]] + [title, subtitle]
        self.furniture.learn(learned)
        reader = BodyReader(self.furniture, set(self.sections), self._is_place, self.lines[body_start:footer_start])
        # The note is printed after the masthead; a layout with the masthead last has it before.
        before_masthead = (toc_end, toc_end + first) if first else (toc_end, toc_end)
        editor_note = self._editor_note(reader, [before_masthead, (note_start, body_start)])
        blocks = reader.blocks(self.lines[body_start:footer_start])
        sections = self._articles(blocks, entries)
        self.warnings += self.furniture.notices()
        missing = [label for label in ("主办", "编辑") if not values[label]]
        if missing:
            self.warnings.append(
                Notice(
                    Notice.MASTHEAD, f"没有读到刊头的{'、'.join(missing)}，请核对本期刊头。", text="、".join(missing)
                )
            )
        return IssueData(
            publication=title,
            year=year,
            number=number,
            total_number=total,
            issue_date=issue_date,
            hosts=values["主办"],
            editors=values["编辑"],
            coordinators=values["统筹"],
            phone=" ".join(values["电话"]),
            fax=" ".join(values["传真"]),
            editor_note=editor_note,
            sections=sections,
            subtitle=subtitle,
            slogan=slogan,
            warnings=self.warnings,
        )

    # ------------------------------------------------------------------ layout
    def _is_place(self, name):
        return name in self.sections or is_place(name, self.known_regions)

    def _body_start(self, start, entries):
        """The first TOC section marker or the first article's title (or the start of it: the TOC may
        shorten or wrap it) at or after ``start``; None when there is neither."""
        first_title = for_matching(entries[0][1])
        for index in range(start, len(self.lines)):
            text = self.lines[index][1]
            if not text:
                continue
            if alone_label(text) in self.sections or section_heading(text, self.sections):
                return index
            found = for_matching(heading_text(text))
            if found == first_title or (
                len(text) <= titles.MAX_TITLE_LINE
                and min(len(found), len(first_title)) >= 4
                and (found.startswith(first_title) or first_title.startswith(found))
                and not masthead.label_segments(text)
                and not re.search(r"[，。；！？]", text)
            ):
                return index
        return None

    def _editor_note(self, reader, spans):
        parts = []
        for start, end in spans:
            # The header's own lines (issue facts, title, cover lines) are not the note's.
            lines = [
                (number, text, hard)
                for number, text, hard in self.lines[start:end]
                if not header.header_facts(text) and not self.furniture.kind(text)
            ]
            parts += [self._note_part(block) for block in reader.blocks(lines) if block.kind != "section"]
        return "\n\n".join(parts)

    def _note_part(self, block):
        """A block of the editor's note as Markdown: headings, bold lines and figure lines keep the
        form they were printed in."""
        printed = self.lines[block.line - 1][1]
        if block.kind == "heading":
            return "#" * block.level + " " + block.text
        if block.kind == "bold" and BOLD_LINE.match(printed):
            return f"**{block.text}**"
        if block.kind == "figure":
            credit = f"\n\n资料来源：{block.credit}" if block.credit and block.credit not in printed else ""
            return printed + credit
        return block.text

    # ------------------------------------------------------------------ articles
    def _articles(self, blocks, entries):
        starts = titles.match(blocks, entries, self.fail, self.warnings)
        for block in blocks[: starts[0][0]]:
            if block.kind != "section":
                self.warnings.append(
                    Notice(
                        Notice.DROPPED_TEXT,
                        "这段文字在第一篇文章之前，不属于任何文章，已略过。",
                        text=block.text,
                        line=block.line,
                    )
                )
        sections = []
        for n, (index, region, toc_title, exact, joined) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(blocks)
            heading = blocks[index]
            if not exact:
                title = heading.text
            elif joined:
                # A TOC entry wrapped over two lines: the body's wording (its spacing) is the title.
                title = toc_title = heading.text
            else:
                title = toc_title
            next_region = starts[n + 1][1] if n + 1 < len(starts) else None
            body, dropped = article_leads(blocks[index + 1 : end], next_region, region)
            for block, why in dropped:
                label = block.text if block.kind == "text" else f"【{block.text}】"
                self.warnings.append(
                    Notice(
                        Notice.DROPPED_TEXT,
                        f"{why}：“{label}”，已略过。",
                        text=label,
                        line=block.line,
                    )
                )
            article = self._article(title, toc_title, region, heading, body)
            if not sections or sections[-1].region != region:
                sections.append(SectionData(region=region))
            sections[-1].articles.append(article)
        return sections

    def _article(self, title, toc_title, region, heading, blocks):
        blocks = repair_page_breaks(blocks)
        sources = self._source(blocks)
        base = heading.level if heading.kind == "heading" else 0
        parts, subheadings, figures, tags = [], [], [], []
        for block in blocks:
            if block.kind in ("heading", "bold"):
                extra = max(0, block.level - base - 1) if base and block.kind == "heading" else 0
                parts.append("#" * min(2 + extra, 6) + " " + markdown_text(block.text))
                subheadings.append(block.text)
            elif block.kind == "figure":
                figures.append(FigureData(caption=block.text, credit=block.credit))
                parts.append(f"[[figure:{len(figures)}]]")
            else:
                lead = REGION_LEAD.match(block.text) if block.kind == "text" else None
                name = toc.label_name(lead.group(1)) if lead else ""
                name = known_name(name, self.known_regions | set(self.sections)) if name else ""
                if name and name != region and name not in tags and self._is_place(name):
                    tags.append(name)
                parts.append(markdown_text(block.text))
        return ArticleData(
            title=collapse_spaces(title),
            toc_title=collapse_spaces(toc_title),
            sources=sources,
            subheadings=subheadings,
            figures=figures,
            region_tags=tags,
            body_markdown="\n\n".join(parts),
        )

    def _source(self, blocks):
        """The source line ending the article (before any figure captions and 注： notes); it may close
        the last item of a list."""
        index = len(blocks) - 1
        while index >= 0 and (
            blocks[index].kind == "figure" or (blocks[index].kind == "text" and is_note(blocks[index].text))
        ):
            index -= 1
        if index < 0 or blocks[index].kind not in ("text", "list"):
            return []
        block = blocks[index]
        head, _, tail = block.text.rpartition("\n") if block.kind == "list" else ("", "", block.text)
        remaining, sources, unparsed = read_tail(tail, self.issue_date)
        if unparsed:
            self.warnings.append(
                Notice(
                    Notice.UNPARSED_SOURCE,
                    f"这段文字末尾像是来源行，但未能识别，已留在正文中：{unparsed}",
                    text=unparsed,
                    line=block.line,
                )
            )
        if sources:
            if block.kind == "list" and not LIST_ITEM.match(remaining):
                return []  # the whole last item would go: it is a list item, not a source line
            text = "\n".join(part for part in (head, remaining) if part)
            if block.kind == "text" and LONE_LEAD.fullmatch(text):
                # 【烟台】（大众日报 20210330）: a lead with no paragraph after it is no lead.
                self.warnings.append(
                    Notice(Notice.DROPPED_TEXT, f"标签后面没有段落：“{text}”，已略过。", text=text, line=block.line)
                )
                text = ""
            if text:
                blocks[index] = type(block)(block.kind, text, block.line)
            else:
                blocks.pop(index)
        return sources
