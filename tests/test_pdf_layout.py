"""The print edition read back with real PDF tools: pdftotext, pypdf, pdftoppm + zbarimg."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from pypdf import PdfReader

from newsletter.printing import pdf, support

TOOLS = ("pdftotext", "pdftoppm", "zbarimg")

# The marker makes pytest-django create the test database that the module fixture below writes to.
pytestmark = pytest.mark.django_db


def require_pdf_tools():
    """Skip with the reason on a developer machine; fail in CI, where .ci/run installs everything."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    reason = support.unavailable_reason()
    if missing:
        reason += f" 测试还需要命令 {', '.join(missing)}（apt-get install poppler-utils zbar-tools）。"
    if reason:
        if _in_ci():
            pytest.fail("CI 必须能生成并读取 PDF：" + reason)
        pytest.skip("印刷版 PDF 测试跳过：" + reason)


def _in_ci():
    import os

    return bool(os.environ.get("CI"))


def qr_payload(data, tmp_path):
    """What the QR code on the last page of a PDF says (rendered with pdftoppm, read with zbarimg)."""
    pages = len(PdfReader(io.BytesIO(data)).pages)
    (tmp_path / "issue.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", str(pages), "-l", str(pages), "-png", "-singlefile", "issue.pdf", "last"],
        cwd=tmp_path,
        check=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "last.png")], capture_output=True, text=True, check=True
    )
    return decoded.stdout.strip()


def normalise(text):
    return re.sub(r"\s+", "", text)


def pdf_text(data, first=None, last=None):
    args = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    result = subprocess.run([*args, "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def demo_print(django_db_setup, django_db_blocker):
    """The demo's published issue (2024-22) rendered once for the module; its rows are rolled back after."""
    require_pdf_tools()
    with django_db_blocker.unblock(), transaction.atomic():
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, f"not a test database: {name}"
        call_command("load_demo", stdout=io.StringIO())
        issue = pdf.print_queryset().get(year=2024, number=22)
        expected = {
            "titles": [a.title for _, articles in issue.sections() for a in articles],
            "sections": [section.name for section, _ in issue.sections()],
            "source_lines": [a.source_line() for a in issue.articles_in_order()],
            "captions": [f.full_caption for a in issue.articles_in_order() for f in a.figures.all()],
            "hosts": issue.publication.host_names(),
            "people": [e.name for e in issue.editors() + issue.coordinators()],
            "phone": issue.publication.phone,
            "fax": issue.publication.fax,
            "slogan": issue.publication.slogan,
            "url": "http://testserver/issues/2024/22/",
        }
        data = pdf.render_issue_pdf(issue)
        transaction.set_rollback(True)
    return data, expected


def test_page_one_carries_the_title_block_and_numbering_of_the_print_edition(demo_print):
    data, _ = demo_print
    first_page = normalise(pdf_text(data, 1, 1))
    for expected in (
        "《双周决策观察》",
        "地方工作亮点追踪",
        "2024年第22期",
        "（总第296期）",
        "11月21日印发",
        "本期目录",
    ):
        assert expected in first_page


def test_page_one_has_the_table_of_contents_by_region_section(demo_print):
    data, expected = demo_print
    first_page = normalise(pdf_text(data, 1, 1))
    position = 0
    for section in expected["sections"]:
        position = first_page.index(f"【{section}】", position)
    for title in expected["titles"]:
        assert normalise(title) in first_page


def test_masthead_box_names_the_hosts_editors_coordinators_phone_and_fax(demo_print):
    data, expected = demo_print
    first_page = normalise(pdf_text(data, 1, 1))
    for label in ("主办", "编辑", "统筹", "电话", "传真"):
        assert label in first_page
    for name in expected["hosts"] + expected["people"] + [expected["phone"], expected["fax"]]:
        assert normalise(name) in first_page


def test_articles_follow_in_print_order_with_section_heads_and_source_lines(demo_print):
    data, expected = demo_print
    body = normalise(pdf_text(data, 2))
    position = 0
    for title in expected["titles"]:
        position = body.index(normalise(title), position) + 1
    for section in expected["sections"]:
        assert f"【{section}】" in body
    for line in expected["source_lines"]:
        assert line and normalise(line) in body
    assert expected["captions"] and all(normalise(c) in body for c in expected["captions"])


def test_page_count_is_plausible_and_inner_pages_are_numbered_in_the_footer(demo_print):
    data, _ = demo_print
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    # Cover, at least one page of five short articles, back page; not one page per paragraph.
    assert 3 <= pages <= 8
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4 in points
    for number in range(2, pages):
        lines = [line for line in pdf_text(data, number, number).splitlines() if line.strip()]
        assert normalise(lines[-1]) == f"—{number}—"  # the last line on the page is its footer


def test_fonts_are_embedded_so_the_pdf_reads_the_same_everywhere(demo_print):
    data, _ = demo_print
    reader = PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("CJK" in name for name in fonts)
    assert all(fonts.values())


def test_last_page_has_the_slogan_and_a_qr_code_that_opens_the_issue_web_page(demo_print, tmp_path):
    data, expected = demo_print
    pages = len(PdfReader(io.BytesIO(data)).pages)
    last = normalise(pdf_text(data, pages, pages))
    assert normalise(expected["slogan"]) in last
    assert "扫描二维码，敬请详看电子版" in last
    assert qr_payload(data, tmp_path) == expected["url"]
