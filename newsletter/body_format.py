"""Article bodies between their stored form (Markdown) and the admin editor's HTML.

The body stays Markdown: the archive's importer and exporter, revision diffs and the review change
summary are line-based on it. The editor (django-prose-editor, Tiptap) holds HTML in a small schema:

* blocks: ``<p>``, ``<h2>`` (小标题, Markdown ``#``), ``<h3>`` (二级小标题, Markdown ``##`` and deeper),
  ``<ul>``/``<ol [start]>`` with ``<li><p>…</p></li>``, ``<blockquote>`` holding the other blocks,
  ``<table><tbody><tr><th|td><p>…</p></th|td></tr></tbody></table>`` (the first row is the header row,
  as a Markdown table has one), ``<figure data-figure="N"></figure>`` (the article's N-th figure,
  Markdown ``[[figure:N]]`` alone on a line) and ``<img src="http(s)://…" alt="…">`` as its own block
  (an image pasted from elsewhere, not yet a figure: it is never stored);
* marks: ``<a href="http(s)|mailto:…">`` outside ``<strong>`` outside ``<em>``.

Both directions go through one block model: HTML, whatever its origin (the editor, a paste, a
hostile POST), is parsed with html5lib as a browser would and walked, keeping only that structure
and the text; everything else (scripts, styles, attributes, unknown tags) is dropped, so the walk
is the server-side allow-list. Text is escaped so that what was typed stays text: ``**x**``,
``# x``, ``1. x``, ``[[figure:1]]``, ``| a |``, ``<b>`` and ``\\`` typed in the editor are stored so
that they render as typed.

Whitespace follows what a browser shows: runs become one space, NBSP a space, and a line break
between two Chinese characters disappears (a browser's segment-break rule for Han text), so no
space is ever put between Chinese characters.
"""

import html as html_lib
import re
from dataclasses import dataclass, field

import html5lib

from . import rendering

# ---------------------------------------------------------------------------------------------
# The block model.


@dataclass(frozen=True)
class Marks:
    bold: bool = False
    italic: bool = False
    href: str | None = None


PLAIN = Marks()


@dataclass
class Paragraph:
    runs: list  # [(text, Marks)]


@dataclass
class Heading:
    level: int  # 2 or 3
    runs: list


@dataclass
class BulletList:
    ordered: bool
    items: list  # [runs]
    start: int = 1


@dataclass
class Quote:
    blocks: list = field(default_factory=list)


@dataclass
class Table:
    rows: list  # [[runs]]; the first row is the header


@dataclass
class FigureRef:
    number: int


@dataclass
class Image:
    src: str
    alt: str


# ---------------------------------------------------------------------------------------------
# Text and marks.

# Han ideographs, kana, Hangul, and the CJK and full-width punctuation that sits between them.
_CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff\u2018\u2019\u201c\u201d\u2026\u2014]"
)
_SPACE_CHARS = " \t\n\r\f\v\xa0\u2028\u2029"
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")
# Line breaks, Word's manual line break (U+000B) and form feeds among them.
_BREAK_CHARS = "\n\r\x0b\x0c\x85\u2028\u2029"


def _is_space(char):
    # U+3000 (ideographic space) is a character of Chinese text, not whitespace to collapse.
    return char in _SPACE_CHARS or (char.isspace() and char != "\u3000")


def _normalise_runs(runs):
    """Whitespace as a browser shows it, and no mark starting or ending with a space.

    A run of whitespace becomes one space, or nothing at the ends and where it holds a line break
    next to a Chinese character; a kept space carries only the marks both its neighbours have."""
    chars = [(ch, marks) for text, marks in runs for ch in _ZERO_WIDTH.sub("", text)]
    out = []
    i, n = 0, len(chars)
    while i < n:
        ch, marks = chars[i]
        if not _is_space(ch):
            out.append((ch, marks))
            i += 1
            continue
        j = i
        has_break = False
        while j < n and _is_space(chars[j][0]):
            has_break = has_break or chars[j][0] in _BREAK_CHARS
            j += 1
        if out and j < n:
            left, right = out[-1], chars[j]
            if not (has_break and (_CJK.match(left[0]) or _CJK.match(right[0]))):
                out.append((" ", _common(left[1], right[1])))
        i = j
    return _group(out)


def _common(a, b):
    return Marks(a.bold and b.bold, a.italic and b.italic, a.href if a.href == b.href else None)


def _group(chars):
    runs = []
    for ch, marks in chars:
        if runs and runs[-1][1] == marks:
            runs[-1][0].append(ch)
        else:
            runs.append(([ch], marks))
    return [("".join(text), marks) for text, marks in runs]


def _text_of(runs):
    return "".join(text for text, _ in runs)


def _join_runs(parts):
    """Several runs lists read as one (list item paragraphs, table cell paragraphs): joined by a
    line break, which the whitespace rule turns into a space or, next to Chinese, nothing."""
    joined = []
    for runs in parts:
        if joined and runs:
            joined.append(("\n", PLAIN))
        joined.extend(runs)
    return _normalise_runs(joined)


# ---------------------------------------------------------------------------------------------
# HTML → block model.

_SKIP = {
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed",
    "head", "title", "meta", "link", "base", "svg", "math", "select", "textarea", "button", "input",
    "option", "audio", "video", "canvas", "map", "xml", "applet", "noembed", "noframes", "param",
    "source", "track", "datalist", "dialog",
}  # fmt: skip
_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "center",
    "address", "figcaption", "dd", "dt", "dl", "pre", "details", "summary", "fieldset", "legend",
    "body", "html", "hgroup", "caption", "hr",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_LINK_SCHEMES = re.compile(r"^(https?://[^\s]+|mailto:[^\s]+)$", re.IGNORECASE)
_IMAGE_SRC = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_FIGURE_NUMBER = re.compile(r"^[1-9][0-9]{0,3}$")


def _local(tag):
    # html5lib's etree names elements "{namespace}tag".
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else None


class _Walker:
    def __init__(self, heading_levels):
        self.heading_levels = heading_levels
        self.blocks = []
        self.runs = []

    # Paragraph building.
    def flush(self):
        runs = _normalise_runs(self.runs)
        self.runs = []
        if runs:
            self.blocks.append(Paragraph(runs))

    def emit(self, block):
        self.flush()
        self.blocks.append(block)

    def inline_text(self, text, marks):
        if text:
            self.runs.append((text, marks))

    # The walk.
    def walk_children(self, element, marks):
        self.inline_text(element.text, marks)
        for child in element:
            self.walk(child, marks)
            self.inline_text(child.tail, marks)

    def walk(self, element, marks):
        tag = _local(element.tag)
        if tag is None or tag in _SKIP:  # comments, processing instructions, dangerous elements
            return
        if tag in ("strong", "b"):
            self.walk_children(element, Marks(True, marks.italic, marks.href))
        elif tag in ("em", "i"):
            self.walk_children(element, Marks(marks.bold, True, marks.href))
        elif tag == "a":
            href = _clean_href(element.get("href"))
            self.walk_children(element, Marks(marks.bold, marks.italic, marks.href or href))
        elif tag == "br":
            self.flush()
        elif tag in _HEADINGS:
            runs = _inline_runs(element, self)
            self.flush()
            if runs:
                self.blocks.append(Heading(self.heading_levels[tag], runs))
        elif tag in ("ul", "ol"):
            self.emit(self.list_of(element, tag == "ol"))
        elif tag == "li":  # outside a list
            self.flush()
            self.walk_children(element, PLAIN)
            self.flush()
        elif tag == "blockquote":
            inner = _Walker(self.heading_levels)
            inner.walk_children(element, PLAIN)
            inner.flush()
            self.flush()
            self.quote(inner.blocks)
        elif tag == "table":
            self.table(element)
        elif tag == "figure" and _FIGURE_NUMBER.match(element.get("data-figure") or ""):
            self.emit(FigureRef(int(element.get("data-figure"))))
        elif tag == "img":
            src = (element.get("src") or "").strip()
            if _IMAGE_SRC.match(src):
                self.emit(Image(src, _single_line(element.get("alt") or "")))
        elif tag in _BLOCKS or tag == "figure" or tag in ("tr", "td", "th", "tbody", "thead", "tfoot"):
            self.flush()
            self.walk_children(element, PLAIN if tag in _BLOCKS else marks)
            self.flush()
        else:  # span, font, u, sup, o:p and every unknown tag: its text, without it
            self.walk_children(element, marks)

    def quote(self, blocks):
        # A figure or an image cannot stand inside a quote (a marker there would not be placed):
        # it splits the quote. A quote inside a quote is one quote.
        current = Quote()
        for block in blocks:
            if isinstance(block, (FigureRef, Image)):
                if current.blocks:
                    self.blocks.append(current)
                    current = Quote()
                self.blocks.append(block)
            elif isinstance(block, Quote):
                current.blocks.extend(block.blocks)
            else:
                current.blocks.append(block)
        if current.blocks:
            self.blocks.append(current)

    def list_of(self, element, ordered):
        items = []
        start = 1
        if ordered and re.match(r"^[0-9]{1,6}$", (element.get("start") or "").strip()):
            start = max(1, int(element.get("start")))
        for child in element:
            tag = _local(child.tag)
            if tag == "li":
                nested = []
                items.append(_inline_runs(child, self, nested_lists=nested))
                items.extend(nested)
            elif tag in ("ul", "ol"):
                items.extend(self.list_of(child, tag == "ol").items)
            elif tag is not None and tag not in _SKIP:
                items.append(_inline_runs(child, self))
            if child.tail and child.tail.strip():
                items.append(_normalise_runs([(child.tail, PLAIN)]))
        return BulletList(ordered, [runs for runs in items if runs], start)

    def table(self, element):
        self.flush()
        rows = []
        for row in element.iter():
            if _local(row.tag) != "tr" or _inside_nested_table(element, row):
                continue
            cells = []
            for cell in row:
                if _local(cell.tag) in ("td", "th"):
                    runs = _inline_runs(cell, self)
                    span = _span(cell.get("colspan"))
                    cells.append(runs)
                    cells.extend([] for _ in range(span - 1))
            rows.append(cells)
        for caption in element:
            if _local(caption.tag) == "caption":
                runs = _inline_runs(caption, self)
                if runs:
                    self.blocks.append(Paragraph(runs))
        width = max((len(r) for r in rows), default=0)
        rows = [r + [[] for _ in range(width - len(r))] for r in rows]
        if width and any(cell for row in rows for cell in row):
            self.blocks.append(Table(rows))


def _inside_nested_table(table, row):
    # ``iter()`` also finds rows of a table inside a cell; those are read as the cell's text.
    parents = {child: parent for parent in table.iter() for child in parent}
    node = parents.get(row)
    while node is not None and node is not table:
        if _local(node.tag) == "table":
            return True
        node = parents.get(node)
    return False


def _span(value):
    try:
        return min(max(int(value), 1), 20)
    except (TypeError, ValueError):
        return 1


def _inline_runs(element, walker, nested_lists=None):
    """The text and marks of ``element`` as one line (a heading, a list item, a table cell): block
    boundaries inside it are line breaks. Lists inside a list item become items after it."""
    parts = []
    inner = _Walker(walker.heading_levels)

    def visit(node, marks):
        tag = _local(node.tag)
        if tag is None or tag in _SKIP:
            return
        if nested_lists is not None and tag in ("ul", "ol"):
            nested_lists.extend(inner.list_of(node, tag == "ol").items)
            return
        if tag in ("strong", "b"):
            marks = Marks(True, marks.italic, marks.href)
        elif tag in ("em", "i"):
            marks = Marks(marks.bold, True, marks.href)
        elif tag == "a":
            marks = Marks(marks.bold, marks.italic, marks.href or _clean_href(node.get("href")))
        elif tag == "img" or tag == "figure":
            return
        is_block = tag in _BLOCKS or tag in _HEADINGS or tag in ("li", "tr", "td", "th", "br", "blockquote", "table")
        if is_block:
            inner.runs.append(("\n", PLAIN))
        if node.text:
            inner.runs.append((node.text, marks))
        for child in node:
            visit(child, marks)
            if child.tail:
                inner.runs.append((child.tail, marks))
        if is_block:
            inner.runs.append(("\n", PLAIN))

    if element.text:
        inner.runs.append((element.text, PLAIN))
    for child in element:
        visit(child, PLAIN)
        if child.tail:
            inner.runs.append((child.tail, PLAIN))
    parts.append(inner.runs)
    return _join_runs(parts)


def _clean_href(value):
    href = (value or "").strip()
    href = "".join(ch for ch in href if ch >= " " and ch != "\x7f")
    if not _LINK_SCHEMES.match(href):
        return None
    return href


def _single_line(text):
    return " ".join(text.split())


def _merge_adjacent(blocks):
    """What Markdown cannot keep apart is one block: two lists of the same kind, two quotes."""
    merged = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if isinstance(block, BulletList) and isinstance(previous, BulletList) and previous.ordered == block.ordered:
            previous.items.extend(block.items)
        elif isinstance(block, Quote) and isinstance(previous, Quote):
            previous.blocks.extend(block.blocks)
        elif isinstance(block, BulletList) and not block.items:
            continue
        else:
            if isinstance(block, Quote):
                block.blocks = _merge_adjacent(block.blocks)
                if not block.blocks:
                    continue
            merged.append(block)
    return merged


EDITOR_LEVELS = {"h1": 2, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
# Markdown ``#`` is the editor's h2 (小标题), ``##`` and deeper its h3.
MARKDOWN_LEVELS = {"h1": 2, "h2": 3, "h3": 3, "h4": 3, "h5": 3, "h6": 3}


def parse_html(html, heading_levels=EDITOR_LEVELS):
    """Any HTML → the block model (see the module docstring)."""
    # Controls and zero-width characters go first: the HTML parser would turn NUL into U+FFFD.
    document = html5lib.parse(_ZERO_WIDTH.sub("", html or ""), treebuilder="etree", namespaceHTMLElements=False)
    body = document.find("body")
    walker = _Walker(heading_levels)
    if body is not None:
        walker.walk_children(body, PLAIN)
    walker.flush()
    return _merge_adjacent(walker.blocks)


# ---------------------------------------------------------------------------------------------
# Block model → Markdown.

_INLINE_ESCAPE = re.compile(r"([\\`*_\[\]])")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=[#A-Za-z0-9])")  # HTML reads &copy, &#1 without ";" too
_LINE_START = re.compile(r"^(#|>|[-+](?= |$)|[-+=]|(\d+)\.(?= |$))")


def _escape_text(text, in_table=False):
    text = _INLINE_ESCAPE.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)  # before the next line, which writes an entity itself
    text = _TAG_START.sub("&lt;", text)
    if in_table:
        text = text.replace("|", "\\|")
    return text


def _escape_line_start(line):
    match = _LINE_START.match(line)
    if not match:
        return line
    if match.group(2) is not None:
        return f"{match.group(2)}\\.{line[match.end() :]}"
    return "\\" + line if line[0] != "=" else line


def _href_for_markdown(href):
    return "".join(f"%{ord(ch):02X}" if ch in ' ()<>\\"`' else ch for ch in href)


def _inline_markdown(runs, in_table=False):
    """Runs → Markdown inline: links outside bold outside italic. An emphasis that would touch
    another one's asterisks is written as an HTML tag, which Markdown keeps and reads unambiguously."""
    pieces = []
    for href, group in _groups(runs, lambda m: m.href):
        inner = _bold_markdown(group, in_table)
        pieces.append(f"[{inner}]({_href_for_markdown(href)})" if href else inner)
    return "".join(pieces)


def _bold_markdown(runs, in_table):
    pieces = []
    for bold, group in _groups(runs, lambda m: m.bold):
        inner = _italic_markdown(group, in_table, inside_bold=bold)
        pieces.append(("**", inner, "**", "<strong>", "</strong>") if bold else (None, inner))
    return _join_emphasis(pieces)


def _italic_markdown(runs, in_table, inside_bold):
    pieces = []
    groups = _groups(runs, lambda m: m.italic)
    for index, (italic, group) in enumerate(groups):
        text = _escape_text(_text_of(group), in_table)
        if italic:
            at_edge = inside_bold and (index == 0 or index == len(groups) - 1)
            if at_edge:
                pieces.append((None, f"<em>{text}</em>"))
            else:
                pieces.append(("*", text, "*", "<em>", "</em>"))
        else:
            pieces.append((None, text))
    return _join_emphasis(pieces)


def _join_emphasis(pieces):
    out = ""
    for index, piece in enumerate(pieces):
        if piece[0] is None:
            out += piece[1]
            continue
        mark, inner, close, open_tag, close_tag = piece
        # A space at the edge of an emphasis (where a link ends inside bold text, say) goes
        # outside it: Markdown does not read "** x**" as bold.
        stripped = inner.strip(" ")
        lead, trail = inner[: len(inner) - len(inner.lstrip(" "))], inner[len(inner.rstrip(" ")) :]
        out += lead
        inner = stripped
        following = pieces[index + 1][1] if index + 1 < len(pieces) else ""
        touches = out.endswith("*") or (index + 1 < len(pieces) and pieces[index + 1][0] is not None)
        touches = touches or following.startswith("*") or inner.startswith("*") or inner.endswith("*")
        out += f"{open_tag}{inner}{close_tag}" if touches else f"{mark}{inner}{close}"
        out += trail
    return out


def _groups(runs, key):
    groups = []
    for text, marks in runs:
        value = key(marks)
        if groups and groups[-1][0] == value:
            groups[-1][1].append((text, marks))
        else:
            groups.append((value, [(text, marks)]))
    return groups


def _block_markdown(block):
    if isinstance(block, Paragraph):
        return _escape_line_start(_inline_markdown(block.runs))
    if isinstance(block, Heading):
        text = _inline_markdown(block.runs).replace("#", "\\#")
        return ("#" if block.level == 2 else "##") + " " + text
    if isinstance(block, BulletList):
        lines = []
        for offset, runs in enumerate(block.items):
            marker = f"{block.start + offset}." if block.ordered else "-"
            lines.append(f"{marker} {_escape_line_start(_inline_markdown(runs))}")
        return "\n".join(lines)
    if isinstance(block, Quote):
        inner = "\n\n".join(_block_markdown(b) for b in block.blocks)
        return "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))
    if isinstance(block, Table):
        lines = []
        for index, row in enumerate(block.rows):
            cells = [_inline_markdown(cell, in_table=True) or " " for cell in row]
            lines.append("| " + " | ".join(cells) + " |")
            if index == 0:
                lines.append("|" + "|".join(" --- " for _ in row) + "|")
        return "\n".join(lines)
    if isinstance(block, FigureRef):
        return f"[[figure:{block.number}]]"
    return ""  # an image not yet uploaded is not stored


def blocks_to_markdown(blocks):
    parts = [_block_markdown(block) for block in blocks]
    return "\n\n".join(part for part in parts if part)


# ---------------------------------------------------------------------------------------------
# Block model → editor HTML.


def _escape(text):
    return html_lib.escape(text, quote=True)


def _inline_html(runs):
    out = []
    for href, group in _groups(runs, lambda m: m.href):
        inner = []
        for bold, bold_group in _groups(group, lambda m: m.bold):
            italic_html = "".join(
                f"<em>{_escape(_text_of(g))}</em>" if italic else _escape(_text_of(g))
                for italic, g in _groups(bold_group, lambda m: m.italic)
            )
            inner.append(f"<strong>{italic_html}</strong>" if bold else italic_html)
        inner = "".join(inner)
        out.append(f'<a href="{_escape(href)}">{inner}</a>' if href else inner)
    return "".join(out)


def _block_html(block):
    if isinstance(block, Paragraph):
        return f"<p>{_inline_html(block.runs)}</p>"
    if isinstance(block, Heading):
        return f"<h{block.level}>{_inline_html(block.runs)}</h{block.level}>"
    if isinstance(block, BulletList):
        items = "".join(f"<li><p>{_inline_html(runs)}</p></li>" for runs in block.items)
        if block.ordered:
            start = f' start="{block.start}"' if block.start != 1 else ""
            return f"<ol{start}>{items}</ol>"
        return f"<ul>{items}</ul>"
    if isinstance(block, Quote):
        return "<blockquote>" + "".join(_block_html(b) for b in block.blocks) + "</blockquote>"
    if isinstance(block, Table):
        rows = []
        for index, row in enumerate(block.rows):
            tag = "th" if index == 0 else "td"
            rows.append("<tr>" + "".join(f"<{tag}><p>{_inline_html(cell)}</p></{tag}>" for cell in row) + "</tr>")
        return "<table><tbody>" + "".join(rows) + "</tbody></table>"
    if isinstance(block, FigureRef):
        return f'<figure data-figure="{block.number}"></figure>'
    return f'<img src="{_escape(block.src)}" alt="{_escape(block.alt)}">'


def blocks_to_html(blocks):
    return "".join(_block_html(block) for block in blocks)


# ---------------------------------------------------------------------------------------------
# The two conversions of the contract.


def _markdown_html(text):
    """The Markdown rendered as the public page renders it, figures as editor figure blocks."""
    parts = rendering.split_figure_markers((text or "").replace("\r\n", "\n"))
    html = []
    for part in parts:
        if isinstance(part, int):
            html.append(f'<figure data-figure="{part}"></figure>')
        elif part.strip():
            html.append(rendering.markdown_html(part))
    return "".join(html)


def markdown_to_editor_html(text):
    """A stored Markdown body → the editor's HTML (see the module docstring for its schema)."""
    return blocks_to_html(parse_html(_markdown_html(text), MARKDOWN_LEVELS))


def editor_html_to_markdown(html):
    """Any HTML (from the editor, a paste or a hostile POST) → canonical Markdown, keeping only the
    allowed structure and the text. Images not yet uploaded as figures are left out: see
    ``external_images``."""
    return blocks_to_markdown(parse_html(html))


def canonical_markdown(text):
    """The form the editor stores ``text`` in (Markdown → editor → Markdown); idempotent."""
    return blocks_to_markdown(parse_html(_markdown_html(text), MARKDOWN_LEVELS))


def external_images(html):
    """The addresses of the images in ``html`` that are not figures yet (they would not be stored)."""
    found = []

    def collect(blocks):
        for block in blocks:
            if isinstance(block, Image):
                found.append(block.src)
            elif isinstance(block, Quote):
                collect(block.blocks)

    collect(parse_html(html))
    return found
