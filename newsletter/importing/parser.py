"""The print edition's text (as converted from PDF) → ``IssueData``. Pure: no database access.

The rules follow the format, not one issue's lines:

* header: "2024 年第 24 期", "(总第 298 期)", "12 月 19 日印发", the title and subtitle headings,
  the masthead blocks 主办 / 编辑 / 统筹 / 电话 / 传真;
* the table of contents ("- 【区域】 title  title …") decides which body lines are article titles,
  matched tolerantly (spacing, width, quotes); every other heading or bold line is a subheading;
* 【上海】 alone on a line (or as a heading) is a section marker, 【湖北】 at a paragraph's start is a
  sub-region marker kept in the body and proposed as a region tag;
* the article's final "（outlet … YYYYMMDD）" is its source line, "图 N caption" lines are figures;
* page-break damage is repaired and page furniture dropped.
"""

import datetime
import difflib
import re
from dataclasses import dataclass

from newsletter.source_line import split_source_tail
from newsletter.text_input import import_file

from .schema import ArticleData, FigureData, ImportFailure, IssueData, Notice, SectionData, SourceData
from .text import collapse_spaces, continues, decode, for_matching, is_terminated, join_broken

ISSUE_LINE = re.compile(r"^(\d{4})\s*年\s*第\s*(\d{1,3})\s*期$")
TOTAL_LINE = re.compile(r"^[（(]\s*总\s*第\s*(\d{1,5})\s*期\s*[）)]$")
DATE_LINE = re.compile(r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*印发$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
BOLD_LINE = re.compile(r"^(?:\*\*|__)\s*(.+?)\s*(?:\*\*|__)$")
SECTION_MARKER = re.compile(r"^【\s*([^【】\s]{1,20})\s*】$")
TOC_BULLET = re.compile(r"^[-*+•·●]\s*【\s*([^【】]{1,20}?)\s*】\s*(.*)$")
FIGURE_LINE = re.compile(r"^图\s*(\d{1,3})(?:\s*[:：.、]\s*|\s+)(\S.*)$")
LIST_ITEM = re.compile(r"^(?:[-*+]\s|\d{1,3}[.、)）]\s|[（(]\d{1,2}[）)])")
REGION_LEAD = re.compile(r"^【\s*([^【】\s]{1,20})\s*】")
LABEL_LINE = re.compile(r"^(主办|编辑|统筹|电话|传真)(?:\s*[:：]\s*|\s+|$)(.*)$")
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?[-—–\s]*$")
FURNITURE = [
    re.compile(r"^(?:研究院)?(?:官方)?微信(?:公众号)?$"),
    re.compile(r"^(?:扫描|扫一扫|扫码).{0,60}$"),
    PAGE_NUMBER,
]
MAX_TITLE_LINE = 60


@dataclass
class Block:
    kind: str  # heading, bold, section, figure, text, list
    text: str
    line: int
    level: int = 0


def parse_bytes(data, filename="", *, known_lines=()):
    return parse_text(decode(data, filename), filename, known_lines=known_lines)


def parse_text(text, filename="", *, known_lines=()):
    """Parse one issue. ``known_lines`` are the publication's name, subtitle and slogan, dropped from bodies."""
    return _Parser(text, filename, known_lines).parse()


class _Parser:
    def __init__(self, text, filename, known_lines):
        self.filename = filename
        self.warnings = []
        # The file's text goes through the rules text typed in the admin does (line breaks, controls,
        # zero-width characters, NBSP): what is imported is safe in every output.
        cleaned = import_file(text)
        # (line number, text without surrounding spaces, had a Markdown hard break)
        self.lines = [(number, raw.strip(), raw.endswith("  ")) for number, raw in enumerate(cleaned.split("\n"), 1)]
        self.known = {for_matching(k) for k in known_lines if k}

    def fail(self, message, line=None):
        raise ImportFailure(message, filename=self.filename, line=line)

    # ------------------------------------------------------------------ header
    def parse(self):
        issue_index, year, number = self._issue_line()
        toc_start, toc_end, entries = self._toc()
        if not entries:
            self.fail("没有找到目录：目录应是“- 【栏目】 标题”形式的列表。")
        body_start = self._body_start(toc_end, entries)
        header = [line for i, line in enumerate(self.lines[:body_start]) if not toc_start <= i < toc_end]
        total_number = self._total(header)
        issue_date = self._date(header, year, number)
        title, subtitle = self._titles(header)
        masthead = self._masthead(header)
        self.known |= {for_matching(t) for t in (title, subtitle, self.lines[issue_index][1]) if t}

        footer_start, slogan = self._footer(body_start, title)
        blocks = self._blocks(self.lines[body_start:footer_start])
        sections = self._articles(blocks, entries)
        return IssueData(
            publication=title,
            year=year,
            number=number,
            total_number=total_number,
            issue_date=issue_date,
            hosts=masthead["主办"],
            editors=masthead["编辑"],
            coordinators=masthead["统筹"],
            phone=" ".join(masthead["电话"]),
            fax=" ".join(masthead["传真"]),
            sections=sections,
            subtitle=subtitle,
            slogan=slogan,
            warnings=self.warnings,
        )

    def _issue_line(self):
        for index, (_, text, _) in enumerate(self.lines):
            match = ISSUE_LINE.match(text)
            if match:
                year, number = int(match.group(1)), int(match.group(2))
                if number < 1:
                    self.fail("期号必须从 1 开始。", self.lines[index][0])
                return index, year, number
        self.fail("没有找到期号行（应为“2024 年第 24 期”这样单独的一行）。")

    def _total(self, header):
        for number, text, _ in header:
            match = TOTAL_LINE.match(text)
            if match:
                total = int(match.group(1))
                if total < 1:
                    self.fail("总期号必须从 1 开始。", number)
                return total
        self.fail("没有找到总期号行（应为“(总第 298 期)”或“（总第298期）”）。")

    def _date(self, header, year, number):
        for line_number, text, _ in header:
            match = DATE_LINE.match(text)
            if not match:
                continue
            month, day = int(match.group(2)), int(match.group(3))
            date_year = int(match.group(1)) if match.group(1) else year
            if not match.group(1):
                # The first 期 of a year can be printed in late December, the last in early January.
                if number <= 2 and month == 12:
                    date_year -= 1
                elif number >= 20 and month == 1:
                    date_year += 1
            try:
                return datetime.date(date_year, month, day)
            except ValueError:
                self.fail(f"印发日期“{text}”不是有效日期。", line_number)
        self.fail("没有找到印发日期行（应为“12 月 19 日印发”）。")

    def _titles(self, header):
        title = subtitle = ""
        for _, text, _ in header:
            match = HEADING.match(text)
            if not match:
                continue
            if not title and len(match.group(1)) == 1:
                title = collapse_spaces(match.group(2))
            elif title and not subtitle:
                subtitle = collapse_spaces(match.group(2).strip("—- "))
                break
        return title, subtitle

    def _masthead(self, header):
        values = {"主办": [], "编辑": [], "统筹": [], "电话": [], "传真": []}
        current = None
        for _, text, _ in header:
            if not text or HEADING.match(text) or TOC_BULLET.match(text):
                current = None
                continue
            match = LABEL_LINE.match(text)
            if match:
                current, text = match.group(1), match.group(2).strip()
                if not text:
                    continue
            if current is None:
                continue
            if current == "主办":
                values[current] += [part for part in re.split(r"\s{2,}|\u3000", text) if part]
            elif current in ("编辑", "统筹"):
                values[current] += [part for part in re.split(r"[\s、，,；;]+", text) if part]
            else:
                values[current].append(text)
        return values

    def _toc(self):
        """The first run of "- 【栏目】 …" bullets: [(region, title, line)] in order."""
        entries, start, end, current = [], None, None, None
        index = 0
        while index < len(self.lines):
            number, text, _ = self.lines[index]
            bullet = TOC_BULLET.match(text)
            if bullet:
                if start is None:
                    start = index
                current = collapse_spaces(bullet.group(1))
                entries += [(current, title, number) for title in _split_titles(bullet.group(2))]
            elif start is not None:
                if not text:
                    following = next((t for _, t, _ in self.lines[index:] if t), "")
                    if not TOC_BULLET.match(following):
                        end = index
                        break
                elif current is not None and not HEADING.match(text) and not LABEL_LINE.match(text):
                    entries += [(current, title, number) for title in _split_titles(text)]
                else:
                    end = index
                    break
            index += 1
        if start is None:
            return 0, 0, []
        return start, end if end is not None else len(self.lines), entries

    def _body_start(self, toc_end, entries):
        first_title = for_matching(entries[0][1])
        for index in range(toc_end, len(self.lines)):
            text = self.lines[index][1]
            inner = _heading_text(text)
            if SECTION_MARKER.match(inner) or (inner and for_matching(inner) == first_title):
                return index
        # No marker and no exact title: the body starts after the masthead; matching reports the error.
        return toc_end

    def _footer(self, body_start, title):
        """The closing repeat of the title and what follows it (slogan, QR-code line) is furniture."""
        names = {for_matching(title)} if title else set()
        start = len(self.lines)
        for index in range(len(self.lines) - 1, body_start, -1):
            if names and for_matching(_heading_text(self.lines[index][1])) in names:
                start = index
                break
        slogan = ""
        for _, text, _ in self.lines[start + 1 :]:
            if text and not HEADING.match(text) and not _is_furniture(text):
                slogan = collapse_spaces(text)
                break
        return start, slogan

    # ------------------------------------------------------------------ body
    def _blocks(self, lines):
        blocks, paragraph = [], []

        def flush():
            if paragraph:
                kind = "list" if LIST_ITEM.match(paragraph[0][1]) else "text"
                if kind == "list":
                    text = "\n".join(t for _, t in paragraph)
                else:
                    text = paragraph[0][1]
                    for _, more in paragraph[1:]:
                        text = join_broken(text, more)
                blocks.append(Block(kind, text, paragraph[0][0]))
                paragraph.clear()

        for number, text, _ in lines:
            if not text or _is_furniture(text) or self._is_running_header(text):
                flush()
                continue
            heading = HEADING.match(text)
            inner = heading.group(2) if heading else text
            marker = SECTION_MARKER.match(inner)
            if marker:
                flush()
                blocks.append(Block("section", marker.group(1), number))
            elif heading:
                flush()
                blocks.append(Block("heading", collapse_spaces(inner.strip("*")), number, len(heading.group(1))))
            elif BOLD_LINE.match(text):
                flush()
                blocks.append(Block("bold", collapse_spaces(BOLD_LINE.match(text).group(1)), number))
            elif _figure_caption(text) is not None:
                flush()
                blocks.append(Block("figure", _figure_caption(text), number))
            else:
                if paragraph and LIST_ITEM.match(text) and not LIST_ITEM.match(paragraph[0][1]):
                    flush()
                paragraph.append((number, text))
        flush()
        return blocks

    def _is_running_header(self, text):
        return for_matching(_heading_text(text)).strip("-·") in self.known

    def _articles(self, blocks, entries):
        starts = []  # (block index, region, title as printed in the TOC, matched exactly)
        position, k = 0, 0
        while k < len(entries):
            region, title, line = entries[k]
            index = self._find(blocks, position, title, exact=True)
            exact = index is not None
            if index is None and k + 1 < len(entries) and entries[k + 1][0] == region:
                # A long TOC title wrapped onto the next line reads as two titles.
                joined = join_broken(title, entries[k + 1][1])
                index = self._find(blocks, position, joined, exact=True)
                if index is not None:
                    title, exact = joined, True
                    k += 1
            if index is None:
                index = self._find(blocks, position, title, exact=False)
            if index is None:
                self.fail(f"目录中的“{title}”在正文中找不到对应的标题。", line)
            starts.append((index, region, title, exact))
            position = index + 1
            k += 1

        stray = [b for b in blocks[: starts[0][0]] if b.kind != "section"]
        if stray:
            self.warnings.append(
                Notice(
                    Notice.DROPPED_TEXT,
                    f"第 {stray[0].line} 行起有 {len(stray)} 段文字不属于任何文章，已略过。",
                    text="\n\n".join(b.text for b in stray),
                    line=stray[0].line,
                )
            )

        sections = []
        for n, (index, region, toc_title, exact) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(blocks)
            heading = blocks[index]
            title = toc_title if exact else heading.text
            article = self._article(title, toc_title, region, heading, blocks[index + 1 : end])
            if not sections or sections[-1].region != region:
                sections.append(SectionData(region=region))
            sections[-1].articles.append(article)
        return sections

    def _find(self, blocks, position, title, *, exact):
        wanted = for_matching(title)
        for index in range(position, len(blocks)):
            block = blocks[index]
            if block.kind in ("heading", "bold") or (block.kind == "text" and len(block.text) <= MAX_TITLE_LINE):
                found = for_matching(block.text)
                if exact and found == wanted:
                    return index
                if not exact and block.kind in ("heading", "bold") and _similar(found, wanted):
                    return index
        return None

    def _article(self, title, toc_title, region, heading, blocks):
        blocks = _repair_page_breaks([b for b in blocks if b.kind != "section"])
        sources = []
        if blocks and blocks[-1].kind == "text":
            remaining, sources = _split_source(blocks[-1].text)
            if sources:
                if remaining:
                    blocks[-1] = Block("text", remaining, blocks[-1].line)
                else:
                    blocks.pop()
        base = heading.level if heading.kind == "heading" else 0
        parts, subheadings, figures, tags = [], [], [], []
        for block in blocks:
            if block.kind in ("heading", "bold"):
                extra = max(0, block.level - base - 1) if base and block.kind == "heading" else 0
                parts.append("#" * min(2 + extra, 6) + " " + block.text)
                subheadings.append(block.text)
            elif block.kind == "figure":
                figures.append(FigureData(caption=block.text))
                parts.append(f"[[figure:{len(figures)}]]")
            else:
                lead = REGION_LEAD.match(block.text)
                if lead and lead.group(1) != region and lead.group(1) not in tags:
                    tags.append(lead.group(1))
                parts.append(block.text)
        return ArticleData(
            title=collapse_spaces(title),
            toc_title=collapse_spaces(toc_title),
            sources=sources,
            subheadings=subheadings,
            figures=figures,
            region_tags=tags,
            body_markdown="\n\n".join(parts),
        )


def _heading_text(text):
    match = HEADING.match(text)
    return match.group(2) if match else text


def _is_furniture(text):
    return any(pattern.match(text) for pattern in FURNITURE)


def _figure_caption(text):
    match = FIGURE_LINE.match(text)
    if not match or len(text) > 120 or is_terminated(text):
        return None
    return collapse_spaces(match.group(2))


def _split_titles(text):
    """TOC titles on one bullet are separated by line breaks or by runs of two or more spaces."""
    return [collapse_spaces(part) for part in re.split(r"\s{2,}|\u3000+", text.strip()) if part.strip()]


def _similar(found, wanted):
    if not found or not wanted:
        return False
    shorter, longer = sorted((found, wanted), key=len)
    if len(shorter) >= 6 and longer.startswith(shorter):
        return True  # the TOC shortens a long title
    if len(shorter) >= 4 and shorter in longer and len(shorter) * 2 >= len(longer):
        return True
    return difflib.SequenceMatcher(None, found, wanted).ratio() >= 0.85


def _repair_page_breaks(blocks):
    """Re-join paragraphs cut by a page break (possibly with a figure placed between the halves)."""
    out = []
    for block in blocks:
        if block.kind == "text" and not REGION_LEAD.match(block.text) and not LIST_ITEM.match(block.text):
            j = len(out) - 1
            while j >= 0 and out[j].kind == "figure":
                j -= 1
            if j >= 0 and out[j].kind == "text":
                if continues(out[j].text, block.text):
                    out[j] = Block("text", join_broken(out[j].text, block.text), out[j].line)
                    continue
        out.append(block)
    return out


def _split_source(text):
    """("…。（金融时报 中央财经大学绿色金融国际研究院 20241210）") → ("…。", [SourceData, SourceData]).

    The rule is the admin's 「来源（一行）」 rule (newsletter.source_line), so both read a line alike."""
    remaining, parsed = split_source_tail(text)
    return remaining, [SourceData(outlet=source.outlet, date=source.date) for source in parsed]
