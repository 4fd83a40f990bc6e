import datetime

import pytest
from django.db import IntegrityError, transaction

from newsletter.models import Article, Issue, Outlet
from newsletter.models.article import format_source_line
from regions.models import Region
from regions.slugs import pinyin_slug
from tests import factories

pytestmark = pytest.mark.django_db


def test_regions_get_pinyin_slugs():
    assert Region.objects.get(name="区域").slug == "quyu"
    assert Region.objects.get(name="上海").slug == "shanghai"
    new = Region(name="江苏")
    new.save()
    assert new.slug == "jiangsu"


def test_a_second_region_with_the_same_pinyin_gets_a_distinct_slug():
    first = Region(name="山西")
    first.save()
    second = Region(name="陕西")  # also "shanxi"
    second.save()
    assert first.slug == "shanxi" and second.slug != "shanxi" and second.slug.startswith("shanxi")


def test_pinyin_slug_keeps_latin_and_digits_and_cuts_at_a_hyphen():
    assert pinyin_slug("11 月全国碳市场", separator="-") == "11-yue-quan-guo-tan-shi-chang"
    assert pinyin_slug("CCER 重启") == "ccer-chongqi"
    long = pinyin_slug("各地加快布局醇氢生态产业链" * 5, separator="-", max_length=30)
    assert len(long) <= 30 and not long.endswith("-")


def test_initial_regions_exist_in_print_order():
    assert list(Region.objects.ordered().values_list("name", flat=True)[:4]) == ["区域", "上海", "广东", "浙江"]


def test_article_slug_is_pinyin_and_unique_within_its_issue():
    issue = factories.issue()
    a = factories.article(issue=issue, title="碳市场交易激增")
    b = factories.article(issue=issue, title="碳市场交易激增")
    assert a.slug == "tan-shi-chang-jiao-yi-ji-zeng"
    assert b.slug == "tan-shi-chang-jiao-yi-ji-zeng-2"
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=b.pk).update(slug=a.slug)


def test_the_same_slug_may_appear_in_two_issues_and_in_unplaced_drafts():
    one, two = factories.issue(), factories.issue()
    a = factories.article(issue=one, title="同名文章")
    b = factories.article(issue=two, title="同名文章")
    c = factories.article(issue=None, title="同名文章")
    d = factories.article(issue=None, title="同名文章")
    assert a.slug == b.slug == c.slug == d.slug


def test_outlet_names_are_normalised_so_spacing_does_not_split_an_outlet():
    assert Outlet.get_for_name("21 世纪经济报道") == Outlet.get_for_name("21世纪经济报道")
    assert Outlet.get_for_name("21世纪经济报道").name == "21世纪经济报道"
    assert Outlet.get_for_name("China Daily").name == "China Daily"


def test_source_line_groups_outlets_that_share_a_date_as_in_print():
    article = factories.article(
        issue=factories.issue(),
        sources=[
            ("金融时报", datetime.date(2024, 12, 10)),
            ("中央财经大学绿色金融国际研究院", datetime.date(2024, 12, 10)),
        ],
    )
    assert article.source_line() == "（金融时报 中央财经大学绿色金融国际研究院 20241210）"
    assert format_source_line([]) == ""


def test_article_body_html_is_rendered_on_save_and_region_markers_are_kept():
    article = factories.article(issue=factories.issue(), body="【湖北】碳市场表现活跃。\n\n### 小标题\n\n正文")
    assert '<span class="region-marker">【湖北】</span>碳市场表现活跃' in article.body_html
    assert "<h5>小标题</h5>" in article.body_html or "<h5>小标题" in article.body_html


def test_figures_are_numbered_through_the_whole_issue_in_print_order():
    issue = factories.issue()
    later = factories.article(issue=issue, section="浙江", position=1, body="[[figure:1]]")
    earlier = factories.article(issue=issue, section="上海", position=1, body="正文\n\n[[figure:1]]\n\n[[figure:2]]")
    f_late = factories.figure(later, caption="浙江的图")
    f1 = factories.figure(earlier, caption="上海第一图", position=1)
    f2 = factories.figure(earlier, caption="上海第二图", position=2)
    for obj in (f_late, f1, f2):
        obj.refresh_from_db()
    assert (f1.number, f2.number, f_late.number) == (1, 2, 3)
    later.refresh_from_db()
    assert "图 3 浙江的图" in later.body_html and "<img" in later.body_html


def test_an_imported_figure_without_an_image_is_flagged_and_shows_its_caption():
    article = factories.article(issue=factories.issue(), body="第一段\n\n[[figure:1]]\n\n第二段")
    fig = factories.figure(article, caption="待补图片", with_image=False)
    fig.refresh_from_db()
    article.refresh_from_db()
    assert fig.needs_image
    assert "图 1 待补图片" in article.body_html and "<img" not in article.body_html


def test_article_in_region_finds_section_and_tag_matches():
    issue = factories.issue(status=Issue.Status.PUBLISHED)
    hubei = factories.region("湖北")
    by_section = factories.article(issue=issue, section=hubei)
    by_tag = factories.article(issue=issue, section="区域", region_tags=["湖北"])
    other = factories.article(issue=issue, section="上海")
    found = set(Article.objects.published().in_region(hubei))
    assert found == {by_section, by_tag} and other not in found
