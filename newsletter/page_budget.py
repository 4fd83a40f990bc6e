"""How many A4 pages an issue's print edition will take, projected from its articles' stored HTML.

A pure estimate in millimetres of column height, with the measures of the print stylesheet
(``templates/newsletter/print/print.css``): it lets the issue board warn that an issue runs over the
publication's page budget without rendering a PDF on every page view. The constants are calibrated
against the real renderer (``tests/test_page_budget.py`` renders the demo and the seed issue and
asserts the projection is within one page of the PDF's page count).
"""

import math
from dataclasses import dataclass, field
from html.parser import HTMLParser

# The page box: A4 (297 × 210 mm) less the @page margins (24/22 mm top/bottom, 22 mm each side).
COLUMN_HEIGHT_MM = 297 - 24 - 22
COLUMN_WIDTH_MM = 210 - 22 - 22
# The share of a page's column the articles fill. Keeping headings with their text and figures and
# tables whole leaves some space empty, but the block heights above already round every paragraph up
# to whole lines: measured on the seed issue (12 inner pages) and the demo (3), the two even out.
FILL = 1.0
PT_MM = 0.3528
PX_MM = 0.2646  # a CSS pixel


def _line_mm(size_pt, line_height=1.75):
    return size_pt * PT_MM * line_height


def _lines(chars, size_pt, width_mm=COLUMN_WIDTH_MM, indent_chars=0):
    per_line = max(1, int(width_mm / (size_pt * PT_MM)))
    return max(1, math.ceil((chars + indent_chars) / per_line))


BODY_PT = 11
PARAGRAPH_GAP_MM = 0.45 * BODY_PT * PT_MM
SECTION_HEAD_MM = _line_mm(15) + 10
ARTICLE_GAP_MM = 6
TITLE_PT = 15
TITLE_MARGIN_MM = 7
SOURCE_LINE_MM = _line_mm(10) + PARAGRAPH_GAP_MM
TABLE_ROW_MM = _line_mm(9.5) + 2
TABLE_MARGIN_MM = 6
FIGURE_MARGIN_MM = 8 + 1.5
FIGURE_MAX_HEIGHT_MM = 110
COVER_AND_BACK_PAGES = 2


@dataclass
class Block:
    """One block of an article body as the print edition lays it out."""

    kind: str  # "p", "h", "li", "quote", "row", "figure"
    chars: int = 0
    image_mm: float = 0.0  # figures: the image's printed height


@dataclass
class ArticleMeasure:
    title_chars: int
    has_source_line: bool
    blocks: list = field(default_factory=list)

    @property
    def characters(self):
        return sum(block.chars for block in self.blocks if block.kind != "figure")

    def count(self, kind):
        return sum(1 for block in self.blocks if block.kind == kind)


class _BlockReader(HTMLParser):
    BLOCKS = {"p": "p", "li": "li", "h3": "h", "h4": "h", "h5": "h", "h6": "h", "tr": "row", "figcaption": "caption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.current, self.depth_quote, self.figure = [], None, 0, None

    def handle_starttag(self, tag, attrs):
        if tag == "blockquote":
            self.depth_quote += 1
        elif tag == "figure":
            self.figure = Block("figure")
        elif tag == "img" and self.figure is not None:
            self.figure.image_mm = _image_height_mm(dict(attrs))
        elif tag in self.BLOCKS and self.current is None:
            kind = self.BLOCKS[tag]
            if kind == "p" and self.depth_quote:
                kind = "quote"
            self.current = [kind, tag, 0]

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self.depth_quote = max(0, self.depth_quote - 1)
        elif tag == "figure" and self.figure is not None:
            self.blocks.append(self.figure)
            self.figure = None
        elif self.current is not None and tag == self.current[1]:
            kind, _, chars = self.current
            self.current = None
            if kind == "caption":
                if self.figure is not None:
                    self.figure.chars = chars
            elif chars or kind == "row":
                self.blocks.append(Block(kind, chars))

    def handle_data(self, data):
        if self.current is not None:
            self.current[2] += len("".join(data.split()))


def _image_height_mm(attrs):
    try:
        width, height = int(attrs.get("width", 0)), int(attrs.get("height", 0))
    except ValueError:
        return 0.0
    if not width or not height:
        return 60.0  # an image of unknown size: a typical chart
    width_mm, height_mm = width * PX_MM, height * PX_MM
    if width_mm > COLUMN_WIDTH_MM:
        height_mm *= COLUMN_WIDTH_MM / width_mm
    return min(height_mm, FIGURE_MAX_HEIGHT_MM)


def measure_article(title, body_html, has_source_line):
    reader = _BlockReader()
    reader.feed(body_html or "")
    reader.close()
    return ArticleMeasure(
        title_chars=len("".join(title.split())), has_source_line=has_source_line, blocks=reader.blocks
    )


def block_height_mm(block):
    if block.kind == "p":
        return _lines(block.chars, BODY_PT, indent_chars=2) * _line_mm(BODY_PT) + PARAGRAPH_GAP_MM
    if block.kind == "li":
        return _lines(block.chars, BODY_PT, COLUMN_WIDTH_MM - 8) * _line_mm(BODY_PT) + PARAGRAPH_GAP_MM
    if block.kind == "quote":
        return _lines(block.chars, BODY_PT, COLUMN_WIDTH_MM - 12) * _line_mm(BODY_PT) + PARAGRAPH_GAP_MM + 4
    if block.kind == "h":
        return _lines(block.chars, 12) * _line_mm(12) + 6
    if block.kind == "row":
        return TABLE_ROW_MM
    if block.kind == "figure":
        return block.image_mm + _lines(block.chars + 4, 9.5) * _line_mm(9.5) + FIGURE_MARGIN_MM
    return 0.0


def article_height_mm(measure):
    height = _lines(measure.title_chars, TITLE_PT) * _line_mm(TITLE_PT, 1.45) + TITLE_MARGIN_MM
    height += sum(block_height_mm(block) for block in measure.blocks)
    kinds = [block.kind for block in measure.blocks]
    tables = sum(1 for index, kind in enumerate(kinds) if kind == "row" and (index == 0 or kinds[index - 1] != "row"))
    height += tables * TABLE_MARGIN_MM
    if measure.has_source_line:
        height += SOURCE_LINE_MM
    return height + ARTICLE_GAP_MM


def projected_pages(measures, sections):
    """Pages of the print edition for articles ``measures`` in ``sections`` sections: the cover with the
    table of contents, the articles' pages, and the back page."""
    if not measures:
        return COVER_AND_BACK_PAGES
    height = sections * SECTION_HEAD_MM + sum(article_height_mm(measure) for measure in measures)
    return COVER_AND_BACK_PAGES + max(1, math.ceil(height / (COLUMN_HEIGHT_MM * FILL)))
