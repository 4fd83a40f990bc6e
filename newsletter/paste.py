"""What an editor pastes into an article body → HTML in the editor's schema. Pure: no database.

``clean_pasted(html, text)`` takes both flavours of a clipboard. The HTML one (Word, WPS, WeChat, news
and government sites, Google Docs) is read by ``paste_html.build`` into paragraphs, headings, lists,
quotes, tables, links and images, and everything else is left behind (styles, classes, fonts, Office
XML, comments, scripts, frames, tracking pixels, unsafe links, empty spacer paragraphs). A clipboard
with text only (a PDF viewer) is re-joined into paragraphs by the archive importer's rule for lines a
page or line break cut (``importing.text.continues``).

Text goes through the rules every text entering the system does (``text_input``), and then white
space is collapsed the way a browser shows it, except that a line break in the source or the space
between two elements never becomes a space between two Chinese characters.

What the editor receives:

* blocks ``p``, ``h2``, ``h3``, ``ul``/``ol`` > ``li`` > ``p`` (nested lists in items),
  ``blockquote`` > ``p``, ``table`` > ``tbody`` > ``tr`` > ``th``/``td`` > ``p``, and
  ``<img src="http(s)://…" alt="…">`` on its own (a caption is the short paragraph after it);
* marks ``strong``, ``em`` and ``a href`` (http, https, mailto).
"""

import re
from html import escape

from .importing.text import continues, join_broken
from .paste_chrome import drop_account_chrome
from .paste_html import Container, Image, Para, Run, build
from .text_input import multi_line

_CJK = re.compile(
    r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)  # noqa: E501
# Punctuation Chinese text shares with others: no space next to a Chinese character either.
_SHARED_PUNCTUATION = set("“”‘’…—·")
_TOKENS = re.compile(r"\s+|\S+")
# A line that starts something of its own in plain text: a bullet or number, or a region lead.
_LINE_START = re.compile(r"^(?:[-*+•·●▪■◆]\s*|\d{1,3}[.、)）]\s*|[（(]\d{1,2}[）)]|【[^【】\s]{1,20}】)")


def clean_pasted(html: str, text: str = "") -> str:
    """Both flavours of a clipboard → editor HTML (see the module docstring); "" if nothing is left."""
    html, text = html or "", text or ""
    if html.strip():
        result = _clean_html(html)
        if result or not text.strip():
            return result
    return _clean_text(text)


# ---------------------------------------------------------------------- HTML
def _clean_html(html):
    doc = build(html)
    _normalise(doc)
    doc.children = drop_account_chrome(doc.children, node_text)
    return "".join(_block(node) for node in doc.children)


def _normalise(doc):
    """Every paragraph's runs normalised and merged; empty paragraphs, items and containers removed."""
    order, stack = [], [doc]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(child for child in node.children if isinstance(child, Container))
    for node in reversed(order):  # children before their parents
        kept = []
        for child in node.children:
            if isinstance(child, Para):
                child.runs = _runs(child.runs)
                if child.runs:
                    kept.append(child)
            elif isinstance(child, Image) or child.children or child.after:
                kept.append(child)
        node.children = kept


def _is_cjk(char):
    return bool(_CJK.match(char))


def _joins_tight(before, after):
    """Whether a break between these two characters shows as nothing (Chinese text) or as a space."""
    if _is_cjk(before):
        return _is_cjk(after) or after in _SHARED_PUNCTUATION
    return before in _SHARED_PUNCTUATION and _is_cjk(after)


def _runs(runs):
    """Runs with normalised text: spaces collapsed, none between Chinese characters where the source
    broke a line or ended an element, trimmed, adjacent runs with the same marks merged."""
    tokens = []  # [text, run] or [None, soft] for white space
    for run in runs:
        raw = run.text
        only_space = not raw.strip(" \t\r\n\f\xa0")
        soft_run = only_space and "\xa0" not in raw
        text = multi_line(raw)
        for piece in _TOKENS.findall(text):
            if piece.isspace():
                soft = soft_run or "\n" in piece
                if tokens and tokens[-1][0] is None:
                    tokens[-1][1] = tokens[-1][1] and soft
                else:
                    tokens.append([None, soft])
            else:
                tokens.append([piece, run])
    while tokens and tokens[0][0] is None:
        tokens.pop(0)
    while tokens and tokens[-1][0] is None:
        tokens.pop()
    out, pieces = [], []  # pieces of the last run in ``out``, joined once at the end (linear)
    for index, (piece, value) in enumerate(tokens):
        if piece is None:
            before, after = tokens[index - 1][0], tokens[index + 1][0]
            if value and _joins_tight(before[-1], after[0]):
                continue
            piece, value = " ", tokens[index - 1][1]
        if out and _same_marks(out[-1], value):
            pieces.append(piece)
        else:
            if out:
                out[-1].text = "".join(pieces)
            out.append(Run("", value.bold, value.italic, value.href))
            pieces = [piece]
    if out:
        out[-1].text = "".join(pieces)
    return out


def _same_marks(a, b):
    return (a.bold, a.italic, a.href) == (b.bold, b.italic, b.href)


def node_text(node):
    """The plain text of one block, for the chrome rules."""
    if isinstance(node, Image):
        return ""
    if isinstance(node, Para):
        return "".join(run.text for run in node.runs)
    parts, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Para):
            parts.append("".join(run.text for run in current.runs))
        elif isinstance(current, Container):
            stack.extend(reversed(current.children))
    return " ".join(parts)


def _inline(runs):
    html = []
    for run in runs:
        piece = escape(run.text, quote=False)
        if run.italic:
            piece = f"<em>{piece}</em>"
        if run.bold:
            piece = f"<strong>{piece}</strong>"
        if run.href:
            piece = f'<a href="{escape(run.href)}">{piece}</a>'
        html.append(piece)
    return "".join(html)


def _paragraph(para, kind=None):
    kind = kind or para.kind
    if kind == "p":
        return f"<p>{_inline(para.runs)}</p>"
    return f"<{kind}>{escape(''.join(run.text for run in para.runs), quote=False)}</{kind}>"


def _image(image):
    alt = f' alt="{escape(image.alt)}"' if image.alt else ""
    return f'<img src="{escape(image.src)}"{alt}>'


def _block(node):
    if isinstance(node, Para):
        html = _paragraph(node)
    elif isinstance(node, Image):
        return _image(node)
    elif node.kind == "list":
        html = _list(node)
    elif node.kind == "quote":
        html = "<blockquote>" + "".join(_paragraph(p, "p") for p in _paragraphs(node)) + "</blockquote>"
    elif node.kind == "table":
        html = _table(node)
    else:  # an item or cell left at the top by malformed markup
        html = "".join(_paragraph(p, "p") for p in _paragraphs(node))
    return html + "".join(_image(image) for image in _images_after(node))


def _paragraphs(node):
    """Every paragraph inside ``node``, in order (a quote or cell holds paragraphs only)."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Para):
            found.append(current)
        elif isinstance(current, Container):
            stack.extend(reversed(current.children))
    return found


def _images_after(node):
    images, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Container):
            images.extend(current.after)
            stack.extend(reversed(current.children))
    return images


def _list(node):
    items = []
    for item in _flatten_items(node):
        parts = []
        for child in item.children:
            if isinstance(child, Para):
                parts.append(_paragraph(child, "p"))
            elif isinstance(child, Container) and child.kind == "list":
                parts.append(_list(child))
        if parts:
            items.append(f"<li>{''.join(parts)}</li>")
    if not items:
        return ""
    tag = "ol" if node.ordered else "ul"
    return f"<{tag}>{''.join(items)}</{tag}>"


def _flatten_items(node):
    """The list's items; an item holding only a list (no text of its own) gives up its items instead."""
    for item in node.children:
        if not isinstance(item, Container):
            continue
        if item.kind == "item" and not any(isinstance(child, Para) for child in item.children):
            for child in item.children:
                if isinstance(child, Container) and child.kind == "list":
                    yield from _flatten_items(child)
        elif item.kind == "item":
            yield item


def _table(node):
    rows = []
    for row in node.children:
        if isinstance(row, Container) and row.kind == "row":
            cells = [cell for cell in row.children if isinstance(cell, Container) and cell.kind == "cell"]
            if any(_paragraphs(cell) for cell in cells):
                rows.append(cells)
    if not rows:
        return ""
    width = max(len(cells) for cells in rows)
    if width == 1:  # a layout table: one column of text
        return "".join(_paragraph(p, "p") for cells in rows for p in _paragraphs(cells[0]))
    html = []
    for cells in rows:
        parts = []
        for cell in cells + [None] * (width - len(cells)):
            tag = "th" if cell is not None and cell.header else "td"
            paragraphs = _paragraphs(cell) if cell is not None else []
            inner = "".join(_paragraph(p, "p") for p in paragraphs) or "<p></p>"
            parts.append(f"<{tag}>{inner}</{tag}>")
        html.append(f"<tr>{''.join(parts)}</tr>")
    return f"<table><tbody>{''.join(html)}</tbody></table>"


# ---------------------------------------------------------------------- plain text
def _clean_text(text):
    """Plain text (a PDF viewer's copy): lines a layout broke are re-joined into paragraphs."""
    paragraphs, current = [], ""
    for line in multi_line(text).split("\n"):
        line = " ".join(line.split())
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
        elif current and not _LINE_START.match(line) and continues(current, line):
            current = join_broken(current, line)
        else:
            if current:
                paragraphs.append(current)
            current = line
    if current:
        paragraphs.append(current)
    return "".join(f"<p>{escape(paragraph, quote=False)}</p>" for paragraph in paragraphs)
