"""A figure's credit (图片来源) is shown to readers under its caption: on the article page, the issue
page, the print PDF and the WeChat copy, escaped like every other text; migration 0011 re-derives
the bodies stored before this."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from newsletter.models import Article, Figure, Issue
from newsletter.printing import pdf, wechat
from tests import factories
from tests.test_pdf_layout import normalise, pdf_text, require_pdf_tools

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>新华社 & <b onmouseover=1>'
migration = importlib.import_module("newsletter.migrations.0011_figure_credit_shown")


def credited_article(credit="新华社 张三 摄", status=Issue.Status.PUBLISHED):
    issue = factories.issue(status=status)
    article = factories.article(issue, title="碳市场成交活跃", body="正文第一段。\n\n[[figure:1]]\n\n正文第二段。")
    figure = factories.figure(article, caption="全国碳市场成交量")
    figure.credit = credit
    figure.save()
    article.refresh_from_db()
    return issue, article, figure


def test_the_public_article_page_shows_the_credit_under_the_numbered_caption(client):
    _, article, _ = credited_article()
    html = client.get(article.get_absolute_url()).content.decode()
    caption = html.index("图 1 全国碳市场成交量")
    assert html.index("图片来源：新华社 张三 摄") > caption
    assert html.index("图片来源：新华社 张三 摄") < html.index("</figcaption>", caption)


def test_the_public_issue_page_shows_the_credit(client):
    issue, _, _ = credited_article()
    html = client.get(issue.get_absolute_url()).content.decode()
    assert '<span class="figure-credit">图片来源：新华社 张三 摄</span></figcaption>' in html


def test_a_figure_without_a_credit_shows_no_credit_line(client):
    issue = factories.issue()
    article = factories.article(issue, body="[[figure:1]]")
    factories.figure(article, caption="无来源的图")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "图 1 无来源的图</figcaption>" in html
    assert "图片来源" not in html


def test_a_hostile_credit_is_shown_as_text_and_never_as_markup(client):
    _, article, _ = credited_article(credit=HOSTILE)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<b onmouseover" not in html
    assert '图片来源：&lt;script&gt;alert("x")&lt;/script&gt;新华社 &amp; &lt;b onmouseover=1&gt;' in html


def test_changing_only_the_credit_updates_the_stored_body_and_search():
    _, article, figure = credited_article()
    figure.credit = "人民视觉"
    figure.save()
    article.refresh_from_db()
    assert "图片来源：人民视觉" in article.body_html
    assert "新华社" not in article.body_html
    assert "人民视觉" in article.search_text


def test_the_wechat_copy_shows_the_credit_under_the_caption():
    issue, article, _ = credited_article(credit=HOSTILE)
    result = wechat.build_article(pdf.print_queryset().get(pk=issue.pk).articles.get(pk=article.pk))
    lines = result.text.splitlines()
    caption = next(i for i, line in enumerate(lines) if "图 1 全国碳市场成交量" in line)
    assert lines[caption + 1] == '图片来源：<script>alert("x")</script>新华社 & <b onmouseover=1>'
    assert "<script" not in result.html and "<b " not in result.html


def test_the_print_pdf_shows_the_credit_under_the_caption():
    require_pdf_tools()
    issue, _, _ = credited_article()
    text = normalise(pdf_text(pdf.render_issue_pdf(pdf.print_queryset().get(pk=issue.pk))))
    assert "图1全国碳市场成交量图片来源：新华社张三摄" in text


def test_migration_0011_rederives_the_bodies_of_articles_with_a_credited_figure():
    _, article, figure = credited_article()
    untouched = factories.article(factories.issue(), body="[[figure:1]]")
    factories.figure(untouched, caption="无来源")
    # A body stored by the code before credits were shown.
    Article.objects.filter(pk=article.pk).update(body_html="<p>旧的正文</p>", search_text="旧")
    Article.objects.filter(pk=untouched.pk).update(body_html="<p>不需要重算</p>")
    historical = MigrationExecutor(connection).loader.project_state(("newsletter", "0011_figure_credit_shown")).apps

    migration.show_figure_credits(historical, None)

    article.refresh_from_db()
    fresh = Article.objects.get(pk=article.pk)
    fresh.save()  # what the owner's own write path stores
    assert article.body_html == fresh.body_html
    assert article.search_text == fresh.search_text
    assert "图片来源：新华社 张三 摄" in article.body_html
    assert Article.objects.get(pk=untouched.pk).body_html == "<p>不需要重算</p>"
    assert Figure.objects.get(pk=figure.pk).number == 1
