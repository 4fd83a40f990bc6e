"""Clipboard HTML → a small document tree in the editor's schema (see ``newsletter/paste.py``).

One pass over the parser's events (``html.parser``, the standard library's tolerant tokenizer), with a
stack of open elements and a stack of open output containers; nothing recurses over the input, so
10 000 nested elements cost what 10 000 siblings cost. What each input element means is decided from
the element alone (its tag, ``style`` and a few class names) and what is already open above it:

* structure is kept when the schema can hold it where it stands: lists in lists, paragraphs in quotes
  and table cells, tables and quotes at the top; anything else becomes plain paragraphs;
* Word and WPS lists are paragraphs with ``mso-list: lN levelN``; their bullet or number run (in
  ``<![if !supportLists]>`` or ``<span style="mso-list:Ignore">``) is read to choose ``ul``/``ol`` and
  then dropped;
* bold and italic come from ``b/strong/i/em`` and from inline ``font-weight``/``font-style`` (WeChat,
  Google Docs), the innermost declaration winning: ``<b style="font-weight:normal">`` is not bold.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .paste_input import bold_from_style, clean_url, image_from, italic_from_style, tame

# Elements whose whole content goes, not just their tags.
DROP_CONTENT = {
    "head", "title", "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "canvas", "video", "audio", "map", "select", "option",
    "textarea", "button", "input", "nav", "aside", "menu", "dialog", "xml", "o:p", "meta", "link",
}  # fmt: skip
VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "param", "source",
        "track", "wbr", "basefont", "frame", "keygen"}  # fmt: skip
# Elements that start and end a paragraph of their own.
BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "address", "center", "figure",
    "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "pre", "form", "fieldset", "legend",
    "hr", "br", "body", "html", "details", "summary", "hgroup",
}  # fmt: skip
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}
# Opening one of these closes an open one of its group first (HTML's implied end tags), but not across
# the stoppers: an inner list's item does not close the outer list's.
IMPLIED_END = {
    "p": ({"p"}, BLOCK - {"p"}),
    "li": ({"li"}, {"ul", "ol", "table"}),
    "dt": ({"dt", "dd"}, {"dl", "table"}),
    "dd": ({"dt", "dd"}, {"dl", "table"}),
    "tr": ({"tr"}, {"table"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
}
MAX_DEPTH = 400
IMPLIED_SCAN = 40  # how far up an implied end tag is looked for: keeps hostile nesting linear
MAX_LIST_DEPTH = 4
# A paragraph-like block that is not a list item ends the Word list being continued.
WORD_LIST_ENDERS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "li"}

# WeChat's cards and QR blocks, recognised by the names the platform and layout tools give them.
CHROME_CLASS = re.compile(r"mp_?profile|mpprofile|qr_?code|qrcode|qr-code|js_uneditable|mp-miniprogram", re.I)
_MSO_LIST = re.compile(r"mso-list\s*:\s*(l\d+)\s+level(\d+)", re.I)
_WORD_TITLE = re.compile(r"\bMso(?:Title|Subtitle)\b", re.I)  # Word's 标题 and 副标题 styles
_MSO_IGNORE = re.compile(r"mso-list\s*:\s*ignore", re.I)
_HIDDEN = re.compile(r"(?<![-\w])(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_ORDERED_MARKER = re.compile(
    r"^\s*[(（]?\s*(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6}|[一二三四五六七八九十百]{1,4})\s*[.．、)）]"
)


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass
class Para:
    kind: str = "p"  # p, h2, h3
    runs: list = field(default_factory=list)


@dataclass
class Image:
    src: str
    alt: str = ""


@dataclass
class Container:
    kind: str  # doc, list, item, quote, table, row, cell, caption
    children: list = field(default_factory=list)
    ordered: bool | None = None  # lists
    header: bool = False  # cells
    after: list = field(default_factory=list)  # images met inside a top-level block, placed after it


@dataclass
class Frame:
    tag: str
    drop: bool = False
    bold: bool = False
    italic: bool = False
    href: str = ""
    heading: str = ""
    marker: bool = False
    opened: Container | None = None  # the output container this element opened, closed with it
    word_item: bool = False


class Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.doc = Container("doc")
        self.frames = [Frame("#root")]
        self.open_counts = {}
        self.containers = [self.doc]
        self.para = None  # the paragraph text is going into, created by the first text after a break
        self.skipping_marker = 0  # depth of <![if !supportLists]> sections
        self.marker_text = []
        self.word_lists = []  # [(level, Container)] of the Word list being continued
        self.word_item_pending = None
        self.list_depth = 0

    # ------------------------------------------------------------------ tree plumbing
    @property
    def top(self):
        return self.frames[-1]

    def _break(self):
        self.para = None

    def _push_container(self, frame, kind, **kwargs):
        self._break()
        node = Container(kind, **kwargs)
        self._attach(node)
        self.containers.append(node)
        frame.opened = node
        return node

    def _attach(self, node):
        self.containers[-1].children.append(node)

    def _pop_frame(self):
        frame = self.frames.pop()
        self.open_counts[frame.tag] -= 1
        if frame.opened is not None:
            self._break()
            while True:
                node = self.containers.pop()
                if node.kind == "list":
                    self.list_depth -= 1
                if node is frame.opened:
                    break
        if frame.tag in BLOCK:
            self._break()

    def _in_container(self, *kinds):
        return self.containers[-1].kind in kinds

    # ------------------------------------------------------------------ events
    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        parent = self.top
        if tag in IMPLIED_END and not parent.drop:
            self._close_implied(tag)
            parent = self.top
        void = tag in VOID
        if parent.drop or (self.skipping_marker and tag != "br"):
            if not void:
                self._push(Frame(tag, drop=True, marker=parent.marker))
            return
        style = attrs.get("style") or ""
        classes = attrs.get("class") or ""
        if (
            tag in DROP_CONTENT
            or tag.startswith("mp-")
            or CHROME_CLASS.search(classes)
            or CHROME_CLASS.search(attrs.get("data-pluginname") or "")
            or _HIDDEN.search(style)
        ):
            if not void:
                self._push(Frame(tag, drop=True))
            return
        if _MSO_IGNORE.search(style):
            if not void:
                self._push(Frame(tag, drop=True, marker=True))
            return
        if tag == "img":
            found = image_from(attrs)
            if found:
                self._add_image(Image(*found))
            return
        if tag in BLOCK:
            self._break()
        if void:
            return
        if len(self.frames) > MAX_DEPTH:
            return  # its text goes on into the deepest element kept; its end tag finds nothing to close
        frame = Frame(tag, bold=parent.bold, italic=parent.italic, href=parent.href, heading=parent.heading)
        if tag in ("b", "strong"):
            frame.bold = True
        elif tag in ("i", "em", "cite", "dfn"):
            frame.italic = True
        elif tag == "a":
            frame.href = clean_url(attrs.get("href"))
        elif tag in HEADINGS and self._in_container("doc"):
            frame.heading = HEADINGS[tag]
        elif tag == "p" and self._in_container("doc") and _WORD_TITLE.search(classes):
            frame.heading = "h3" if "sub" in classes.lower() else "h2"
        frame.bold = bold_from_style(style, frame.bold)
        frame.italic = italic_from_style(style, frame.italic)
        self._open_structure(frame, tag, style)
        self._push(frame)

    def _push(self, frame):
        self.frames.append(frame)
        self.open_counts[frame.tag] = self.open_counts.get(frame.tag, 0) + 1

    def _close_implied(self, tag):
        group, stoppers = IMPLIED_END[tag]
        if not any(self.open_counts.get(name) for name in group):
            return
        for index in range(len(self.frames) - 1, max(0, len(self.frames) - IMPLIED_SCAN), -1):
            name = self.frames[index].tag
            if name in group:
                while len(self.frames) > index:
                    self._pop_frame()
                return
            if name in stoppers:
                return

    def _open_structure(self, frame, tag, style):
        word = _MSO_LIST.search(style) if tag in ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6") else None
        if word and self._in_container("doc"):
            frame.heading = ""
            self._open_word_item(frame, int(word.group(2)))
            return
        if tag in WORD_LIST_ENDERS and self._in_container("doc"):
            self.word_lists = []
        if tag in ("ul", "ol", "dl"):
            if self.list_depth >= MAX_LIST_DEPTH:
                return
            if self._in_container("doc", "item"):
                self._push_container(frame, "list", ordered=tag == "ol")
                self.list_depth += 1
            elif self._in_container("list"):
                item = self._push_container(frame, "item")
                self.containers.append(Container("list", ordered=tag == "ol"))
                item.children.append(self.containers[-1])
                self.list_depth += 1
        elif tag in ("li", "dt", "dd"):
            if self._in_container("list"):
                self._push_container(frame, "item")
        elif tag == "blockquote":
            if self._in_container("doc"):
                self._push_container(frame, "quote")
        elif tag == "table":
            if self._in_container("doc"):
                self._push_container(frame, "table")
        elif tag == "caption":
            if self._in_container("table"):  # its text goes before the table, as a paragraph
                self._break()
                caption = Container("caption")
                self.containers[-2].children.insert(-1, caption)
                self.containers.append(caption)
                frame.opened = caption
        elif tag == "tr":
            if self._in_container("table"):
                self._push_container(frame, "row")
        elif tag in ("td", "th"):
            if self._in_container("table"):
                self._push_container(Frame("#row"), "row")
            if self._in_container("row"):
                self._push_container(frame, "cell", header=tag == "th")

    def _open_word_item(self, frame, level):
        level = min(level, MAX_LIST_DEPTH)
        self.marker_text = []
        while self.word_lists and self.word_lists[-1][0] > level:
            self.word_lists.pop()
        if not self.word_lists or self.word_lists[-1][0] < level:
            node = Container("list")
            parent = self.word_lists[-1][1].children[-1] if self.word_lists else self.doc
            parent.children.append(node)
            self.word_lists.append((level, node))
        lst = self.word_lists[-1][1]
        self._break()
        item = Container("item")
        lst.children.append(item)
        self.containers.append(item)
        frame.opened = item
        frame.word_item = True
        self.word_item_pending = lst

    def handle_endtag(self, tag):
        if not self.open_counts.get(tag):
            if tag in ("p", "br"):
                self._break()  # </p> alone is an empty paragraph, </br> a line break
            return
        while self.frames[-1].tag != tag:
            self._pop_frame()
        self._pop_frame()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open_counts.get(tag):
            self.handle_endtag(tag)

    def unknown_decl(self, data):
        self._conditional(data)

    def handle_comment(self, data):
        # Downlevel-revealed conditional comments (<!--[if !supportLists]-->…<!--[endif]-->) and every other
        # comment: the markers count, the rest goes.
        if data.startswith("[") and data.endswith("]"):
            self._conditional(data[1:-1])

    def _conditional(self, data):
        data = data.strip().lower()
        if data.startswith("if") and "supportlists" in data.replace(" ", ""):
            self.skipping_marker += 1
        elif data.startswith("endif") and self.skipping_marker:
            self.skipping_marker -= 1

    def handle_data(self, data):
        frame = self.top
        if self.skipping_marker or frame.marker:
            self.marker_text.append(data)
            return
        if frame.drop:
            return
        if self.word_item_pending is not None and data.strip():
            self._settle_word_list_type()
        if not data.strip(" \t\r\n\f") and self.para is None:
            return
        if self.para is None:
            self.para = Para(frame.heading or "p")
            self._place(self.para)
        self.para.runs.append(Run(data, frame.bold, frame.italic, frame.href))

    def _settle_word_list_type(self):
        lst, self.word_item_pending = self.word_item_pending, None
        if lst.ordered is None:
            lst.ordered = bool(_ORDERED_MARKER.match("".join(self.marker_text).replace("\xa0", " ")))
        self.marker_text = []

    def _place(self, node):
        """Put a new paragraph where text is: in the open item, quote or cell, or at the top."""
        container = self.containers[-1]
        if container.kind == "list":
            container = Container("item")
            self.containers[-1].children.append(container)
            self.containers.append(container)  # closed with the list
        elif container.kind in ("table", "row"):
            if container.kind == "table":
                row = Container("row")
                container.children.append(row)
                self.containers.append(row)
            cell = Container("cell")
            self.containers[-1].children.append(cell)
            self.containers.append(cell)
            container = cell
        container.children.append(node)

    def _add_image(self, image):
        self._break()
        if len(self.containers) == 1:
            self.doc.children.append(image)
        else:
            self.containers[1].after.append(image)


def build(html):
    """Clipboard HTML → the top-level ``Container``; never raises on malformed input."""
    builder = Builder()
    builder.feed(tame(html))
    builder.close()
    return builder.doc
