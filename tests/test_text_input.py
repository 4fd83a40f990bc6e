"""Text is normalised once where it enters, so every feed stays well-formed XML.

Word's manual line break is U+000B; pasted text brings other C0 controls, U+FFFE/U+FFFF, NBSP and
zero-width characters. Typed in the admin (the real forms, POSTed) or read by the importer, in any
title, body, summary, caption, alt text, topic, region, editor or publication name, none of them
may reach a feed, and a row written around the rules (QuerySet.update()) must not break one either.
"""

import datetime
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Article, Editor, Figure, Issue, Outlet, Publication, PublicationHost, Topic
from newsletter.models.article import HEAD_END, PART_SEPARATOR
from newsletter.text_input import multi_line, single_line
from regions.models import Region
from tests import factories
from tests.security.admin_forms import form_data, single

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
# Every character the rules are about: U+0001–0008, 000B, 000C, 000E–001F, U+FFFE, U+FFFF.
CONTROLS = [chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))] + ["\ufffe", "\uffff"]
ALL_CONTROLS = "".join(CONTROLS)


def dirty(text):
    """``text`` with every control character between its first and second half."""
    middle = len(text) // 2
    return text[:middle] + ALL_CONTROLS + text[middle:]


def assert_clean(value, where):
    bad = sorted({f"U+{ord(c):04X}" for c in value if c in ALL_CONTROLS})
    assert not bad, (where, bad, value)


def without_index_separators(search_text):
    """search_text is an index, never shown: its parts are joined by two control characters that no
    query can contain (newsletter.models.article). Any other control character in it is a fault."""
    return search_text.replace(PART_SEPARATOR, "").replace(HEAD_END, "")


def feed_urls(region_slugs, topic_slugs):
    urls = [reverse(f"feeds:{name}") for name in ("issues_rss", "issues_atom", "articles_rss", "articles_atom")]
    for kind, slugs in (("region", region_slugs), ("tag", topic_slugs)):
        for slug in slugs:
            urls += [reverse(f"feeds:{kind}_rss", kwargs={"slug": slug}), reverse(f"feeds:{kind}_atom", kwargs={"slug": slug})]
    return urls


def assert_feeds_well_formed(client, urls, *expected):
    """Every feed answers 200 and is XML that ElementTree and feedparser both accept; ``expected``
    texts (the normalised names) are in the issues and articles feeds."""
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        ET.fromstring(response.content)  # raises on anything XML 1.0 forbids
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
        assert parsed.entries, url
        bodies[url] = response.content.decode()
    site_wide = "".join(bodies[url] for url in urls[:4])
    for text in expected:
        assert text in site_wide, text


# ------------------------------------------------------------------------------------------ rules


def test_single_line_text_turns_every_line_break_into_one_space_and_drops_other_controls():
    assert single_line("上海\x0b浦东") == "上海 浦东"  # Word's manual line break
    assert single_line("上海\r\n浦东\u2028新区\u2029试点\x85方案\x0c附件") == "上海 浦东 新区 试点 方案 附件"
    assert single_line("  碳\u200b市场\ufeff\x01\x1f\ufffe\uffff  行动\t方案\u00a0 ") == "碳市场 行动 方案"
    assert single_line("a" + "\ud800" + "b") == "ab"
    assert single_line(dirty("全国碳市场交易激增")) == "全国碳市 场交易激增"


def test_multi_line_text_keeps_lines_and_paragraphs_and_drops_other_controls():
    assert multi_line("第一行\r\n第二行\r第三行") == "第一行\n第二行\n第三行"
    assert multi_line("第一行\x0b第二行\u2028第三行\x85第四行") == "第一行\n第二行\n第三行\n第四行"
    assert multi_line("第一段\u2029第二段") == "第一段\n\n第二段"
    assert multi_line("表格\t列\n\x01\x08\x0c\x0e\x1f\ufffe\uffff\u200b\ufeff正文\u00a0结束") == "表格\t列\n正文 结束"
    assert multi_line("行尾两个空格  \n硬换行") == "行尾两个空格  \n硬换行"  # Markdown's hard break survives


def test_chinese_text_and_its_full_width_punctuation_are_left_exactly_as_they_are():
    text = "２０２４年，全国碳市场：成交量“激增”（约５０％）——【上海】《方案》！？　全角空格、ＡＢＣ。"
    assert single_line(text) == text
    assert multi_line(text + "\n\n" + text) == text + "\n\n" + text


# ----------------------------------------------------------------------------------------- admin


@pytest.fixture
def published(db):
    issue = factories.issue(theme="本期主题")
    article = factories.article(
        issue=issue,
        section="上海",
        title="上海发布并购重组行动方案",
        body="第一段正文。\n\n[[figure:1]]\n\n第二段正文。",
        region_tags=("湖北",),
        topics=("并购重组",),
    )
    factories.figure(article, caption="行动方案示意图")
    return issue, article


def post_admin_form(client, url, changes, **inline_changes):
    """GET the admin form, change some fields as a person would, POST it back; the save must succeed."""
    data = single(form_data(client.get(url).content.decode()))
    data.update(changes)
    data.update(inline_changes)
    data["_continue"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode()[:3000])


def test_control_characters_typed_in_every_admin_field_are_normalised_and_every_feed_stays_well_formed(
    client, superuser, published
):
    issue, article = published
    client.force_login(superuser)
    publication = issue.publication
    editor = Editor.objects.get(name="甲编辑")
    region = article.section
    topic = article.topics.get()

    post_admin_form(
        client,
        reverse("admin:newsletter_publication_change", args=[publication.pk]),
        {"name": dirty("双周决策观察"), "subtitle": dirty("地方工作亮点追踪"), "description": dirty("刊物简介")},
        **{"hosts-0-name": dirty("测试研究院")},
    )
    post_admin_form(client, reverse("admin:newsletter_editor_change", args=[editor.pk]), {"name": dirty("甲编辑")})
    post_admin_form(
        client,
        reverse("admin:regions_region_change", args=[region.pk]),
        {"name": dirty("上海"), "description": dirty("上海的简介")},
    )
    post_admin_form(client, reverse("admin:newsletter_topic_change", args=[topic.pk]), {"name": dirty("并购重组")})
    post_admin_form(client, reverse("admin:newsletter_issue_change", args=[issue.pk]), {"theme": dirty("本期主题")})
    post_admin_form(
        client,
        reverse("admin:newsletter_article_change", args=[article.pk]),
        {
            "title": dirty("上海发布并购重组行动方案"),
            "short_title": dirty("并购重组方案"),
            "summary": dirty("摘要第一句。摘要第二句。"),
            # What the editor posts: HTML, the figure a block of its own.
            "body": f"<p>{dirty('第一段正文。')}</p><figure data-figure=\"1\"></figure><p>{dirty('第二段正文。')}</p>",
            "regions": "湖北, " + dirty("新疆"),
            "topics": "并购 重组, " + dirty("碳市场"),
        },
        **{"figures-0-caption": dirty("行动方案示意图"), "figures-0-alt_text": dirty("示意图说明")},
    )

    rows = [
        *Publication.objects.values_list("name", "subtitle", "description"),
        *PublicationHost.objects.values_list("name"),
        *Editor.objects.values_list("name"),
        *Region.objects.values_list("name", "description"),
        *Topic.objects.values_list("name"),
        *Issue.objects.values_list("theme"),
        *Article.objects.values_list("title", "short_title", "summary", "body", "body_html"),
        *((without_index_separators(text),) for text in Article.objects.values_list("search_text", flat=True)),
        *Figure.objects.values_list("caption", "alt_text"),
    ]
    for row in rows:
        for value in row:
            assert_clean(value, row)
    article.refresh_from_db()
    assert article.title == "上海发布并购 重组行动方案"  # the line breaks among the controls became one space
    # In the editor's HTML the controls are whitespace, which between Chinese characters is nothing.
    assert article.body == "第一段正文。\n\n[[figure:1]]\n\n第二段正文。"
    assert set(Topic.objects.values_list("name", flat=True)) == {"并购 重组", "碳 市场"}
    assert sorted(article.regions.values_list("name", flat=True)) == ["新 疆", "湖北"]

    article.refresh_from_db()
    regions = [article.section.slug, *article.regions.values_list("slug", flat=True)]
    assert_feeds_well_formed(
        client,
        feed_urls(regions, [t.slug for t in Topic.objects.all()]),
        "上海发布并购 重组行动方案",
        "双周决 策观察",
        "甲 编辑",
        "行动方 案示意图",
        "示意 图说明",
        "摘要第一句。\n摘要第二句。",
    )


# -------------------------------------------------------------------------------------- importer


def test_control_characters_in_imported_files_are_normalised_and_every_feed_stays_well_formed(client, tmp_path):
    """One file per control character (a file full of controls is refused as binary), each with that
    character in a title, a body paragraph, a caption, an outlet, an editor and a region name."""
    factories.publication()
    sample = (SAMPLES / "issue_2023_03.txt").read_text("utf-8")
    for index, char in enumerate(CONTROLS, start=1):
        replacements = {
            "2023 年第 3 期": f"2023 年第 {index} 期",
            "（总第258期）": f"（总第{300 + index}期）",
            "北京试点社区食堂运营补贴": f"北京试点社区{char}食堂运营补贴",
            "王一鸣": f"王一{'' if char == chr(0x0B) else char}鸣",  # the masthead: one name a line
            "首批试点覆盖": f"首批试点{char}覆盖",
            "国家骨干冷链物流基地分布示意": f"国家骨干冷链{char}物流基地分布示意",
            "北京日报": f"北京{'' if char == chr(0x0B) else char}日报",  # spaces separate outlets
            # U+000B is a line break in a file: one inside 【】 would cut the marker in two.
            "【江苏】": f"【江{'' if char == chr(0x0B) else char}苏】",
        }
        text = sample
        for old, new in replacements.items():
            assert old in text, old
            text = text.replace(old, new)
        (tmp_path / f"{index:02d}.txt").write_text(text, "utf-8")
    out = io.StringIO()
    try:
        call_command("import_issue", str(tmp_path), stdout=out, stderr=out)
    except CommandError:
        pytest.fail(out.getvalue())
    assert Issue.objects.count() == len(CONTROLS)

    for article in Article.objects.all():
        search_text = without_index_separators(article.search_text)
        for value in (article.title, article.short_title, article.body, article.body_html, search_text):
            assert_clean(value, article.title)
    for model in (Editor, Outlet, Figure, Region):
        for value in model.objects.values_list("caption" if model is Figure else "name", flat=True):
            assert_clean(value, (model.__name__, value))
    # The same name with different controls in it is one row: the rules run before the lookups.
    assert Editor.objects.filter(name__startswith="王一").count() == 1
    assert Outlet.objects.filter(name__startswith="北京").count() == 1
    assert Region.objects.filter(name__startswith="江").count() == 1
    titles = set(Article.objects.filter(title__startswith="北京试点社区").values_list("title", flat=True))
    # In a file each line is a record, so a soft line break (U+000B) in one is a space, as in the admin's
    # title; the separators U+001C–U+001E are dropped.
    assert titles == {"北京试点社区食堂运营补贴", "北京试点社区 食堂运营补贴"}, titles
    bodies = Article.objects.filter(body__contains="首批试点").values_list("body", flat=True)
    assert {body.count("首批试点 覆盖") + body.count("首批试点覆盖") for body in bodies} == {1}

    Issue.objects.update(status=Issue.Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(hours=1))
    regions = [r.slug for r in Region.objects.filter(section_articles__isnull=False).distinct()]
    assert_feeds_well_formed(client, feed_urls(regions, []), "食堂运营补贴", "王一鸣", "北京日报")


# ------------------------------------------------------------------------- rows around the rules


def test_feeds_stay_well_formed_when_old_rows_hold_control_characters(client, published):
    """Rows written before the rules, or by QuerySet.update() (no signal), reach the feed writer as they are."""
    issue, article = published
    # Straight into the database, past save(): every text a feed shows.
    Publication.objects.update(name=dirty("双周决策观察"), subtitle=dirty("地方工作亮点追踪"))
    for model in (PublicationHost, Editor, Region, Topic, Outlet):  # names are unique: one row at a time
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(name=dirty(row.name))
    Issue.objects.update(theme=dirty("本期主题"))
    Figure.objects.update(caption=dirty("行动方案示意图"), alt_text=dirty("示意图说明"))
    Article.objects.update(
        title=dirty("上海发布并购重组行动方案"),
        short_title=dirty("并购重组方案"),
        summary=dirty("摘要。"),
        body_html="<p>" + dirty("第一段正文。") + "</p>",
    )
    assert ALL_CONTROLS in Article.objects.get().title  # the rows really hold them

    region = Region.objects.get(pk=article.section_id)
    urls = feed_urls([region.slug], [Topic.objects.get().slug])
    assert_feeds_well_formed(client, urls, "上海发布并购重组行动方案", "第一段正文。")
