"""The article admin shows figures as thumbnails: the changelist the first figure of each article, the
article page every figure, as <img> with their width and height, from a /media/ address staff can open."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from newsletter.models import Figure, Issue
from tests import factories

pytestmark = pytest.mark.django_db


def wide_figure(article, caption, position=1, size=(400, 100)):
    figure = Figure(article=article, caption=caption, position=position)
    figure.image = ContentFile(factories.png_bytes(size), name="wide.png")  # re-encoded on save, as an upload
    figure.save()
    figure.refresh_from_db()
    return figure


def test_the_changelist_shows_each_articles_first_figure_scaled_into_a_small_box(client, editor_user):
    issue = factories.issue(status=Issue.Status.DRAFT, credits=False)
    illustrated = factories.article(issue, title="有图的文章")
    first = wide_figure(illustrated, "第一张", position=1)
    wide_figure(illustrated, "第二张", position=2, size=(50, 50))
    factories.article(issue, title="没有图的文章")
    client.force_login(editor_user)

    html = client.get(reverse("admin:newsletter_article_changelist")).content.decode()

    rows = {title: row for row in html.split("<tr") for title in ("有图的文章", "没有图的文章") if title in row}
    thumbnail = re.search(
        r'<td class="field-figure_count"><img class="figure-thumbnail" ([^>]*)><span class="figure-count">2</span>',
        rows["有图的文章"],
    )
    assert thumbnail, rows["有图的文章"]
    assert f'src="{first.image.url}"' in thumbnail.group(1)
    assert 'width="64" height="16"' in thumbnail.group(1)  # 400×100 fitted into 64×48
    assert "<img" not in rows["没有图的文章"]
    assert client.get(first.image.url).status_code == 200  # staff may open a draft's figure


def test_the_article_page_shows_a_thumbnail_above_each_figures_fields(client, editor_user):
    article = factories.article(factories.issue(status=Issue.Status.DRAFT, credits=False))
    figure = wide_figure(article, "宽图")
    factories.figure(article, caption="导入的图注", position=2, with_image=False)
    client.force_login(editor_user)

    html = client.get(reverse("admin:newsletter_article_change", args=[article.pk])).content.decode()

    assert re.search(
        rf'<img class="figure-thumbnail" src="{re.escape(figure.image.url)}" width="200" height="50" alt="宽图"', html
    )
    assert "（尚无图片）" in html
    assert "newsletter/admin/figures.css" in html


def test_the_changelist_makes_no_query_per_row_for_thumbnails(client, editor_user, django_assert_max_num_queries):
    issue = factories.issue(status=Issue.Status.DRAFT, credits=False)
    for n in range(5):
        wide_figure(factories.article(issue, title=f"文章{n}"), f"图{n}")
    client.force_login(editor_user)
    client.get(reverse("admin:newsletter_article_changelist"))  # warm caches (content types, session)
    with django_assert_max_num_queries(12) as captured:
        client.get(reverse("admin:newsletter_article_changelist"))
    few = len(captured.captured_queries)
    for n in range(5, 15):
        wide_figure(factories.article(issue, title=f"文章{n}"), f"图{n}")
    with django_assert_max_num_queries(few):
        client.get(reverse("admin:newsletter_article_changelist"))
