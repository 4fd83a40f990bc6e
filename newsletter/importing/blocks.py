"""Body lines → blocks (paragraphs, headings, lists, tables, figures, section markers), page
furniture dropped (and logged by furniture.py).

Rules (tests in tests/test_parse_furniture.py, tests/test_parse_layout.py, tests/test_parse_regions.py):

* Page furniture (furniture.py) is dropped where it stands and ends the paragraph before it; the
  block after it is marked as following a page break.
* 【X】 alone on a line (or as a heading or bold line) is a section marker when X is one of the issue's
  TOC sections (so is a heading or bold line that is just X, without brackets); a region lead when X names a place (joined to the paragraph after it, as a lead at a
  paragraph's start); otherwise a label kept as its own paragraph.
* Inside an article, such a section marker stands for its section only as the article's last block
  and when it names the next article's section (the marker before that article's title); any other
  【X】 of a TOC section inside an article is a region lead, joined to the paragraph after it
  (``article_leads``): text is never dropped for naming another section of the issue. A lone 【X】
  naming the article's own section (repeated at the top of a page) is page furniture: dropped
  (reported by the parser as DROPPED_TEXT), and the paragraph it cut is rejoined (pagebreaks.py).
  A lead with no paragraph after it in the article (a lone 【X】 after the last source line) is no
  lead: dropped and reported, so the source line stays the article's last block and is read.
* Tables: see tables.py.
* ``图 N caption`` on its own line is a figure when it reads as a caption: not a sentence (no sentence
  end, no ；, no comma within its first words as in ``图 1 显示，…``) and not continued by the next
  line (``，…``). ``图 1 2024 年 1—11 月，全国成交量`` is a caption. The figure's
  credit is a bracketed ``（资料来源：…）`` ending the caption or a ``资料来源：…`` line right under it.
* A plain numbered subhead (``一、…``, ``（一）…``) alone on a short line without sentence punctuation
  is a subheading.
* In a conversion without blank lines between paragraphs (fewer blank lines than a tenth of the
  lines), a line ending a sentence ends its paragraph, a line shorter than a full one (four fifths of
  the upper-quartile line) that ends no sentence stands alone (a plain title or subhead), and a figure
  caption needs no blank line around it, and lines of aligned columns go on as rows of one table;
  otherwise a paragraph runs to the next blank line. Pipe table rows and the lines around them are
  always different blocks.
* Page breaks are repaired afterwards, per article: see pagebreaks.py.
"""

import re
from dataclasses import dataclass, replace

from .sources import DATE_HINT
from .tables import PIPE_ROW, columns, table_rows
from .text import NON_INITIAL, collapse_spaces, is_complete, is_terminated, join_broken, looks_like_heading
from .toc import LABEL, label_name

HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
BOLD_LINE = re.compile(r"^(?:\*\*|__)\s*(.+?)\s*(?:\*\*|__)$")
FIGURE_LINE = re.compile(r"^图\s*(\d{1,3}(?:[-－.]\d{1,2})?)(?:\s*[:：.、]\s*|\s+)(\S.*)$")
CREDIT = re.compile(r"^(?:资料|数据|图片)?来源\s*[:：]\s*(\S.*?)[。.]?$")
CAPTION_CREDIT = re.compile(r"[（(]((?:资料|数据|图片)?来源\s*[:：]\s*[^（）()]+)[）)]$")
LIST_ITEM = re.compile(r"^(?:[-*+]\s|\d{1,3}[.、)）]\s|[（(]\d{1,2}[）)])")
NUMBERED_SUBHEAD = re.compile(r"^(?:[一二三四五六七八九十百]{1,3}、|[（(][一二三四五六七八九十百]{1,3}[）)])\s*\S")
REGION_LEAD = re.compile(r"^(?:\*\*|__)?【([^【】]{1,30})】")  # a lead may be printed bold
# "图 1 显示，…", "图 2 中可以看到，…": a sentence about the figure, a verb and a comma straight after it.
SENTENCE_START = re.compile(r"^\S{1,4}[，,]")
MAX_SUBHEAD = 40
MAX_CAPTION = 100
DENSE_MIN_LINES = 10


@dataclass
class Block:
    kind: str  # heading, bold, section, figure, text, list, table
    text: str
    line: int
    level: int = 0
    after_break: bool = False  # the line before it was page furniture (a page break)
    credit: str = ""  # a figure's 资料来源


def heading_text(text):
    match = HEADING.match(text)
    return match.group(2) if match else text


def figure_caption(text, following=""):
    """(caption, credit) of a ``图 N …`` line, or None when the line is not a caption (a sentence, or a
    line the next one continues). A bracketed 来源 at the caption's end is its credit."""
    match = FIGURE_LINE.match(text)
    if not match or len(text) > MAX_CAPTION or is_terminated(text) or re.search(r"[；;]", text):
        return None
    if following[:1] in NON_INITIAL or SENTENCE_START.match(match.group(2)):
        return None
    caption, credit = match.group(2), ""
    tail = CAPTION_CREDIT.search(caption)
    if tail:
        caption, credit = caption[: tail.start()], CREDIT.match(tail.group(1)).group(1)
    return collapse_spaces(caption), collapse_spaces(credit)


def is_numbered_subhead(text):
    return (
        bool(NUMBERED_SUBHEAD.match(text))
        and len(text) <= MAX_SUBHEAD
        and not is_terminated(text)
        and not re.search(r"[，。；,;]", text)
    )


def alone_label(text):
    """【X】 alone on a line, as a heading or bold line too → X (spacing removed), else None."""
    inner = heading_text(text).strip()
    bold = BOLD_LINE.match(inner)
    inner = (bold.group(1) if bold else inner).strip().strip("*").strip()
    match = LABEL.match(inner)
    if match and match.end() == len(inner):
        return label_name(match.group(1)) or None
    return None


def section_heading(text, sections):
    """A heading or bold line that is just a TOC section's name, without brackets (## 上海) → the name."""
    if not (HEADING.match(text) or BOLD_LINE.match(text)):
        return None
    bare = re.sub(r"\s+", "", heading_text(text).strip("*_ "))
    return bare if bare in sections else None


class BodyReader:
    """Reads body lines into blocks. ``furniture`` is the file's ``furniture.Furniture`` (it keeps the
    log of what it dropped); ``sections`` the issue's TOC labels; ``is_place(name)`` the gazetteer's
    answer."""

    def __init__(self, furniture, sections, is_place, body_lines):
        self.furniture, self.sections, self.is_place = furniture, sections, is_place
        # A conversion without blank lines between paragraphs: a line ending a sentence ends its
        # paragraph, and a short line without sentence punctuation (a plain title) stands alone.
        filled = sorted(len(text) for _, text, _ in body_lines if text)
        self.dense = len(filled) >= DENSE_MIN_LINES and (len(body_lines) - len(filled)) * 10 < len(filled)
        self.short = filled[len(filled) * 3 // 4] * 4 // 5 if self.dense else 0  # shorter than a full line

    def _ends_paragraph(self, paragraph, following):
        """In a file without blank lines: whether the paragraph so far ends before ``following``."""
        previous = paragraph[-1][1]
        if following[:1] in NON_INITIAL:
            return False
        if PIPE_ROW.match(previous) and PIPE_ROW.match(following):
            return False
        widths = columns(previous), columns(following)
        if max(widths) >= 2:
            return widths[0] != widths[1]  # aligned columns: rows of one table go on
        complete = is_complete(previous)
        if LIST_ITEM.match(paragraph[0][1]):
            return not LIST_ITEM.match(following) and complete
        if complete:
            return True
        # A line shorter than a full one that ends no sentence is a plain title or subhead.
        return len(paragraph) == 1 and (len(previous) < self.short or looks_like_heading(previous))

    def blocks(self, lines):
        blocks, paragraph, lead = _Blocks(), [], []
        dense = self.dense

        def flush():
            if not paragraph:
                return
            texts = [t for _, t in paragraph]
            first_line = paragraph[0][0]
            paragraph.clear()
            table = table_rows(texts)
            if table:
                # level 1: the separator row is the parser's (the lines had no header row of their own)
                blocks.append(Block("table", "\n".join(table[0]), first_line, level=int(table[1])))
                return
            if LIST_ITEM.match(texts[0]):
                items = []
                for text in texts:
                    if LIST_ITEM.match(text) or not items:
                        items.append(text)
                    else:
                        items[-1] = join_broken(items[-1], text)
                blocks.append(Block("list", "\n".join(items), first_line))
                return
            text = texts[0]
            for more in texts[1:]:
                text = join_broken(text, more)
            # A dated 来源 line is the article's source line, not the figure's credit.
            credit = CREDIT.match(text) if len(text) <= MAX_CAPTION and not DATE_HINT.search(text) else None
            if credit and blocks and blocks[-1].kind == "figure" and not blocks[-1].credit:
                blocks[-1].credit = collapse_spaces(credit.group(1))  # 资料来源 under a caption
                return
            if len(texts) == 1 and is_numbered_subhead(text):
                blocks.append(Block("bold", collapse_spaces(text), first_line))
                return
            blocks.append(Block("text", text, first_line))

        def emit(block):
            flush()
            if lead:
                blocks.append(lead.pop())
            blocks.append(block)

        for position, (number, text, _) in enumerate(lines):
            if not text:
                flush()
                continue
            if self.furniture.drop(number, text):
                flush()
                blocks.page_break()
                continue
            label = alone_label(text) or section_heading(text, self.sections)
            if label is not None:
                if label in self.sections:
                    emit(Block("section", label, number))
                elif self.is_place(label):
                    flush()
                    if lead:
                        blocks.append(lead.pop())
                    lead.append(Block("text", f"【{label}】", number))
                else:
                    emit(Block("text", f"【{label}】", number))
                continue
            heading = HEADING.match(text)
            bold = BOLD_LINE.match(text)
            following = lines[position + 1][1] if position + 1 < len(lines) else ""
            if heading:
                emit(Block("heading", collapse_spaces(heading.group(2).strip("*")), number, len(heading.group(1))))
            elif bold:
                emit(Block("bold", collapse_spaces(bold.group(1)), number))
            elif (not paragraph or dense) and figure_caption(text, following) is not None:
                caption, credit = figure_caption(text, following)
                emit(Block("figure", caption, number, credit=credit))
            else:
                if paragraph and LIST_ITEM.match(text) and not LIST_ITEM.match(paragraph[0][1]):
                    flush()
                elif paragraph and bool(PIPE_ROW.match(paragraph[-1][1])) != bool(PIPE_ROW.match(text)):
                    flush()  # a table's rows and the text around it are different blocks
                elif paragraph and dense and self._ends_paragraph(paragraph, text):
                    flush()
                if lead and not paragraph:
                    text = lead.pop().text + text
                paragraph.append((number, text))
        flush()
        if lead:
            blocks.append(lead.pop())
        return list(blocks)


def article_leads(blocks, next_region, own_region=None):
    """(an article's blocks with its section markers read as region leads, [(marker dropped, why)]) (see
    the module's rules); ``next_region`` is the next article's section (None for the last article),
    ``own_region`` the article's own."""
    if blocks and blocks[-1].kind == "section" and blocks[-1].text == next_region:
        blocks = blocks[:-1]  # the next section's marker
    out, lead, dropped, broken = [], None, [], False
    for block in blocks:
        if block.kind == "section" and block.text == own_region:
            dropped.append((block, "文章所属栏目的标签单独成行（页眉）"))  # own section: furniture
            broken = True
            continue
        if broken:
            block, broken = replace(block, after_break=True), False
        if block.kind == "section":
            if lead:
                out.append(lead)
            lead = Block("text", f"【{block.text}】", block.line, after_break=block.after_break)
            continue
        if lead and block.kind == "text":
            block = replace(block, text=lead.text + block.text, line=lead.line, after_break=lead.after_break)
        elif lead:
            out.append(lead)
        lead = None
        out.append(block)
    if lead:
        dropped.append((lead, "标签后面没有段落"))  # after the last source line: no lead
    return out, dropped


class _Blocks(list):
    """A list of blocks that marks the first block after a page break."""

    broken = False

    def page_break(self):
        self.broken = True

    def append(self, block):
        if self.broken:
            block.after_break, self.broken = True, False
        super().append(block)
