"""Import speed (issue 7) must not change what an import stores: the body HTML and search text the
loader computes from the rows in hand are exactly what Article.derive() computes from the
database, a reused Markdown converter renders exactly as a new one does, a folder (whose next files
a worker prepares while the current one is written) stores what its files store one by one, and the
faster bigram function returns what the old one returned."""

import io
import shutil
from pathlib import Path

import markdown
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from newsletter import cache, rendering
from newsletter.models import Article, Figure, Issue, IssueRendition, Publication, Source
from regions.models import Region
from tests import factories
from tests.importing_helpers import snapshot
from tests.test_import_performance import issue_text

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


def test_imported_articles_store_what_saving_them_would_store(tmp_path):
    factories.publication()
    for index in range(3):
        (tmp_path / f"issue_{index}.txt").write_text(issue_text(index), encoding="utf-8")
    files = [str(path) for path in sorted(tmp_path.iterdir())] + [str(p) for p in sorted(SAMPLES.iterdir())]
    call_command("import_issue", *files, stdout=io.StringIO(), stderr=io.StringIO())
    articles = list(Article.objects.all())
    assert len(articles) > 30
    assert Source.objects.exists() and Figure.objects.exists()
    for article in articles:
        stored = {"body_html": article.body_html, "search_text": article.search_text}
        assert stored == article.derive(), article.title


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


def stored_rows():
    """Everything the imports wrote, by name rather than primary key."""
    issues = []
    for issue in Issue.objects.order_by("total_number"):
        articles = []
        for article in issue.articles_in_order():
            articles.append(
                (
                    article.section.name,
                    article.position,
                    article.title,
                    article.short_title,
                    article.slug,
                    article.body,
                    article.body_html,
                    article.search_text,
                    [(s.outlet.name, s.date, s.position) for s in article.sources.order_by("position")],
                    [(f.caption, f.position, f.number) for f in article.figures.order_by("position")],
                    sorted(article.regions.names()),
                )
            )
        credits = [(c.role, c.position, c.editor.name) for c in issue.credits.order_by("role", "position")]
        issues.append((issue.year, issue.number, issue.issue_date, issue.status, credits, articles))
    publications = [(p.name, p.subtitle, p.slogan, p.phone, p.fax, p.host_names()) for p in Publication.objects.all()]
    return publications, issues


def forget_imports():
    Article.objects.all().delete()  # Article.issue is SET_NULL: articles go explicitly
    Issue.objects.all().delete()
    Publication.objects.all().delete()


def test_a_folder_stores_what_its_files_store_imported_one_by_one(tmp_path):
    # No publication yet: the first file creates it from its masthead, so the files after it are parsed
    # with its name, subtitle and slogan as page furniture, which the worker could not know beforehand.
    for name in ["issue_2022_01_gb18030.txt", "issue_2023_03.txt", "issue_2025_12.md"]:
        shutil.copy(SAMPLES / name, tmp_path / name)
    for index in range(4):
        # A page's running footer (the slogan) inside a body: furniture once the publication is known.
        text = issue_text(index).replace("这是第 3 段，", "洞悉基层创新 启迪新政新思\n\n这是第 3 段，", 1)
        (tmp_path / f"issue_{index}.txt").write_text(text, encoding="utf-8")
    files = sorted(str(path) for path in tmp_path.iterdir())
    call_command("import_issue", *files, stdout=io.StringIO(), stderr=io.StringIO())
    together = stored_rows()
    assert len(together[1]) == 7 and sum(len(issue[5]) for issue in together[1]) > 40
    forget_imports()
    for path in files:
        call_command("import_issue", path, stdout=io.StringIO(), stderr=io.StringIO())
    assert stored_rows() == together


def test_a_bad_file_in_a_folder_gets_the_message_it_gets_alone_and_writes_nothing(tmp_path):
    factories.publication()
    (tmp_path / "a.txt").write_text(issue_text(0), encoding="utf-8")
    (tmp_path / "b.txt").write_text(issue_text(1).replace("年第 2 期", "年第 2 號"), encoding="utf-8")
    (tmp_path / "c.txt").write_text(issue_text(2), encoding="utf-8")
    alone = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_issue", str(tmp_path / "b.txt"), stdout=alone, stderr=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 个文件导入失败"):
        call_command("import_issue", str(tmp_path), stdout=out, stderr=io.StringIO())
    message = alone.getvalue().splitlines()[0].replace(str(tmp_path / "b.txt"), "b.txt")
    assert message.startswith("✗ b.txt：没有找到期号行") and message in out.getvalue().splitlines()
    assert snapshot()["Issue"] == before["Issue"] + 2
    assert sorted(Issue.objects.values_list("total_number", flat=True)) == [1, 3]


def test_a_new_draft_neither_makes_cached_pages_stale_nor_is_rendered(tmp_path, django_capture_on_commit_callbacks):
    # Drafts are on no public page and previews show the rows: an import of a back issue has no
    # reason to empty the page cache or to pre-render the issue page (it is rendered when published).
    factories.publication()
    for index in range(2):
        (tmp_path / f"issue_{index}.txt").write_text(issue_text(index), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):  # the first file adds outlets, editors, a region
        call_command("import_issue", str(tmp_path / "issue_0.txt"), stdout=io.StringIO(), stderr=io.StringIO())
    version = cache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_issue", str(tmp_path / "issue_1.txt"), stdout=io.StringIO(), stderr=io.StringIO())
    assert Issue.objects.filter(status=Issue.Status.DRAFT).count() == 2
    assert cache.current_version() == version
    assert not IssueRendition.objects.exists()


def sections_issue(sections):
    """An issue whose sections come in the given order, each with one article placing one figure."""
    toc = [f"- 【{region}】 {region}试点项目进展情况通报" for region in sections]
    body = []
    for region in sections:
        body += [f"## 【{region}】", f"### {region}试点项目进展情况通报", f"{region}试点项目进展顺利。"]
        body += [f"图 1 {region}项目分布示意", "各项工作按计划推进。（金融时报 20240110）"]
    header = ["2031 年第 1 期", "(总第 1 期)", "1 月 10 日印发", "# 双周决策观察", "## 地方工作亮点追踪"]
    return "\n\n".join(header + ["\n".join(toc), "编辑  \n甲乙"] + body) + "\n"


def test_figures_are_numbered_in_the_files_section_order_when_it_differs_from_the_site_wide_order(tmp_path):
    publication = factories.publication()
    # 上海 comes before 区域 site-wide and both already have articles: the file's order is the
    # issue's, reported as such, and the site-wide order is left alone.
    Region.objects.filter(name="上海").update(order=5)
    for name in ("上海", "区域"):
        factories.article(factories.issue(pub=publication), section=Region.objects.get(name=name))
    (tmp_path / "a.txt").write_text(issue_text(5), encoding="utf-8")
    (tmp_path / "b.txt").write_text(sections_issue(["区域", "上海"]), encoding="utf-8")
    out = io.StringIO()
    call_command("import_issue", str(tmp_path), stdout=out, stderr=io.StringIO())
    assert "本期栏目顺序（【区域】、【上海】）与网站的栏目排序（【上海】、【区域】）不同" in out.getvalue()
    issue = Issue.objects.get(publication=publication, total_number=1)
    numbers = {a.section.name: [f.number for f in a.figures.all()] for a in issue.articles.all()}
    assert numbers == {"区域": [1], "上海": [2]}
    for article in issue.articles.all():
        assert article.body_html == article.render_body(), article.title
        assert f"图 {numbers[article.section.name][0]} {article.section.name}项目分布示意" in article.body_html
    assert Region.objects.get(name="上海").order == 5


def test_an_issue_the_database_refuses_gets_the_validation_message_and_writes_nothing(tmp_path):
    factories.publication()
    before = snapshot()
    (tmp_path / "old.txt").write_text(issue_text(0).replace("2012 年第 1 期", "1850 年第 1 期"), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_issue", str(tmp_path / "old.txt"), stdout=out, stderr=io.StringIO())
    assert "old.txt：数据不符合要求：约束 “issue_year_plausible” 是无效的" in out.getvalue()  # full_clean()'s message
    assert snapshot() == before


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: the bigram function exists only there")
@pytest.mark.parametrize(
    "text",
    [
        "",
        "碳",
        "碳市",
        "碳市场ab碳 交易",
        "a\nb\r\nc",
        "😀中😀文",
        "e\u0301x",
        "含\x01分隔\x01符",
        "\\1\\2$&",
        "碳市场" * 500,
    ],
)
def test_postgresql_bigram_function_lists_every_adjacent_pair_in_order(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT newsletter_search_bigrams(%s)", [text])
        assert cursor.fetchone()[0] == [text[i : i + 2] for i in range(len(text) - 1)]
