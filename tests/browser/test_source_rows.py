"""Sources on the article page in Chromium: a pasted source line fills the rows, and a new outlet is
typed straight into a row, without the popup."""

import pytest
from playwright.sync_api import expect

from newsletter.models import Article, Issue, Source

pytestmark = pytest.mark.browser


def editable_article():
    return (
        Article.objects.filter(issue__status__in=[Issue.Status.DRAFT, Issue.Status.CHANGES_REQUESTED])
        .order_by("pk")
        .first()
    )


def rows(article):
    return [(s.outlet.name, s.date.isoformat() if s.date else None) for s in Source.objects.filter(article=article)]


def test_a_pasted_source_line_becomes_the_rows_and_shows_again_as_one_line(login):
    article = editable_article()
    page = login("editor")
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    page.locator("#id_source_line").fill("（金融时报 中央财经大学绿色金融国际研究院 20241210）")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert rows(article) == [("金融时报", "2024-12-10"), ("中央财经大学绿色金融国际研究院", "2024-12-10")]
    expect(page.locator("#id_source_line")).to_have_value("（金融时报 中央财经大学绿色金融国际研究院 20241210）")


def test_a_new_outlet_is_typed_into_a_row_without_a_popup(login):
    article = editable_article()
    page = login("editor")
    page.goto(f"/admin/newsletter/article/{article.pk}/change/")
    before = len(rows(article))
    page.locator("#sources-group .add-row a").click()
    row = before  # the new row's index
    page.locator(f"#id_sources-{row}-outlet + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("浏览器新报")
    page.locator(".select2-results__option", has_text="浏览器新报").first.click()
    page.locator(f"#id_sources-{row}-date").fill("2024-12-11")
    pages_before = len(page.context.pages)
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert len(page.context.pages) == pages_before  # no popup window
    assert ("浏览器新报", "2024-12-11") in rows(article)
