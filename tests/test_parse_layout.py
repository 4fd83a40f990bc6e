"""Layout rules (newsletter/importing/blocks.py, parser.py): page breaks re-joined in paragraphs and list
items; tables stay tables; 图 N starts a figure only on a caption line; numbered subheads are
subheadings; text between the masthead and the first section is the editor's note."""

from newsletter.body_format import canonical_markdown, markdown_to_editor_html
from newsletter.rendering import plain_text
from tests.parse_helpers import document, parse, parse_article

TOC = "- 【山东】 青岛启动海洋牧场建设行动"
BODY = "【山东】\n\n### 青岛启动海洋牧场建设行动\n\n青岛市近日启动海洋牧场建设行动。"


def test_a_list_item_cut_by_a_page_break_is_joined():
    _, article = parse_article("措施包括：\n\n1. 新建人工鱼礁区，投放\n\n12\n\n礁体 2 万空方；\n2. 建设监测平台。")
    assert article.body_markdown == "措施包括：\n\n1. 新建人工鱼礁区，投放礁体 2 万空方；\n2. 建设监测平台。"


def test_a_list_followed_by_a_new_paragraph_stays_a_list():
    _, article = parse_article("措施包括：\n\n- 新建人工鱼礁区\n- 建设监测平台\n\n下一步将扩大试点。")
    assert article.body_markdown == "措施包括：\n\n- 新建人工鱼礁区\n- 建设监测平台\n\n下一步将扩大试点。"


def test_a_paragraph_cut_by_a_page_break_and_a_figure_is_joined_around_the_figure():
    _, article = parse_article(
        "全市已建成海洋牧场，总面积超过十万亩，共\n\n图 1 海洋牧场分布示意\n\n五处，年产值百亿元。"
    )
    assert article.body_markdown == "全市已建成海洋牧场，总面积超过十万亩，共五处，年产值百亿元。\n\n[[figure:1]]"
    assert [f.caption for f in article.figures] == ["海洋牧场分布示意"]


def test_a_markdown_table_stays_a_table_the_editor_keeps():
    table = "| 城市 | 牧场数 |\n| --- | --- |\n| 青岛 | 5 |\n| 烟台 | 3 |"
    _, article = parse_article(f"各市情况如下。\n\n{table}\n\n合计八处。")
    assert article.body_markdown == f"各市情况如下。\n\n{table}\n\n合计八处。"
    assert "<table>" in markdown_to_editor_html(article.body_markdown)


def test_a_pipe_table_without_a_separator_row_gets_one():
    _, article = parse_article("| 城市 | 牧场数 |\n| 青岛 | 5 |")
    assert article.body_markdown == "| 城市 | 牧场数 |\n| --- | --- |\n| 青岛 | 5 |"


def test_columns_aligned_by_spaces_become_a_table():
    _, article = parse_article(
        "各市情况如下。\n\n城市    牧场数    产值\n青岛    5         60 亿元\n烟台\u30003\u300030 亿元"
    )
    assert article.body_markdown == (
        "各市情况如下。\n\n| 城市 | 牧场数 | 产值 |\n| --- | --- | --- |\n| 青岛 | 5 | 60 亿元 |\n| 烟台 | 3 | 30 亿元 |"
    )
    html = markdown_to_editor_html(article.body_markdown)
    assert "<th><p>城市</p></th>" in html and "<td><p>60 亿元</p></td>" in html


def test_a_paragraph_starting_with_tu_n_is_not_a_figure():
    body = "图 1 显示，青岛的牧场面积居全省首位。\n\n图 2 中的数据来自\n，省海洋局。\n\n图 3 全省海洋牧场面积"
    _, article = parse_article(body)
    assert [f.caption for f in article.figures] == ["全省海洋牧场面积"]
    assert article.body_markdown == (
        "图 1 显示，青岛的牧场面积居全省首位。\n\n图 2 中的数据来自，省海洋局。\n\n[[figure:1]]"
    )


def test_plain_numbered_subheads_are_subheadings():
    body = "一、总体要求\n\n到 2025 年建成牧场十处。\n\n（二）重点任务\n\n二、这一句话虽然以编号开头，却是完整的句子。"
    _, article = parse_article(body)
    assert article.subheadings == ["一、总体要求", "（二）重点任务"]
    assert article.body_markdown == (
        "## 一、总体要求\n\n到 2025 年建成牧场十处。\n\n## （二）重点任务\n\n二、这一句话虽然以编号开头，却是完整的句子。"
    )


def test_text_between_the_masthead_and_the_first_section_is_the_editors_note():
    note = "编者按\n\n今年以来，各地密集出台\n海洋经济政策。\n\n本期聚焦山东。"
    data = parse(document(TOC, BODY, note=note))
    assert data.editor_note == "编者按\n\n今年以来，各地密集出台海洋经济政策。\n\n本期聚焦山东。"
    assert data.warnings == []
    assert data.articles()[0].body_markdown == "青岛市近日启动海洋牧场建设行动。"


def test_an_editors_note_with_its_label_on_the_first_line_is_kept_whole():
    data = parse(document(TOC, BODY, note="编者按：今年以来，各地密集出台海洋经济政策。"))
    assert data.editor_note == "编者按：今年以来，各地密集出台海洋经济政策。"


def test_no_text_between_the_masthead_and_the_body_is_no_note():
    assert parse(document(TOC, BODY)).editor_note == ""


def test_a_numbered_list_cut_by_a_page_break_between_items_is_one_list():
    _, article = parse_article("措施包括：\n\n1. 新建人工鱼礁区；\n2. 建设监测平台；\n\n- 7 -\n\n3. 培育休闲渔业。")
    assert article.body_markdown == "措施包括：\n\n1. 新建人工鱼礁区；\n2. 建设监测平台；\n3. 培育休闲渔业。"


def test_two_lists_without_a_page_break_between_them_stay_two():
    _, article = parse_article("1. 新建人工鱼礁区；\n2. 建设监测平台；\n\n3. 培育休闲渔业。")
    assert article.body_markdown == "1. 新建人工鱼礁区；\n2. 建设监测平台；\n\n3. 培育休闲渔业。"


def test_a_table_cut_by_a_page_break_is_one_table():
    table = "| 城市 | 牧场数 |\n| --- | --- |\n| 青岛 | 5 |\n\n- 7 -\n\n| 烟台 | 3 |\n| 威海 | 2 |"
    _, article = parse_article(f"各市情况如下。\n\n{table}\n\n合计十处。")
    assert article.body_markdown == (
        "各市情况如下。\n\n| 城市 | 牧场数 |\n| --- | --- |\n| 青岛 | 5 |\n| 烟台 | 3 |\n| 威海 | 2 |\n\n合计十处。"
    )


def test_two_tables_with_their_own_headers_stay_two_tables():
    tables = "| 城市 | 牧场数 |\n| --- | --- |\n| 青岛 | 5 |\n\n- 7 -\n\n| 年份 | 产值 |\n| --- | --- |\n| 2020 | 60 |"
    _, article = parse_article(tables)
    assert article.body_markdown == tables.replace("\n\n- 7 -", "")


def test_a_figures_credit_is_read_from_its_caption_or_the_line_under_it():
    body = (
        "全市已建成海洋牧场五处。\n\n图 1 海洋牧场分布示意（资料来源：市海洋局）\n\n"
        "图 2 牧场产值变化\n\n数据来源：市统计局\n\n下一步将扩大试点。（大众日报 20210330）"
    )
    _, article = parse_article(body)
    assert [(f.caption, f.credit) for f in article.figures] == [
        ("海洋牧场分布示意", "市海洋局"),
        ("牧场产值变化", "市统计局"),
    ]
    assert article.body_markdown == "全市已建成海洋牧场五处。\n\n[[figure:1]]\n\n[[figure:2]]\n\n下一步将扩大试点。"
    assert [s.outlet for s in article.sources] == ["大众日报"]


def test_a_conversion_without_blank_lines_reads_as_the_same_issue():
    body = (
        "【山东】\n\n### 青岛启动海洋牧场建设行动\n\n"
        "青岛市近日启动海洋牧场建设行动，计划三年内新建国家级海洋牧场示范区五处，带动相关产业产值突破百亿元。\n\n"
        "全市已建成海洋牧场，总面积超过十万亩，共\n\n- 7 -\n\n五处，年产值百亿元。\n\n"
        "一、总体要求\n\n到 2025 年建成牧场十处，形成布局合理、功能完善的海洋牧场体系。\n\n"
        "措施包括：\n\n1. 新建人工鱼礁区；\n2. 建设监测平台。\n\n"
        "| 城市 | 牧场数 |\n| --- | --- |\n| 青岛 | 5 |\n\n"
        "图 1 海洋牧场分布示意\n\n【烟台】新建牧场三处。（大众日报 20210330）"
    )
    spaced = document(TOC, body, note="编者按\n\n今年以来，各地密集出台海洋经济政策。")
    dense = "\n".join(line for line in spaced.split("\n") if line.strip())
    assert parse(dense).to_json() == parse(spaced).to_json()
    (article,) = parse(dense).articles()
    assert "## 一、总体要求" in article.body_markdown and "| 青岛 | 5 |" in article.body_markdown
    assert [f.caption for f in article.figures] == ["海洋牧场分布示意"] and article.region_tags == ["烟台"]
    assert parse(dense).editor_note == "编者按\n\n今年以来，各地密集出台海洋经济政策。"


def test_a_note_printed_between_the_toc_and_a_masthead_after_it_is_the_editors_note_too():
    text = document(TOC, BODY).replace("主办：", "编者按：本期聚焦山东海洋经济。\n\n主办：")
    data = parse(text)
    assert data.editor_note == "编者按：本期聚焦山东海洋经济。"
    assert data.hosts == ["海河政策研究中心"] and data.warnings == []


def test_a_caption_with_a_comma_further_on_is_still_a_caption():
    _, article = parse_article(
        "全市牧场产值持续增长。\n\n图 1 2020—2024 年，全市海洋牧场产值\n\n图 2 显示，产值逐年上升"
    )
    assert [f.caption for f in article.figures] == ["2020—2024 年，全市海洋牧场产值"]
    assert article.body_markdown.endswith("[[figure:1]]\n\n图 2 显示，产值逐年上升")


def test_a_less_than_sign_in_the_text_is_text_the_editor_keeps_and_not_the_start_of_a_tag():
    _, article = parse_article("当 a<b 且 b>c 时，登记资产 <120 项，见 </p> 与 <!-- 注释。")
    assert canonical_markdown(article.body_markdown) == article.body_markdown
    html = markdown_to_editor_html(article.body_markdown)
    assert plain_text(html) == "当 a<b 且 b>c 时，登记资产 <120 项，见 </p> 与 <!-- 注释。"


def test_headings_bold_lines_and_figure_lines_inside_the_editors_note_keep_their_form_in_its_markdown():
    note = "编者按\n\n今年以来，各地密集出台海洋经济政策。\n\n## 本期导读\n\n**重点关注**\n\n图 1 沿海牧场分布\n\n本期聚焦山东。"
    data = parse(document(TOC, BODY, note=note))
    assert data.editor_note == note
    assert data.warnings == []
