"""A Word file (.docx) laid out like the print edition → ``IssueData``, through mammoth.

mammoth turns the document into plain HTML (the style map below keeps headings, bold, italics,
lists, tables and pictures, and drops fonts and colours); this module writes that HTML out in the
print-text form and hands it to the same parser a .txt goes to, so a Word issue follows every rule
a text issue does:

* Heading 1–6 (and the Title/Subtitle styles) → ``#`` … ``######`` lines; a paragraph wholly in
  bold → a ``**bold**`` line (a subheading); bold and italic inside a paragraph stay Markdown;
* a list → ``- item`` / ``1. item`` lines (a line break inside an item keeps its line: the table
  of contents is a list whose items hold several titles); a paragraph ``【上海】 title`` before the
  first section marker is a table-of-contents entry too, as is an unmarked item after one in a list;
* a table → the article body gets it as a Markdown table, untouched by the parser (it goes through
  as a placeholder paragraph and is put back after); a table holding the masthead (主办/编辑 …)
  and a one-column (layout) table are read as their paragraphs;
* a picture → a figure of the issue, with its image. Its caption is the 「图 N …」 line right after
  it (or right before it); a picture with no such line gets its alt text, else 「图 N」 (N counting
  the document's pictures), as caption, and a notice. The image bytes ride on ``FigureData.image``;
  the runner stores them through the upload rules once the figures are written.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

import mammoth

from .parser import parse_text
from .schema import ImportFailure, Notice

MAX_UNPACKED = 200 * 1024 * 1024  # a .docx that unpacks to more is not an issue of a newsletter
STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => h2:fresh
p[style-name='List Bullet'] => ul > li:fresh
p[style-name='List Number'] => ol > li:fresh
p[style-name='Caption'] => p:fresh
r[style-name='Strong'] => strong
b => strong
i => em
"""
CAPTION = re.compile(r"^图\s*[0-9０-９]{1,3}(?:\s*[:：.、]\s*|\s+)\S")
REGION_ENTRY = re.compile(r"^【\s*[^【】]{1,20}?\s*】\s*\S")
SECTION_ALONE = re.compile(r"^【\s*[^【】]{1,20}?\s*】$")
MASTHEAD_LABELS = re.compile(r"主办|编辑|统筹|电话|传真")
TOKEN = re.compile(r"\s*⟦(图片|表格)(\d+)⟧\s*")
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def read_docx(content, filename="", *, known_lines=()):
    images, tables = [], []
    html = _to_html(content, filename, images)
    blocks = _Walker.blocks_of(html)
    notices = []
    text = _print_text(blocks, images, tables, notices)
    data = parse_text(text, filename, known_lines=known_lines)
    _put_back(data, images, tables, notices)
    data.warnings = list(data.warnings) + notices
    return data


def _to_html(content, filename, images):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise ImportFailure("这个 Word 文件解压后过大，不像是一期刊物。", filename=filename)
    except zipfile.BadZipFile as error:
        raise ImportFailure("无法读取这个 Word 文件（.docx 可能已损坏）。", filename=filename) from error

    def keep(image):
        with image.open() as stream:
            data = stream.read()
        images.append(_Picture(data, image.content_type or "", (image.alt_text or "").strip()))
        return {"src": f"docx-image:{len(images) - 1}"}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(content), style_map=STYLE_MAP, convert_image=mammoth.images.img_element(keep)
        )
    except Exception as error:  # a damaged or hostile file can fail anywhere inside the converter
        raise ImportFailure("无法读取这个 Word 文件（.docx 可能已损坏）。", filename=filename) from error
    return result.value


@dataclass
class _Picture:
    data: bytes
    content_type: str
    alt: str
    used: bool = False


@dataclass
class _Block:
    kind: str  # heading, para, list, table, image
    text: str = ""
    level: int = 0
    rows: list = field(default_factory=list)  # a table's rows of cell texts
    image: int = -1


class _Walker(HTMLParser):
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
            text = _inline(self.runs or [])
            if self.heading:
                self.out.append(_Block("heading", " ".join(text.split()).replace("**", ""), level=self.heading))
            elif text.strip():
                self.out.append(_Block("para", text))
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
                    self.out.append(_Block("list", "\n".join(self.list_lines)))
                self.list_lines = []
                self._flush_images()
        elif tag in ("td", "th") and self.tables and self.tables[-1] is not None:
            if self.tables[-1]:
                self.tables[-1][-1].append(_inline(self.runs or []))
            self.runs = None
        elif tag == "table" and self.tables:
            rows = self.tables.pop()
            if not self.tables and rows is not None:
                self.out.append(_Block("table", rows=[row for row in rows if row]))
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
        text = _inline(self.runs)
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
            self.out.append(_Block("image", image=index))
        self.pending_images = []


def _inline(runs):
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


def _is_caption(block):
    if block is None or block.kind != "para" or "\n" in block.text:
        return False
    text = block.text.strip("*").strip()
    return bool(CAPTION.match(text)) and len(text) <= 120 and not text.endswith(("。", "！", "？", "；", "."))


def _print_text(blocks, images, tables, notices):
    """Blocks → the print-text lines the parser reads."""
    captions = {}  # caption block index → picture index
    for index, block in enumerate(blocks):
        if block.kind != "image":
            continue
        for near in (index + 1, index - 1):
            if 0 <= near < len(blocks) and near not in captions and _is_caption(blocks[near]):
                captions[near] = block.image
                images[block.image].used = True
                break
    out, in_header = [], True
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            out.append("#" * block.level + " " + block.text)
        elif block.kind == "para":
            text = block.text
            if SECTION_ALONE.match(text):
                in_header = False
            elif in_header and REGION_ENTRY.match(text):
                text = "- " + text
            if index in captions:
                text = f"{text.strip('*').strip()} ⟦图片{captions[index]}⟧"
            out.append(text)
        elif block.kind == "list":
            out.append(_toc_list(block.text))
        elif block.kind == "table":
            out.append(_table_text(block.rows, tables))
        elif block.kind == "image" and not images[block.image].used:
            picture = images[block.image]
            number = block.image + 1
            caption = " ".join(picture.alt.split()) or f"图 {number}"
            picture.used = True
            out.append(f"图 {number} {caption} ⟦图片{block.image}⟧")
            notices.append(
                Notice(
                    Notice.OTHER,
                    f"Word 文件中的第 {number} 张图片旁没有“图 N”图注行，图注暂用“{caption}”，请核对。",
                    text=caption,
                )
            )
    return "\n\n".join(part for part in out if part)


def _toc_list(text):
    """A list whose first item is 【X】 …: its unmarked items are more titles of the entry above."""
    lines = text.split("\n")
    if not lines or not REGION_ENTRY.match(re.sub(r"^(?:-|\d+\.)\s+", "", lines[0])):
        return text
    out = []
    for line in lines:
        bare = re.sub(r"^\s*(?:-|\d+\.)\s+", "", line)
        out.append("- " + bare if REGION_ENTRY.match(bare) else bare)
    return "\n".join(out)


def _table_text(rows, tables):
    width = max((len(row) for row in rows), default=0)
    cells = [cell for row in rows for cell in row if cell.strip()]
    if width <= 1 or MASTHEAD_LABELS.search(" ".join(cells[:4])):
        return "\n\n".join(cells)  # a layout table or the masthead: read as its paragraphs
    lines = []
    for number, row in enumerate(rows):
        row = [" ".join(cell.split("\n")).replace("|", "\\|") for cell in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(row) + " |")
        if number == 0:
            lines.append("|" + " --- |" * width)
    tables.append("\n".join(lines))
    return f"⟦表格{len(tables) - 1}⟧"


def _put_back(data, images, tables, notices):
    """Tables into the bodies, pictures onto their figures; a placeholder left elsewhere is reported."""
    placed_images, placed_tables = set(), set()

    def tables_in(text):
        def swap(match):
            kind, index = match.group(1), int(match.group(2))
            if kind == "表格" and index < len(tables):
                placed_tables.add(index)
                return "\n\n" + tables[index] + "\n\n"
            return "\n\n"

        return re.sub(r"\n{3,}", "\n\n", TOKEN.sub(swap, text)).strip()

    for article in data.articles():
        article.body_markdown = tables_in(article.body_markdown)
        for figure in article.figures:
            for name in ("caption", "credit", "alt"):
                value = getattr(figure, name)
                match = TOKEN.search(value)
                if match and match.group(1) == "图片":
                    picture = images[int(match.group(2))]
                    figure.image = picture.data
                    extension = _EXTENSIONS.get(picture.content_type, "png")
                    figure.image_name = f"word-image-{int(match.group(2)) + 1}.{extension}"
                    if picture.alt and not figure.alt:
                        figure.alt = picture.alt
                    placed_images.add(int(match.group(2)))
                setattr(figure, name, TOKEN.sub(" ", value).strip())
    if getattr(data, "editor_note", ""):
        data.editor_note = tables_in(data.editor_note)
    for index in range(len(images)):
        if images[index].used and index not in placed_images:
            notices.append(
                Notice(Notice.DROPPED_TEXT, f"Word 文件中的第 {index + 1} 张图片不在任何文章的图中，未导入。")
            )
    for index in range(len(tables)):
        if index not in placed_tables:
            notices.append(
                Notice(
                    Notice.DROPPED_TEXT,
                    f"Word 文件中的第 {index + 1} 个表格不在任何文章中，未导入。",
                    text=tables[index],
                )
            )
