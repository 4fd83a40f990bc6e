"""mammoth's HTML of a Word issue → blocks (headings, paragraphs, lists, tables, pictures) in
Markdown's inline form, for ``docx`` to write out as print text. Pure: no database.

mammoth writes a small, regular HTML (no attributes but ``src``, ``alt`` and ``href``, no formatting
white space): paragraphs and headings with ``strong``/``em``/``a``/``br`` inside, ``ul``/``ol``/``li``
(nested lists inside items), ``table``/``tr``/``td``/``th`` holding paragraphs, and ``img``. A picture
comes out as a block of its own after the block it stood in.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Block:
    kind: str  # heading, para, list, table, image
    text: str = ""
    level: int = 0
    rows: list = field(default_factory=list)  # a table's rows of cell texts
    image: int = -1


class Walker(HTMLParser):
    """mammoth's HTML (no attributes but src/alt/href, no formatting white space) → blocks."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.runs = None  # [(text, bold, italic)] of the paragraph, item or cell being read
        self.bold = self.italic = 0
        self.href = None
        self.link_start = 0
        self.lists = []  # [[ordered, counter]] of the open lists
        self.list_lines = []
        self.tables = []  # [rows] of the open tables (nested ones are read into their cell)
        self.pending_images = []
        self.heading = 0

    @classmethod
    def blocks_of(cls, html):
        walker = cls()
        walker.feed(html)
        walker.close()
        walker._flush_images()
        return walker.out

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.BLOCKS:
            if self.tables or self.lists:
                if self.runs and tag != "p":
                    self.runs.append(("\n", False, False))
                elif self.runs is None:
                    self.runs = []
                elif self.runs:
                    self.runs.append(("\n", False, False))
            else:
                self.runs = []
            self.heading = int(tag[1]) if tag != "p" else 0
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "a":
            self.href = attrs.get("href") or None
            self.link_start = len(self.runs) if self.runs is not None else 0
        elif tag == "br":
            self._text("\n")
        elif tag == "img":
            src = attrs.get("src") or ""
            if src.startswith("docx-image:"):
                self.pending_images.append(int(src.split(":", 1)[1]))
        elif tag in ("ul", "ol"):
            if self.lists and self.runs:
                self._list_line()
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            if self.lists:
                self.lists[-1][1] += 1
            self.runs = []
        elif tag == "table":
            if not self.tables:
                self.tables.append([])
            else:
                self.tables.append(None)  # nested: its text goes into the outer cell
        elif tag == "tr" and self.tables and self.tables[-1] is not None:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1] is not None:
            self.runs = []

    def handle_endtag(self, tag):
        if tag in self.BLOCKS and not self.tables and not self.lists:
            text = inline_markdown(self.runs or [])
            if self.heading:
                self.out.append(Block("heading", " ".join(text.split()).replace("**", ""), level=self.heading))
            elif text.strip():
                self.out.append(Block("para", text))
            self.runs = None
            self.heading = 0
            self._flush_images()
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "a":
            self._close_link()
        elif tag == "li":
            if self.runs:
                self._list_line()
            self.runs = None
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                if self.list_lines:
                    self.out.append(Block("list", "\n".join(self.list_lines)))
                self.list_lines = []
                self._flush_images()
        elif tag in ("td", "th") and self.tables and self.tables[-1] is not None:
            if self.tables[-1]:
                self.tables[-1][-1].append(inline_markdown(self.runs or []))
            self.runs = None
        elif tag == "table" and self.tables:
            rows = self.tables.pop()
            if not self.tables and rows is not None:
                self.out.append(Block("table", rows=[row for row in rows if row]))
                self._flush_images()

    def handle_data(self, data):
        self._text(data)

    def _text(self, text):
        if self.runs is None:
            self.runs = []
        self.runs.append((text, self.bold > 0, self.italic > 0))

    def _close_link(self):
        href, self.href = self.href, None
        if not href or not re.match(r"^(?:https?://|mailto:)", href) or self.runs is None:
            return
        start = self.link_start
        label = "".join(text for text, _, _ in self.runs[start:]).strip()
        if label and label != href:
            self.runs[start:] = [(f"[{label}]({href.replace(' ', '%20').replace(')', '%29')})", False, False)]

    def _list_line(self):
        ordered, counter = self.lists[-1]
        marker = f"{counter}. " if ordered else "- "
        text = inline_markdown(self.runs)
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if lines:
            indent = "  " * (len(self.lists) - 1)
            self.list_lines.append(indent + marker + lines[0])
            self.list_lines += lines[1:]
        self.runs = []

    def _flush_images(self):
        if self.tables or self.lists or self.runs:
            return
        for index in self.pending_images:
            self.out.append(Block("image", image=index))
        self.pending_images = []


def inline_markdown(runs):
    """Runs → one Markdown line (or several, where the paragraph had line breaks)."""
    merged = []
    for text, bold, italic in runs:
        if merged and merged[-1][1:] == (bold, italic) and text != "\n" and merged[-1][0] != "\n":
            merged[-1] = (merged[-1][0] + text, bold, italic)
        else:
            merged.append((text, bold, italic))
    whole_bold = all(bold for text, bold, _ in merged if text.strip())
    pieces = []
    for text, bold, italic in merged:
        core = text.strip()
        if not core or text == "\n":
            pieces.append(text)
            continue
        lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        if italic:
            core = f"*{core}*"
        if bold and not whole_bold:
            core = f"**{core}**"
        pieces.append(lead + core + tail)
    out = "".join(pieces)
    lines = [" ".join(line.split()) for line in out.split("\n")]
    text = "\n".join(line for line in lines if line)
    if whole_bold and text and "\n" not in text:
        text = f"**{text}**"
    return text
