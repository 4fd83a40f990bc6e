"""Furniture rules (newsletter/importing/blocks.py): running lines are learned from the file itself (its
cover lines, title, subtitle, slogan and QR prompt), never guessed from how a line starts; every
dropped line is reported."""

from newsletter.importing.schema import Notice
from tests.parse_helpers import FOOTER, one_article, parse

COVER = "海河研究中心公众号\n\n2021 年第 7 期\n\n(总第 177 期)\n\n4 月 8 日印发\n\n# 区域观察周报\n\n## 城市政策速递"
BROKEN = (
    "青岛市近日启动海洋牧场建设行动，首批确定\n\n"
    "看城市 读政策\n\n扫描二维码，阅读往期电子版\n\n3\n\n海河研究中心公众号\n\n# 区域观察周报\n\n"
    "五个示范区。\n\n扫码支付已覆盖全市 90% 的商户。"
)


def dropped(data):
    return [w for w in data.warnings if w.kind == Notice.DROPPED_TEXT]


def test_running_lines_learned_from_the_files_own_header_and_footer_are_dropped_and_the_halves_joined():
    data = parse(one_article(BROKEN, header=COVER))
    (article,) = data.articles()
    assert (
        article.body_markdown
        == "青岛市近日启动海洋牧场建设行动，首批确定五个示范区。\n\n扫码支付已覆盖全市 90% 的商户。"
    )


def test_a_first_import_with_no_known_lines_equals_one_that_knows_the_publication():
    text = one_article(BROKEN, header=COVER)
    alone = parse(text)
    known = parse(text, known_lines=("区域观察周报", "城市政策速递", "看城市 读政策"))
    assert alone.to_json() == known.to_json()
    assert alone.warnings == known.warnings


def test_a_line_that_only_starts_like_a_qr_prompt_is_text():
    data = parse(one_article("扫码支付已覆盖全市 90% 的商户。\n\n扫一扫就能办的事项达到 300 项。", footer=""))
    (article,) = data.articles()
    assert article.body_markdown == "扫码支付已覆盖全市 90% 的商户。\n\n扫一扫就能办的事项达到 300 项。"
    assert dropped(data) == []


def test_page_numbers_and_running_lines_are_reported_in_one_notice_per_kind():
    data = parse(one_article(BROKEN + "\n\n- 4 -\n\n看城市 读政策\n\n全市海域面积广阔。", header=COVER))
    pages, running = dropped(data)
    assert pages.text == "3\n- 4 -" and "2 个页码" in pages.message
    assert running.text.split("\n") == [
        "看城市 读政策",
        "扫描二维码，阅读往期电子版",
        "海河研究中心公众号",
        "# 区域观察周报",
    ]
    assert "5 行页眉页脚" in running.message


def test_text_between_the_first_section_marker_and_the_first_title_is_reported_block_by_block():
    body = "【山东】\n\n本栏目关注沿海城市。\n\n本期共一篇。\n\n### 青岛启动海洋牧场建设行动\n\n正文。"
    text = one_article("", footer=FOOTER).replace("【山东】\n\n### 青岛启动海洋牧场建设行动\n\n", body)
    data = parse(text)
    line = text.split("\n").index("本栏目关注沿海城市。") + 1
    assert [(w.text, w.line) for w in dropped(data)] == [("本栏目关注沿海城市。", line), ("本期共一篇。", line + 2)]
    assert data.articles()[0].body_markdown == "正文。"


def test_the_footer_gives_the_slogan_and_not_the_qr_prompt():
    assert parse(one_article("正文。")).slogan == "看城市 读政策"
    footer = "# 区域观察周报\n\n扫描二维码，阅读往期电子版"
    assert parse(one_article("正文。", footer=footer)).slogan == ""


def test_a_short_running_line_holding_a_learned_line_is_dropped_but_a_sentence_holding_it_is_not():
    body = (
        "青岛市近日启动海洋牧场建设行动，首批确定\n\n扫码关注海河研究中心公众号\n\n五个示范区。\n\n"
        "读者可在海河研究中心公众号查看全文。"
    )
    data = parse(one_article(body, header=COVER))
    (article,) = data.articles()
    assert (
        article.body_markdown
        == "青岛市近日启动海洋牧场建设行动，首批确定五个示范区。\n\n读者可在海河研究中心公众号查看全文。"
    )
    assert "扫码关注海河研究中心公众号" in dropped(data)[0].text


def test_a_footer_line_ending_with_a_full_stop_keeps_the_footer_but_is_reported_not_the_slogan():
    footer = "# 区域观察周报\n\n看城市，读政策。\n\n扫描二维码，阅读往期电子版"
    data = parse(one_article("正文。", footer=footer))
    assert data.articles()[0].body_markdown == "正文。" and data.slogan == ""
    assert "看城市，读政策。" in "\n".join(w.text for w in dropped(data)).split("\n")


def test_body_text_after_a_running_title_on_the_last_page_goes_back_to_the_article_and_is_never_the_slogan():
    for last in ("首批登记牧场 12 处。（大众日报 20210330）", "首批登记牧场 12 处。", "（大众日报 20210330）"):
        body = f"青岛市近日上线海洋牧场登记平台。\n\n- 3 -\n\n# 区域观察周报\n\n{last}"
        data = parse(one_article(body, footer=""))
        (article,) = data.articles()
        assert data.slogan == ""
        assert [s.outlet for s in article.sources] == (["大众日报"] if "大众日报" in last else [])
        assert article.body_markdown.startswith("青岛市近日上线海洋牧场登记平台。")
        assert ("首批登记牧场 12 处。" in article.body_markdown) == ("首批" in last)


def test_a_running_title_on_the_last_page_is_not_taken_for_the_footer():
    body = "全市海域面积广阔，适合建设牧场，下一步\n\n区域观察周报\n\n将扩大试点范围，力争三年内覆盖全部沿海区县。"
    data = parse(one_article(body, footer=""))
    assert (
        data.articles()[0].body_markdown
        == "全市海域面积广阔，适合建设牧场，下一步将扩大试点范围，力争三年内覆盖全部沿海区县。"
    )


def test_a_line_beginning_with_a_masthead_label_at_the_end_of_an_article_is_body_text():
    data = parse(one_article("正文。\n\n编辑：王五"))
    assert data.editors == ["林一", "陈二"]
    assert data.articles()[0].body_markdown == "正文。\n\n编辑：王五"


def test_lines_after_the_footer_title_that_are_not_its_furniture_are_reported_and_never_the_slogan():
    for footer in (
        "# 区域观察周报\n\n## —— 城市政策速递 ——\n\n本期责任编辑：王五\n\n内部资料，注意保存。",
        "# 区域观察周报\n\n本期责任编辑：王五\n\n内部资料，注意保存。",
    ):
        data = parse(one_article("全市新建牧场五处。（大众日报 20210330）", footer=footer))
        (article,) = data.articles()
        assert article.body_markdown == "全市新建牧场五处。"
        assert [s.outlet for s in article.sources] == ["大众日报"]
        assert data.slogan == ""
        reported = "\n".join(w.text for w in dropped(data)).split("\n")
        assert "本期责任编辑：王五" in reported and "内部资料，注意保存。" in reported


def test_the_slogan_is_the_footers_first_motto_and_a_known_slogan_changes_nothing():
    footer = (
        "# 区域观察周报\n\n## —— 城市政策速递 ——\n\n看城市 读政策\n\n内部资料，注意保存。\n\n扫描二维码，阅读往期电子版"
    )
    alone = parse(one_article("正文。", footer=footer))
    assert alone.slogan == "看城市 读政策"
    reported = "\n".join(w.text for w in dropped(alone)).split("\n")
    assert "内部资料，注意保存。" in reported and "看城市 读政策" not in reported
    known = parse(one_article("正文。", footer=footer), known_lines=("区域观察周报", "看城市 读政策"))
    assert (known.slogan, [str(w) for w in known.warnings]) == (alone.slogan, [str(w) for w in alone.warnings])


def test_the_slogan_is_read_from_the_file_alone_the_first_motto_after_the_subtitle_whatever_is_known():
    footer = "# 区域观察周报\n\n## —— 城市政策速递 ——\n\n看城市 读政策\n\n内部资料 注意保存"
    results = [
        parse(one_article("正文。", footer=footer), known_lines=known)
        for known in ((), ("区域观察周报", "看城市 读政策"), ("区域观察周报", "内部资料 注意保存"))
    ]
    for data in results:
        assert data.slogan == "看城市 读政策"
        assert "内部资料 注意保存" in "\n".join(w.text for w in dropped(data)).split("\n")
    assert len({tuple(str(w) for w in data.warnings) for data in results}) == 1
