"""Markdown → safe HTML, done once when an article is saved (never per request).

Editors paste text from anywhere, so the HTML is sanitised with nh3 (an allow-list sanitiser):
no script, no event handlers, no ``javascript:`` or ``data:`` URLs survive.
"""

import html as html_lib
import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "del",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "span": {"class"},
    "figure": {"class", "id"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Shown before a figure's credit, on its own line under the caption.
CREDIT_LABEL = "图片来源："

# 【湖北】 at the start of a paragraph marks the sub-region the paragraph is about.
REGION_MARKER = re.compile(r"<p>【([^【】<>\n]{1,20})】")
HEADING = re.compile(r"^(#{1,6})(\s)", re.MULTILINE)


def _demote_headings(text):
    # The article title is the page's <h2>/<h1>; headings inside a body start at <h3>.
    return HEADING.sub(lambda m: "#" * min(len(m.group(1)) + 2, 6) + m.group(2), text)


def _class_filter(element, attribute, value):
    if attribute == "class":
        allowed = {"region-marker", "figure", "figure-credit"}
        kept = " ".join(c for c in value.split() if c in allowed)
        return kept or None
    return value


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_class_filter,
        strip_comments=True,
    )


_converters = threading.local()


def _markdown():
    """This thread's Markdown converter. Building one (extensions, processors, patterns) costs more
    than converting a typical article; ``reset()`` before each use makes a reused converter give
    exactly what a new one gives. A converter is not thread-safe, hence one per thread."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return converter


def markdown_html(text):
    """The Markdown dialect of article bodies → HTML, as written (not demoted, not sanitised)."""
    return _markdown().reset().convert(text)


def render_markdown(text):
    """Render an article body. Subheadings keep their relative levels, shifted below the title."""
    text = (text or "").replace("\r\n", "\n")
    source = _demote_headings(text)
    html = markdown_html(source)
    html = REGION_MARKER.sub(r'<p><span class="region-marker">【\1】</span>', html)
    return sanitize_html(html)


def render_note(text):
    """Render text written outside any article (an issue's 编者按): Markdown paragraphs, lists and
    emphasis, with any HTML in it shown as the characters typed, never as markup."""
    return render_markdown(html_lib.escape(text or "", quote=False))


HTML_TAG = re.compile(r"<[^>]*>")


def plain_text(html):
    """Text content of sanitised HTML, for search and summaries, whitespace runs collapsed to one
    space. ``str.split()`` splits on exactly what ``\\s`` matches; it is ~3.5× faster than a regex
    substitution here, which search pays once per result shown."""
    return " ".join(html_lib.unescape(HTML_TAG.sub(" ", html or "")).split())


FIGURE_MARKER = re.compile(r"^\[\[figure:(\d+)\]\][ \t]*$", re.MULTILINE)


def split_figure_markers(text):
    """The body cut at its ``[[figure:N]]`` lines: Markdown chunks (str) and figure positions (int).

    Markers are found in the source, not in the rendered HTML, so that the text ``[[figure:1]]``
    typed in the editor (stored escaped, ``\\[\\[figure:1\\]\\]``) stays text."""
    parts = FIGURE_MARKER.split(text or "")
    return [int(part) if index % 2 else part for index, part in enumerate(parts)]


def figure_caption(figure):
    """「图 N 图注」: the number runs through the issue (``derived.renumber_figures``)."""
    return f"图 {figure.number} {figure.caption}" if figure.number else figure.caption


def figure_html(figure):
    """A <figure> for the body; images without a file yet (imported figures) show the caption only.
    The credit (图片来源) goes on its own line under the caption: readers, the print edition and the
    WeChat copy all take it from here. Built from model fields only, so a migration's historical
    rows render exactly as live ones do."""
    caption = html_lib.escape(figure_caption(figure))
    image = ""
    if figure.image:
        attrs = f'src="{html_lib.escape(figure.image.url)}" alt="{html_lib.escape(figure.alt_text or figure.caption)}"'
        if figure.width and figure.height:
            attrs += f' width="{figure.width}" height="{figure.height}"'
        image = f'<img {attrs} loading="lazy">'
    credit = (getattr(figure, "credit", "") or "").strip()  # stand-ins for figures may have none
    if credit:
        caption += f'<br><span class="figure-credit">{CREDIT_LABEL}{html_lib.escape(credit)}</span>'
    return f'<figure class="figure" id="figure-{figure.number or figure.position}">{image}<figcaption>{caption}</figcaption></figure>'


def render_article(body, figures):
    """Render a body and put each figure where its ``[[figure:N]]`` marker stands (N counts from 1
    within the article); figures without a marker follow the body."""
    by_position = {index: figure for index, figure in enumerate(figures, start=1)}
    placed = set()
    html = ""
    for part in split_figure_markers((body or "").replace("\r\n", "\n")):
        if isinstance(part, str):
            html += render_markdown(part) if part.strip() else ""
        elif part in by_position:
            placed.add(part)
            html += figure_html(by_position[part])
    rest = "".join(figure_html(f) for i, f in by_position.items() if i not in placed)
    # Figure HTML is built from escaped values only, and the sanitiser runs once more over all.
    return sanitize_html(html + rest)


FULL_WIDTH_ASCII = re.compile("[\uff01-\uff5e]+")
FULL_WIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
WHITESPACE = re.compile(r"\s+")


def _fold_full_width(match):
    return match.group().translate(FULL_WIDTH_TO_ASCII)


def normalize_for_search(text):
    """Lower-case, full-width ASCII folded to half-width, and no whitespace at all.

    Chinese has no spaces between words and the PDF conversion adds spaces around digits
    ("11 月"), so both the stored text and every query are compared without whitespace.
    """
    folded = FULL_WIDTH_ASCII.sub(_fold_full_width, text or "")
    return WHITESPACE.sub("", folded).lower()
