"""A Word issue (.docx, laid out like the print edition) imports like its text: headings, bold,
lists and tables keep their structure, and its pictures become the issue's figures, with their
images stored through the upload rules (re-encoded), so no figure of a Word issue awaits an image."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse

from newsletter.importing.schema import Notice
from newsletter.models import Article, Figure, Issue
from tests import import_file_helpers
from tests.import_file_helpers import damaged_png, import_file, word_issue
from tests.import_report_helpers import confirm_upload, run_import
from tests.importing_helpers import snapshot

world = import_file_helpers.world  # the shared fixture (the database these tests start from)


def test_a_word_issue_imports_its_picture_as_figure_1_with_a_re_encoded_image_and_its_table_as_a_table(world, tmp_path):
    out, _, failed = import_file(tmp_path, word_issue())
    assert failed is None, out
    assert "已导入 2021 年第 7 期（总第 180 期），2 篇文章" in out and "待补图片" not in out
    issue = Issue.objects.get()
    article = Article.objects.get(issue=issue, title="常州新能源产业链年产值破万亿")
    figure = Figure.objects.get(article=article)
    assert (figure.number, figure.caption) == (1, "常州新能源<产业>产值（亿元）")
    stored = figure.image.read()
    assert stored.startswith(b"\x89PNG") and b"secret-camera-serial" not in stored  # re-encoded
    assert (figure.width, figure.height) == (60, 40)
    # The body: the figure's place, the table as a Markdown table, the subheading, the bold run.
    body = article.body
    assert "[[figure:1]]" in body
    assert "| 年份 | 产值（亿元） |\n| --- | --- |\n| 2019 | 3000 |\n| 2020 \\| 上半年 | 4100 |" in body
    assert "## 产值逐年上升" in body and "常州新能源产业**持续扩张**，形成" in body
    assert article.sources.get().outlet.name == "新华日报"
    # Derived by the normal path: the page shows the image, the table and the escaped caption.
    assert figure.image.url in article.body_html and "<table>" in article.body_html
    assert "图 1 常州新能源&lt;产业&gt;产值（亿元）" in article.body_html
    other = Article.objects.get(issue=issue, title="成都发布公园城市条例")
    assert "1. 生态优先\n2. 以人为本" in other.body


def test_a_picture_without_a_caption_line_gets_its_alt_text_or_its_number_as_caption_and_a_notice(world, tmp_path):
    out, _, failed = import_file(tmp_path, word_issue(second_picture=True), "--json")
    assert failed is None
    report = json.loads(out)["report"]
    (other,) = [entry for entry in report if entry["kind"] == Notice.OTHER]
    assert "第 2 张图片旁没有“图 N”图注行" in other["message"]
    assert not [entry for entry in report if entry["kind"] == Notice.FIGURE_WITHOUT_IMAGE]
    figure = Figure.objects.get(article__title="成都发布公园城市条例")
    assert figure.caption == "图 2" and figure.image and figure.number == 2


def test_strict_refuses_a_word_issue_whose_picture_has_no_caption_line(world, tmp_path):
    before = snapshot()
    out, _, failed = import_file(tmp_path, word_issue(second_picture=True), "--strict")
    assert failed and "严格模式" in out and "其他" in out
    assert snapshot() == before


def test_a_dry_run_of_a_word_issue_checks_its_pictures_and_stores_no_file(world, tmp_path):
    figures_dir = settings.MEDIA_ROOT / "figures"
    files_before = sorted(figures_dir.iterdir()) if figures_dir.exists() else []
    before = snapshot()
    out, _, failed = import_file(tmp_path, word_issue(), "--dry-run")
    assert failed is None and "可以导入 2021 年第 7 期" in out
    assert snapshot() == before
    assert (sorted(figures_dir.iterdir()) if figures_dir.exists() else []) == files_before


def test_a_word_issue_whose_picture_is_damaged_is_refused_naming_the_figure_and_nothing_is_written(world, tmp_path):
    before = snapshot()
    out, _, failed = import_file(tmp_path, word_issue(picture=damaged_png()))
    assert failed
    assert "图“常州新能源<产业>产值（亿元）”的图片无法使用" in out
    assert snapshot() == before


def stored_files(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_word_issue_refused_by_strict_leaves_no_picture_file_in_the_media_folder(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    out, _, failed = import_file(tmp_path, word_issue(second_picture=True), "--strict")
    assert failed and "严格模式" in out
    assert stored_files(tmp_path / "media") == []


def test_a_word_issue_whose_second_picture_is_damaged_leaves_no_file_of_its_first_picture(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = snapshot()
    out, _, failed = import_file(tmp_path, word_issue(second_picture=True, second=damaged_png()))
    assert failed and "的图片无法使用" in out
    assert snapshot() == before
    assert stored_files(tmp_path / "media") == []


def test_the_admin_upload_previews_a_word_issue_and_imports_it_with_its_pictures(world, client, superuser):
    client.force_login(superuser)
    url = reverse("newsletter_import")
    upload = io.BytesIO(word_issue())
    upload.name = "第7期.docx"
    page = client.post(url, {"step": "preview", "files": [upload]}).content.decode()
    assert "可以导入 1 个，有错误 0 个" in page and "常州新能源产业链年产值破万亿" in page
    assert Issue.objects.count() == 0
    confirm_upload(client)
    figure = Figure.objects.get(article__title="常州新能源产业链年产值破万亿")
    assert figure.image and figure.number == 1


def test_a_picture_without_a_caption_line_but_with_alt_text_gets_the_alt_text_as_caption(world, tmp_path):
    out, _, failed = import_file(tmp_path, word_issue(second_picture=True, alt="成都 天府绿道 航拍"), "--json")
    assert failed is None
    figure = Figure.objects.get(article__title="成都发布公园城市条例")
    assert (figure.caption, figure.alt_text) == ("成都 天府绿道 航拍", "成都 天府绿道 航拍")
    assert any("图注暂用“成都 天府绿道 航拍”" in e["message"] for e in json.loads(out)["report"])


def test_a_table_of_contents_typed_as_plain_paragraphs_reads_like_a_list(world, tmp_path):
    out, _, failed = import_file(tmp_path, word_issue(toc_as_list=False))
    assert failed is None, out
    issue = Issue.objects.get()
    assert [a.title for a in issue.articles.order_by("pk")] == ["常州新能源产业链年产值破万亿", "成都发布公园城市条例"]


def test_a_folder_of_word_issues_imports_each_with_its_pictures_through_the_worker_that_reads_ahead(world, tmp_path):
    for number in (7, 8, 9):
        (tmp_path / f"issue_{number}.docx").write_bytes(word_issue(number=number))
    out, _, failed = run_import(str(tmp_path))
    assert failed is None, out
    assert out.splitlines()[-1] == "共 3 个文件：导入 3，跳过（试运行）0，失败 0。"
    figures = Figure.objects.filter(article__issue__number__in=[7, 8, 9])
    assert figures.count() == 3 and all(figure.image for figure in figures)


@pytest.mark.parametrize(
    "document_xml",
    [
        b"<w:document><w:body><w:p>",
        b"\x00\x01 not xml at all",
        # (a document with a DOCTYPE gets a message of its own: test_import_hostile_word.py)
    ],
)
def test_a_docx_whose_document_cannot_be_read_is_refused_clearly_and_nothing_is_written(world, tmp_path, document_xml):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    before = snapshot()
    out, _, failed = import_file(tmp_path, buffer.getvalue())
    assert failed and "issue.docx：无法读取这个 Word 文件（.docx 可能已损坏）。" in out
    assert snapshot() == before


@pytest.mark.parametrize("toc_as_list", [True, False])
def test_a_paragraph_starting_with_a_region_in_an_article_stays_a_region_lead_whatever_marks_the_sections(
    world, tmp_path, toc_as_list
):
    out, _, failed = import_file(tmp_path, word_issue(toc_as_list=toc_as_list, markers_as_headings=True))
    assert failed is None, out
    article = Article.objects.get(title="成都发布公园城市条例")
    assert "【绵阳】同日发布了配套的绿道建设导则。" in article.body.split("\n\n")  # a paragraph of its own
    assert "- 【绵阳】" not in article.body
    assert [region.name for region in article.regions.all()] == ["绵阳"]


def test_a_dry_run_of_a_word_issue_reports_no_figure_awaiting_an_image(world, tmp_path):
    out, _, failed = import_file(tmp_path, word_issue(), "--dry-run", "--json")
    assert failed is None
    report = json.loads(out)["report"]
    assert report and not [entry for entry in report if entry["kind"] == Notice.FIGURE_WITHOUT_IMAGE]
