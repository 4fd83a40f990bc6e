"""The article body's two forms: stored Markdown and the editor's HTML (newsletter/body_format.py).

What an editor types stays what readers read; saving an unchanged article changes nothing; whatever
HTML reaches the server, only the allowed structure and the text are stored."""

import re
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.body_format import (
    canonical_markdown,
    editor_html_to_markdown,
    external_images,
    markdown_to_editor_html,
)
from newsletter.demo.content import ISSUES
from newsletter.importing.parser import parse_bytes
from newsletter.rendering import render_article

SAMPLES = Path(__file__).parent / "samples"
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_9fab522086a065de.txt"


class FakeFigure:
    """What ``figure_html`` reads of a figure (a plain value object, not our code)."""

    def __init__(self, number):
        self.number = self.position = number
        self.full_caption = f"图 {number} 示意"
        self.caption = "示意"
        self.alt_text = ""
        self.image = None
        self.width = self.height = None


def visible(html):
    """What a reader sees of rendered body HTML, block by block: (kind, text without whitespace).
    Headings deeper than the editor's two levels count as its second level."""
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    out = []

    def walk(element, context):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("h3", "h4", "h5", "h6"):
            out.append(("h3" if tag == "h3" else "h4", text(element)))
            return
        if tag in ("p", "th", "td") or (tag == "li" and not element.findall(".//p")):
            kind = tag if tag in ("th", "td") else context
            out.append((kind, text(element)))
            return
        if tag == "figure":
            out.append(("figure", text(element)))
            return
        child_context = {"ul": "ul", "ol": "ol", "blockquote": "quote"}.get(tag, context)
        for child in element:
            walk(child, child_context)

    def text(element):
        return re.sub(r"\s+", "", "".join(element.itertext()))

    walk(document.find("body"), "p")
    return [(kind, value) for kind, value in out if value or kind == "figure"]


def rendered(body):
    """The public rendering, with as many figures as the body's markers ask for."""
    wanted = [int(n) for n in re.findall(r"^\[\[figure:(\d+)\]\]", body, re.MULTILINE)]
    return render_article(body, [FakeFigure(n) for n in range(1, max(wanted, default=0) + 1)])


def demo_bodies():
    return [article[2] for issue in ISSUES for article in issue[5]]


def sample_bodies():
    bodies = []
    for path in sorted(SAMPLES.iterdir()):
        bodies += [a.body_markdown for a in parse_bytes(path.read_bytes(), path.name).articles()]
    return bodies


def seed_bodies():
    if not SEED.exists():
        return []
    return [a.body_markdown for a in parse_bytes(SEED.read_bytes(), SEED.name).articles()]


# --- Every body of the archive survives the editor -------------------------------------------------


@pytest.mark.parametrize("body", demo_bodies() + sample_bodies(), ids=lambda body: body[:12])
def test_every_demo_and_sample_body_reads_the_same_after_the_editor(body):
    canonical = canonical_markdown(body)
    assert visible(rendered(canonical)) == visible(rendered(body))
    assert canonical_markdown(canonical) == canonical
    assert editor_html_to_markdown(markdown_to_editor_html(body)) == canonical


@pytest.mark.skipif(not SEED.exists(), reason=f"真实样刊 {SEED} 不在本机（CI 中存在），跳过")
def test_every_article_of_the_real_seed_issue_reads_the_same_after_the_editor():
    bodies = seed_bodies()
    assert len(bodies) == 10
    for body in bodies:
        canonical = canonical_markdown(body)
        assert visible(rendered(canonical)) == visible(rendered(body))
        assert canonical_markdown(canonical) == canonical


def test_the_editor_shows_a_stored_body_in_its_schema():
    body = (
        "导语**加粗**与*斜体*。\n\n# 小标题\n\n## 二级小标题\n\n#### 更深的标题\n\n【湖北】武汉市。\n\n"
        "[[figure:2]]\n\n- 甲\n- 乙\n\n3. 三\n4. 四\n\n> 引文\n\n| 指标 | 数值 |\n| --- | --- |\n| 天数 | 5 |\n\n"
        "见[网站](https://example.com/a?b=1&c=2)。"
    )
    assert markdown_to_editor_html(body) == (
        "<p>导语<strong>加粗</strong>与<em>斜体</em>。</p><h2>小标题</h2><h3>二级小标题</h3><h3>更深的标题</h3>"
        '<p>【湖北】武汉市。</p><figure data-figure="2"></figure>'
        "<ul><li><p>甲</p></li><li><p>乙</p></li></ul>"
        '<ol start="3"><li><p>三</p></li><li><p>四</p></li></ol>'
        "<blockquote><p>引文</p></blockquote>"
        "<table><tbody><tr><th><p>指标</p></th><th><p>数值</p></th></tr><tr><td><p>天数</p></td><td><p>5</p></td></tr></tbody></table>"
        '<p>见<a href="https://example.com/a?b=1&amp;c=2">网站</a>。</p>'
    )


# --- Typed text stays text ----------------------------------------------------------------------

TYPED = [
    "**x**",
    "# x",
    "## x",
    "1. x",
    "- x",
    "+ x",
    "---",
    "> x",
    "[[figure:1]]",
    "| a | b |",
    "<b>粗</b>",
    "<script>alert(1)</script>",
    "\\",
    "a\\*b",
    "_下划线_",
    "`代码`",
    "[链接](https://example.com)",
    "![图](https://example.com/x.png)",
    "&amp; &lt; &#60; R&D",
    "C#",
    "<https://example.com>",
    "    缩进",
    "=====",
]


@pytest.mark.parametrize("typed", TYPED)
def test_text_typed_in_the_editor_is_stored_so_that_readers_see_it_as_typed(typed):
    html = f"<p>{escape(typed)}</p>"
    markdown = editor_html_to_markdown(html)
    expected = typed.strip()
    page = rendered(markdown)
    assert visible(page) == [("p", re.sub(r"\s+", "", expected))]
    assert "<figure" not in page and "<script" not in page and "<b>" not in page
    assert markdown_to_editor_html(markdown) == f"<p>{escape(expected)}</p>"


@pytest.mark.parametrize("typed", ["# x", "C# 与 F#", "**x**", "1. x", "[[figure:1]]"])
def test_text_typed_in_a_heading_list_item_or_table_cell_stays_text(typed):
    html = (
        f"<h2>{escape(typed)}</h2><ul><li><p>{escape(typed)}</p></li></ul>"
        f"<table><tbody><tr><th><p>{escape(typed)}|</p></th></tr><tr><td><p>{escape(typed)}</p></td></tr></tbody></table>"
    )
    markdown = editor_html_to_markdown(html)
    assert markdown_to_editor_html(markdown) == html.replace("|", "", 0)
    page = rendered(markdown)
    assert "<figure" not in page


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_a_figure_block_is_the_marker_line_and_is_placed_on_the_page():
    markdown = editor_html_to_markdown('<p>前文。</p><figure data-figure="1"></figure><p>后文。</p>')
    assert markdown == "前文。\n\n[[figure:1]]\n\n后文。"
    assert visible(rendered(markdown)) == [("p", "前文。"), ("figure", "图1示意"), ("p", "后文。")]


# --- Whitespace and Chinese ----------------------------------------------------------------------


def test_no_space_is_put_between_chinese_characters_and_whitespace_runs_become_one_space():
    html = "<p>  上海\n推进\u00a0\u00a0AI\n制造 \n 行动，\n共  3 项 word\nnext\u200b。 </p>"
    assert editor_html_to_markdown(html) == "上海推进 AI制造行动，共 3 项 word next。"


def test_a_list_item_or_cell_with_several_paragraphs_is_one_line_without_spaces_in_chinese():
    html = "<ul><li><p>第一段</p><p>第二段</p></li></ul><table><tr><td><p>甲</p><p>乙</p></td></tr></table>"
    assert editor_html_to_markdown(html) == "- 第一段第二段\n\n| 甲乙 |\n| --- |"


def test_spaces_at_the_edge_of_bold_text_move_outside_it():
    assert editor_html_to_markdown("<p>a<strong> b </strong>c</p>") == "a **b** c"


# --- Hostile HTML ---------------------------------------------------------------------------------


HOSTILE = [
    "<script>alert(1)</script><p>正文</p>",
    '<p onclick="alert(1)" style="color:red" data-x="1" class="c">正文</p>',
    '<img src="x" onerror="alert(1)"><p>正文</p>',
    '<p><a href="javascript:alert(1)">正文</a></p>',
    '<p><a href="  JaVaScRiPt:alert(1)">正文</a></p>',
    '<p><a href="data:text/html,<script>alert(1)</script>">正文</a></p>',
    "<iframe src=https://evil.example></iframe><p>正文</p>",
    "<style>p{}</style><p>正文</p>",
    "<svg><script>alert(1)</script></svg><p>正文</p>",
    "<!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif]--><p>正文</p>",
    "<p><o:p>正</o:p><font face=宋体>文</font></p>",
    "<marquee>正文</marquee>",
    "<p>正<!-- 注释 -->文</p>",
    '<form action="https://evil.example"><input value="x"><p>正文</p></form>',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_keeps_only_the_text_and_the_allowed_structure(html):
    markdown = editor_html_to_markdown(html)
    assert markdown == "正文"


def test_only_http_https_and_mailto_links_are_kept():
    html = (
        '<p><a href="https://a.example/x" target="_blank" rel="opener">甲</a>'
        '<a href="mailto:a@example.com">乙</a><a href="ftp://a.example">丙</a><a href="/relative">丁</a></p>'
    )
    assert editor_html_to_markdown(html) == "[甲](https://a.example/x)[乙](mailto:a@example.com)丙丁"


def test_an_image_not_yet_a_figure_is_not_stored_and_is_reported():
    html = '<p>前文。</p><img src="https://example.com/a.png" alt="图"><p>后文。</p><img src="x.png">'
    assert editor_html_to_markdown(html) == "前文。\n\n后文。"
    assert external_images(html) == ["https://example.com/a.png"]
    assert markdown_to_editor_html("前文。\n\n![图](https://example.com/a.png)") == (
        '<p>前文。</p><img src="https://example.com/a.png" alt="图">'
    )


def test_pasted_structure_from_other_markup_is_kept():
    html = (
        "<h1>标题一</h1><h4>标题四</h4><div>块<br>换行</div><b>粗</b><i>斜</i>"
        "<table><thead><tr><td>甲</td><td colspan=2>乙</td></tr></thead><tr><td>1</td><td>2</td><td>3</td></tr></table>"
        "<ol><li>一<ul><li>子</li></ul></li><li>二</li></ol><blockquote>引<blockquote>中引</blockquote></blockquote>"
    )
    assert editor_html_to_markdown(html) == (
        "# 标题一\n\n## 标题四\n\n块\n\n换行\n\n<strong>粗</strong>*斜*\n\n| 甲 | 乙 |   |\n| --- | --- | --- |\n| 1 | 2 | 3 |\n\n"
        "1. 一\n2. 子\n3. 二\n\n> 引\n>\n> 中引"
    )


# --- Round trips, with generated content -------------------------------------------------------------

TEXT = st.text(
    alphabet=st.sampled_from(list("中文字，。“”【】湖北abc XYZ123*_#[]\\<>&|`!-+.=:/") + ["\u00a0", "\n"]),
    min_size=1,
    max_size=12,
)


@st.composite
def runs(draw):
    pieces = draw(st.lists(st.tuples(TEXT, st.booleans(), st.booleans(), st.booleans()), min_size=1, max_size=4))
    html = ""
    for text, bold, italic, link in pieces:
        inner = escape(text)
        if italic:
            inner = f"<em>{inner}</em>"
        if bold:
            inner = f"<strong>{inner}</strong>"
        if link:
            inner = f'<a href="https://example.com/{len(text)}?q=a_b">{inner}</a>'
        html += inner
    return html


@st.composite
def blocks(draw):
    kind = draw(st.sampled_from(["p", "h2", "h3", "ul", "ol", "quote", "table", "figure"]))
    if kind in ("p", "h2", "h3"):
        return f"<{kind}>{draw(runs())}</{kind}>"
    if kind in ("ul", "ol"):
        items = draw(st.lists(runs(), min_size=1, max_size=3))
        return f"<{kind}>" + "".join(f"<li><p>{item}</p></li>" for item in items) + f"</{kind}>"
    if kind == "quote":
        return f"<blockquote><p>{draw(runs())}</p></blockquote>"
    if kind == "figure":
        return f'<figure data-figure="{draw(st.integers(1, 20))}"></figure>'
    width = draw(st.integers(1, 3))
    rows = draw(st.lists(st.lists(runs(), min_size=width, max_size=width), min_size=1, max_size=3))
    return (
        "<table><tbody>"
        + "".join(
            "<tr>"
            + "".join(f"<{'th' if i == 0 else 'td'}><p>{cell}</p></{'th' if i == 0 else 'td'}>" for cell in row)
            + "</tr>"
            for i, row in enumerate(rows)
        )
        + "</tbody></table>"
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(blocks(), min_size=1, max_size=5))
def test_saving_what_the_editor_shows_and_reloading_shows_the_same(parts):
    # Any editor content, once stored, is shown again exactly as stored and stored again unchanged.
    html = markdown_to_editor_html(editor_html_to_markdown("".join(parts)))
    markdown = editor_html_to_markdown(html)
    assert markdown_to_editor_html(markdown) == html
    assert editor_html_to_markdown(markdown_to_editor_html(markdown)) == markdown


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(blocks(), min_size=1, max_size=5))
def test_the_stored_markdown_renders_the_text_the_editor_held(parts):
    html = "".join(parts)
    markdown = editor_html_to_markdown(html)
    figure = re.compile(r"<figure[^>]*>.*?</figure>")
    editor_text = visible_text(figure.sub("", markdown_to_editor_html(markdown)))
    page_text = visible_text(figure.sub("", rendered(markdown)))
    assert editor_text == page_text


def visible_text(html):
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    return re.sub(r"\s+", "", "".join(document.find("body").itertext()))


MARKDOWNISH = st.lists(
    st.sampled_from(list("中文ab *_#>-+1.|[]`\\<&!()\n:") + ["[[figure:1]]", "\n\n", "| a | b |\n| --- | --- |\n"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_canonical_markdown_is_idempotent(text):
    once = canonical_markdown(text)
    assert canonical_markdown(once) == once
