"""Import speed (issue 7) must not change what an import stores: the body HTML and search text the
loader computes from the rows in hand are exactly what Article.refresh_derived() computes from the
database, and a reused Markdown converter renders exactly as a new one does."""

import io
from pathlib import Path

import markdown
import pytest
from django.core.management import call_command

from newsletter import rendering
from newsletter.models import Article, Figure, Source
from newsletter.models.article import build_search_text
from tests import factories
from tests.test_import_performance import issue_text

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


def test_imported_articles_store_what_refresh_derived_would_store(tmp_path):
    factories.publication()
    for index in range(3):
        (tmp_path / f"issue_{index}.txt").write_text(issue_text(index), encoding="utf-8")
    files = [str(path) for path in sorted(tmp_path.iterdir())] + [str(p) for p in sorted(SAMPLES.iterdir())]
    call_command("import_issue", *files, stdout=io.StringIO(), stderr=io.StringIO())
    articles = list(Article.objects.all())
    assert len(articles) > 30
    assert Source.objects.exists() and Figure.objects.exists()
    for article in articles:
        assert article.body_html == article.render_body(), article.title
        assert article.search_text == build_search_text(article), article.title


@pytest.mark.parametrize(
    "body",
    [
        "# 标题\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n1. 一\n2. 二\n\n3. 三",
        "【湖北】段落\n\n> 引用\n\n    代码\n\n---\n\n[链接](https://example.com) <script>x</script>",
        "第一段  \n换行\n\n* 列表\n* 项目",
        "",
    ],
)
def test_reused_markdown_converter_renders_like_a_new_one(body):
    for _ in range(3):  # the same converter, reset between documents
        expected_html = markdown.markdown(
            rendering._demote_headings(body), extensions=["tables", "sane_lists"], output_format="html"
        )
        assert rendering._markdown().reset().convert(rendering._demote_headings(body)) == expected_html
