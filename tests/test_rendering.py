import pytest

from newsletter.rendering import normalize_for_search, plain_text, render_markdown


def test_markdown_keeps_headings_tables_bold_lists_and_quotes():
    html = render_markdown(
        "## 小标题\n\n**加粗**文字\n\n- 一\n- 二\n\n> 引用\n\n| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |\n"
    )
    assert "<h4>小标题</h4>" in html
    assert "<strong>加粗</strong>" in html
    assert "<li>一</li>" in html and "<blockquote>" in html
    assert "<table>" in html and "<td>1</td>" in html


@pytest.mark.parametrize(
    "payload, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ("[点我](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "avascript:"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "style="),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ('<svg onload="alert(1)"></svg>', "onload"),
    ],
)
def test_markdown_strips_script_event_handlers_and_dangerous_urls(payload, forbidden):
    html = render_markdown(f"正文 {payload}\n\n{payload}")
    assert forbidden.lower() not in html.lower()


def test_safe_links_survive_with_rel_noopener():
    html = render_markdown("[政府网站](https://www.gov.cn/)")
    assert 'href="https://www.gov.cn/"' in html and "noopener" in html


def test_plain_text_and_search_normalisation():
    assert plain_text("<p>甲&amp;乙</p><p>丙</p>") == "甲&乙 丙"
    assert normalize_for_search("11 月 ＣＣＥＲ 交易") == "11月ccer交易"
