"""Any HTML → the block model of ``newsletter.body_blocks``: the server-side allow-list of the
article body.

The HTML (from the editor, a paste, a hostile POST) is parsed with html5lib as a browser would and
walked, keeping only paragraphs, two heading levels, lists, quotes, tables, figure blocks and
outside images, with bold, italic and http(s)/mailto links; everything else (scripts, styles,
attributes, unknown tags) is dropped, its text kept where a reader would have seen it.
"""

import re

import html5lib

from .body_blocks import (
    PLAIN,
    ZERO_WIDTH,
    BulletList,
    FigureRef,
    Heading,
    Image,
    Marks,
    Paragraph,
    Quote,
    Table,
    join_runs,
    normalise_runs,
)

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
        runs = normalise_runs(self.runs)
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
                items.append(normalise_runs([(child.tail, PLAIN)]))
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
    return join_runs(parts)


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
    document = html5lib.parse(ZERO_WIDTH.sub("", html or ""), treebuilder="etree", namespaceHTMLElements=False)
    body = document.find("body")
    walker = _Walker(heading_levels)
    if body is not None:
        walker.walk_children(body, PLAIN)
    walker.flush()
    return _merge_adjacent(walker.blocks)
