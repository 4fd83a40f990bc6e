"""Title and section-label rules (newsletter/importing/titles.py, toc.py): wrapped titles are one title,
joined without spaces inside Latin words, numbers or URLs; shortened TOC titles match plain body
titles and are reported as approximate; spacing inside 【】 is ignored."""

from newsletter.importing.schema import Notice
from newsletter.importing.titles import join_title
from tests.parse_helpers import document, kinds, parse


def titles(data):
    return [(a.toc_title, a.title) for a in data.articles()]


def test_a_toc_entry_wrapped_over_two_lines_is_one_title_with_the_body_headings_spacing():
    toc = "- 【广东】 佛山发布  \n12 条举措支持家电出海\n- 【江苏】 无锡建设车联网先导区"
    body = (
        "【广东】\n\n### 佛山发布 12 条举措支持家电出海\n\n佛山市近日发布举措。\n\n"
        "【江苏】\n\n### 无锡建设车联网先导区\n\n无锡市推进车联网建设。"
    )
    data = parse(document(toc, body))
    assert titles(data) == [
        ("佛山发布 12 条举措支持家电出海", "佛山发布 12 条举措支持家电出海"),
        ("无锡建设车联网先导区", "无锡建设车联网先导区"),
    ]
    assert Notice.APPROXIMATE_TITLE not in kinds(data)


def test_a_body_heading_wrapped_over_two_lines_is_one_title():
    toc = "- 【广东】 深圳推出 Robotaxi 商业化试点方案"
    body = "【广东】\n\n### 深圳推出 Robo\n### taxi 商业化试点方案\n\n深圳市发布试点方案。（深圳商报 20210405）"
    data = parse(document(toc, body))
    (article,) = data.articles()
    assert article.title == "深圳推出 Robotaxi 商业化试点方案"
    assert article.body_markdown == "深圳市发布试点方案。"
    assert article.subheadings == []


def test_a_heading_continued_by_a_short_plain_line_is_one_title():
    toc = "- 【浙江】 杭州数据交易所上线首批公共数据产品"
    body = "【浙江】\n\n### 杭州数据交易所上线\n首批公共数据产品\n\n交易所近日上线首批产品。"
    (article,) = parse(document(toc, body)).articles()
    assert article.title == "杭州数据交易所上线首批公共数据产品"
    assert article.body_markdown == "交易所近日上线首批产品。"


def test_joining_title_halves_adds_no_space_inside_a_word_number_or_url_and_one_between_han_and_digits():
    assert join_title("推进 Manu", "facturing 升级") == "推进 Manufacturing 升级"
    assert join_title("投资 12", "00 亿元") == "投资 1200 亿元"
    assert join_title("详见 https://example.org/a", "bc/d 页面") == "详见 https://example.org/abc/d 页面"
    assert join_title("深圳发布", "11 条举措") == "深圳发布 11 条举措"
    assert join_title("长三角一体化", "示范区建设") == "长三角一体化示范区建设"


def test_a_shortened_toc_title_matches_a_plain_unmarked_body_title_and_is_reported():
    toc = "- 【福建】 厦门出台跨境电商扶持政策"
    body = "【福建】\n\n厦门出台跨境电商扶持政策 首年补贴最高五百万元\n\n厦门市商务局近日印发扶持政策。"
    data = parse(document(toc, body))
    (article,) = data.articles()
    assert (article.toc_title, article.title) == (
        "厦门出台跨境电商扶持政策",
        "厦门出台跨境电商扶持政策 首年补贴最高五百万元",
    )
    assert article.body_markdown == "厦门市商务局近日印发扶持政策。"
    (notice,) = [w for w in data.warnings if w.kind == Notice.APPROXIMATE_TITLE]
    assert notice.text == "厦门出台跨境电商扶持政策 → 厦门出台跨境电商扶持政策 首年补贴最高五百万元"


def test_an_exact_match_is_not_reported():
    toc = "- 【福建】 厦门出台跨境电商扶持政策"
    body = "【福建】\n\n**厦门出台跨境电商扶持政策**\n\n厦门市商务局近日印发扶持政策。"
    data = parse(document(toc, body))
    assert titles(data) == [("厦门出台跨境电商扶持政策", "厦门出台跨境电商扶持政策")]
    assert data.warnings == []


def test_a_body_sentence_is_never_taken_for_a_shortened_title():
    toc = "- 【福建】 厦门出台跨境电商扶持政策"
    body = "【福建】\n\n厦门出台跨境电商扶持政策后，企业反响热烈。\n\n### 厦门出台跨境电商扶持政策措施\n\n正文。"
    data = parse(document(toc, body))
    (article,) = data.articles()
    assert article.title == "厦门出台跨境电商扶持政策措施"


def test_spacing_inside_section_brackets_is_ignored_in_toc_and_body():
    toc = "- 【区　域】 多地试点数据资产入表\n- 【 湖 南 】 长沙发布智能网联汽车条例"
    body = (
        "【区 域】\n\n### 多地试点数据资产入表\n\n多地开展试点。\n\n"
        "## 【湖　南】\n\n### 长沙发布智能网联汽车条例\n\n长沙市发布条例。"
    )
    data = parse(document(toc, body))
    assert [(s.region, [a.title for a in s.articles]) for s in data.sections] == [
        ("区域", ["多地试点数据资产入表"]),
        ("湖南", ["长沙发布智能网联汽车条例"]),
    ]
    assert data.articles()[0].body_markdown == "多地开展试点。"


def test_a_toc_title_on_a_bullet_without_a_label_belongs_to_the_section_above():
    toc = "- 【江苏】 无锡建设车联网先导区\n- 南京发布智慧交通方案"
    body = (
        "【江苏】\n\n### 无锡建设车联网先导区\n\n无锡市推进车联网建设。\n\n### 南京发布智慧交通方案\n\n南京市发布方案。"
    )
    data = parse(document(toc, body))
    assert [(s.region, [a.title for a in s.articles]) for s in data.sections] == [
        ("江苏", ["无锡建设车联网先导区", "南京发布智慧交通方案"])
    ]


def test_a_toc_without_bullets_with_an_indented_continuation_line():
    toc = "本期要目\n\n【江苏】无锡建设车联网先导区\n\u3000\u3000南京发布智慧交通方案\n【浙江】杭州推进城市大脑建设"
    body = (
        "【江苏】\n\n### 无锡建设车联网先导区\n\n无锡市推进车联网建设。\n\n### 南京发布智慧交通方案\n\n南京市发布方案。\n\n"
        "【浙江】\n\n### 杭州推进城市大脑建设\n\n杭州市推进建设。"
    )
    data = parse(document(toc, body))
    assert [(s.region, len(s.articles)) for s in data.sections] == [("江苏", 2), ("浙江", 1)]


def test_without_section_markers_the_body_starts_at_a_shortened_first_title_after_the_masthead():
    toc = "- 【福建】 厦门出台跨境电商扶持政策"
    body = "厦门出台跨境电商扶持政策 首年补贴最高五百万元\n\n厦门市商务局近日印发扶持政策。"
    data = parse(document(toc, body, note="编者按：本期关注福建。"))
    assert (data.editors, data.editor_note) == (["林一", "陈二"], "编者按：本期关注福建。")
    assert [a.title for a in data.articles()] == ["厦门出台跨境电商扶持政策 首年补贴最高五百万元"]


def test_page_numbers_after_toc_titles_are_not_titles():
    toc = "- 【江苏】 无锡建设车联网先导区 …… 2  南京发布智慧交通方案  3\n- 【浙江】 杭州推进城市大脑建设......4"
    body = (
        "【江苏】\n\n### 无锡建设车联网先导区\n\n无锡市推进车联网建设。\n\n### 南京发布智慧交通方案\n\n南京市发布方案。\n\n"
        "【浙江】\n\n### 杭州推进城市大脑建设\n\n杭州市推进建设。"
    )
    data = parse(document(toc, body))
    assert [a.toc_title for a in data.articles()] == [
        "无锡建设车联网先导区",
        "南京发布智慧交通方案",
        "杭州推进城市大脑建设",
    ]


def test_a_toc_entry_both_wrapped_and_shortened_matches_as_one_title_and_is_reported():
    toc = "- 【江苏】 苏州工业园区发布生物医药\n新政\n- 【江苏】 无锡建设车联网先导区"
    body = (
        "【江苏】\n\n## 苏州工业园区发布生物医药新政 推动产业集群发展\n\n园区近日发布新政。\n\n"
        "### 无锡建设车联网先导区\n\n无锡市推进车联网建设。"
    )
    data = parse(document(toc, body))
    assert titles(data) == [
        ("苏州工业园区发布生物医药新政", "苏州工业园区发布生物医药新政 推动产业集群发展"),
        ("无锡建设车联网先导区", "无锡建设车联网先导区"),
    ]
    assert data.articles()[0].body_markdown == "园区近日发布新政。"
    (notice,) = [w for w in data.warnings if w.kind == Notice.APPROXIMATE_TITLE]
    assert notice.text == "苏州工业园区发布生物医药新政 → 苏州工业园区发布生物医药新政 推动产业集群发展"


def test_a_shortened_title_followed_by_the_next_articles_own_title_is_not_joined_to_it():
    toc = "- 【福建】 厦门出台跨境电商扶持政策\n新政\n- 【福建】 泉州发布"
    body = (
        "【福建】\n\n厦门出台跨境电商扶持政策 首年补贴最高五百万元\n\n厦门市商务局近日印发扶持政策。\n\n"
        "### 新政\n\n泉州发布新政。\n\n### 泉州发布\n\n泉州发布。"
    )
    data = parse(document(toc, body))
    assert [a.toc_title for a in data.articles()] == ["厦门出台跨境电商扶持政策", "新政", "泉州发布"]
