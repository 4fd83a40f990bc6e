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

Both directions go through one block model (``body_blocks``): HTML, whatever its origin (the
editor, a paste, a hostile POST), is parsed and walked by ``body_parse``, keeping only that
structure and the text, so the walk is the server-side allow-list; Markdown is first rendered as
the public page renders it, then walked the same way. This module writes the blocks out, as
Markdown and as editor HTML. Text is escaped so that what was typed stays text: ``**x**``,
``# x``, ``1. x``, ``[[figure:1]]``, ``| a |``, ``<b>`` and ``\\`` typed in the editor are stored so
that they render as typed.
"""

import html as html_lib
import re

from . import rendering
from .body_blocks import BulletList, FigureRef, Heading, Image, Paragraph, Quote, Table, group_runs, text_of
from .body_parse import MARKDOWN_LEVELS, parse_html

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
    for href, group in group_runs(runs, lambda m: m.href):
        inner = _bold_markdown(group, in_table)
        pieces.append(f"[{inner}]({_href_for_markdown(href)})" if href else inner)
    return "".join(pieces)


def _bold_markdown(runs, in_table):
    pieces = []
    for bold, group in group_runs(runs, lambda m: m.bold):
        inner = _italic_markdown(group, in_table, inside_bold=bold)
        pieces.append(("**", inner, "**", "<strong>", "</strong>") if bold else (None, inner))
    return _join_emphasis(pieces)


def _italic_markdown(runs, in_table, inside_bold):
    pieces = []
    groups = group_runs(runs, lambda m: m.italic)
    for index, (italic, group) in enumerate(groups):
        text = _escape_text(text_of(group), in_table)
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
    for href, group in group_runs(runs, lambda m: m.href):
        inner = []
        for bold, bold_group in group_runs(group, lambda m: m.bold):
            italic_html = "".join(
                f"<em>{_escape(text_of(g))}</em>" if italic else _escape(text_of(g))
                for italic, g in group_runs(bold_group, lambda m: m.italic)
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
