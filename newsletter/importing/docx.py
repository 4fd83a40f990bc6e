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

A hostile file gets one clear message and nothing is written: a ZIP that declares more than
``MAX_UNPACKED`` unpacked (or XML parts over ``MAX_XML_PART``/``MAX_XML_TOTAL``, or too many
entries) is refused
before anything is unpacked; an XML part with a DOCTYPE (entity expansion, external entities) is
refused before it is parsed; more than ``MAX_IMAGES`` pictures, or pictures that unpack to more
than ``MAX_IMAGE_BYTES`` together, are refused; a picture linked to a
file or an address outside the document is never opened (mammoth's ``external_file_access`` is
off, and the notice asks for it to be embedded); links other than http(s)/mailto keep only their
text (``docx_html``); every picture goes through the upload rules (re-encoded in a child process
with a pixel limit, SVG and non-images refused); the text goes through the parser's
``text_input`` rules like a .txt.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

import mammoth
from mammoth.docx.files import ExternalFileAccessIsDisabledError, InvalidFileReferenceError

from .docx_html import Walker
from .parser import parse_text
from .schema import ImportFailure, Notice

# Limits checked on the ZIP's declared sizes before anything is unpacked (Python's zipfile never
# unpacks more than an entry declares: a lying entry fails its CRC check), so memory stays bounded.
MAX_UNPACKED = 100 * 1024 * 1024  # a .docx that unpacks to more is not an issue of a newsletter
# The XML parts: the DOM mammoth builds takes some 25 times their size and parsing is slow (8 MB:
# about 200 MB and 20 s); a newsletter issue's document.xml is about 1 MB.
MAX_XML_PART = 8 * 1024 * 1024
MAX_XML_TOTAL = 12 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_IMAGES = 200
# What the pictures may unpack to together: one image referenced many times is read each time.
MAX_IMAGE_BYTES = 40 * 1024 * 1024
# Word never writes a document type declaration; one is how entity expansion ("billion laughs")
# and external entities (XXE) get in, so a part holding one is refused before mammoth parses it.
_DOCTYPE = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))
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


def read_docx(content, filename="", *, known_lines=(), known_regions=()):
    images, tables, notices = [], [], []
    html = _to_html(content, filename, images, notices)
    blocks = Walker.blocks_of(html)
    text = _print_text(blocks, images, tables, notices)
    data = parse_text(text, filename, known_lines=known_lines, known_regions=known_regions)
    _put_back(data, images, tables, notices)
    data.warnings = list(data.warnings) + notices
    return data


def _to_html(content, filename, images, notices):
    _check_archive(content, filename)

    def keep(image):
        if len(images) >= MAX_IMAGES:
            raise ImportFailure(
                f"这个 Word 文件的图片超过 {MAX_IMAGES} 张，不像是一期刊物，未导入。", filename=filename
            )
        try:
            with image.open() as stream:
                data = stream.read(MAX_UNPACKED + 1)
        except (ExternalFileAccessIsDisabledError, InvalidFileReferenceError):
            # A picture linked to a file or an address outside the document (r:link): mammoth is
            # told not to open it (external_file_access=False), and we do not either.
            notices.append(
                Notice(
                    Notice.DROPPED_TEXT,
                    "Word 文件中有一张图片链接到文件以外的位置，没有读取，也未导入；"
                    "请在 Word 中把图片嵌入文档后再导入。",
                    text=(image.alt_text or "").strip(),
                )
            )
            return {"src": "docx-linked:"}
        if sum(len(picture.data) for picture in images) + len(data) > MAX_IMAGE_BYTES:
            raise ImportFailure(
                f"这个 Word 文件的图片合计超过 {MAX_IMAGE_BYTES // (1024 * 1024)} MB，不像是一期刊物，未导入。",
                filename=filename,
            )
        images.append(_Picture(data, image.content_type or "", (image.alt_text or "").strip()))
        return {"src": f"docx-image:{len(images) - 1}"}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(content),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(keep),
            external_file_access=False,
        )
    except ImportFailure:
        raise
    except Exception as error:  # a damaged or hostile file can fail anywhere inside the converter
        raise ImportFailure("无法读取这个 Word 文件（.docx 可能已损坏）。", filename=filename) from error
    return result.value


def _check_archive(content, filename):
    """Refuse, before mammoth reads anything, a ZIP that unpacks to too much (by its declared sizes)
    or holds an XML part with a document type declaration."""
    too_big = ImportFailure("这个 Word 文件解压后过大，不像是一期刊物，未导入。", filename=filename)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES or sum(info.file_size for info in entries) > MAX_UNPACKED:
                raise too_big
            parts = [info for info in entries if info.filename.lower().endswith((".xml", ".rels"))]
            if sum(info.file_size for info in parts) > MAX_XML_TOTAL:
                raise too_big
            for info in parts:
                if info.file_size > MAX_XML_PART:
                    raise too_big
                with archive.open(info) as stream:
                    part = stream.read(MAX_XML_PART + 1)
                if len(part) > MAX_XML_PART:
                    raise too_big
                if any(marker in part for marker in _DOCTYPE):
                    raise ImportFailure(
                        "这个 Word 文件内部含有文档类型声明（DOCTYPE），Word 不会写出这种内容，为安全起见不读取。",
                        filename=filename,
                    )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        ValueError,
        OSError,
        EOFError,
        zlib.error,
    ) as error:
        raise ImportFailure("无法读取这个 Word 文件（.docx 可能已损坏）。", filename=filename) from error


@dataclass
class _Picture:
    data: bytes
    content_type: str
    alt: str
    used: bool = False


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
    header_end = _header_end(blocks)
    listed = any(b.kind == "list" and _is_toc_list(b.text) for b in blocks[:header_end])
    out = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            out.append("#" * block.level + " " + block.text)
        elif block.kind == "para":
            text = block.text
            if index < header_end and not listed and REGION_ENTRY.match(text):
                text = "- " + text  # a table of contents typed as paragraphs
            if index in captions:
                text = f"{text.strip('*').strip()} ⟦图片{captions[index]}⟧"
            out.append(text)
        elif block.kind == "list":
            out.append(_toc_list(block.text) if index < header_end else block.text)
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


def _header_end(blocks):
    """Where the table of contents and the masthead end: at the first section marker, or at the first
    heading after a 【X】 entry (the first article's title). Body paragraphs starting with 【湖北】
    after it are region leads, never entries."""
    seen_entry = False
    for index, block in enumerate(blocks):
        text = block.text.strip("*").strip()
        if block.kind in ("para", "heading") and SECTION_ALONE.match(text):
            return index
        if block.kind == "heading" and seen_entry:
            return index
        if block.kind in ("para", "list") and REGION_ENTRY.match(_bare(text)):
            seen_entry = True
    return len(blocks)


def _bare(line):
    return re.sub(r"^\s*(?:-|\d+\.)\s+", "", line)


def _is_toc_list(text):
    return bool(REGION_ENTRY.match(_bare(text.split("\n", 1)[0])))


def _toc_list(text):
    """A list whose first item is 【X】 …: its unmarked items are more titles of the entry above."""
    lines = text.split("\n")
    if not _is_toc_list(text):
        return text
    out = []
    for line in lines:
        bare = _bare(line)
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
