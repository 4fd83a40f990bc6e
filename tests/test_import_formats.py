"""import_issue reads text, Word and its own JSON export, chosen by content (and name); any other
file gets a message naming the formats it reads; bad JSON gets a message naming the field."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from newsletter.importing.exporter import export_json, load_for_export
from newsletter.importing.formats import UNREADABLE
from newsletter.models import Issue
from tests import factories
from tests.import_report_helpers import run_import
from tests.importing_helpers import snapshot

SAMPLES = Path(__file__).parent / "samples"


def _export(key):
    out = io.StringIO()
    call_command("export_issue", key, "--format", "json", stdout=out)
    return out.getvalue()


@pytest.fixture
def exported(db, tmp_path):
    """The sample issue imported from text, then exported as JSON."""
    factories.publication()
    shutil.copy(SAMPLES / "issue_2023_03.txt", tmp_path / "a.txt")
    assert run_import(str(tmp_path / "a.txt"))[2] is None
    return _export("2023-3")


def test_the_json_export_imports_back_as_the_same_issue(exported, tmp_path):
    path = tmp_path / "issue.json"
    path.write_text(exported, encoding="utf-8")
    out, _, failed = run_import(str(path), "--replace")
    assert failed is None, out
    assert "已替换 2023 年第 3 期（总第 258 期），5 篇文章" in out
    assert Issue.objects.count() == 1
    assert _export("2023-3") == exported


def test_an_import_issue_json_line_with_its_report_imports_too(db, tmp_path):
    # What `import_issue --json` prints (the schema plus "report") is itself a file import_issue reads.
    factories.publication()
    shutil.copy(SAMPLES / "issue_2023_03.txt", tmp_path / "a.txt")
    out, _, failed = run_import(str(tmp_path / "a.txt"), "--json", "--dry-run")
    assert failed is None and "report" in json.loads(out)
    (tmp_path / "a.json").write_text(out, encoding="utf-8")
    out, _, failed = run_import(str(tmp_path / "a.json"))
    assert failed is None, out
    issue = Issue.objects.get()
    assert json.loads(export_json(load_for_export(issue)))["total_number"] == 258


def _without(data, *path):
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    del target[last]
    return data


def _with(data, value, *path):
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _without(d, "year"), "缺少字段“year”"),
        (lambda d: _with(d, "二〇二三", "year"), "字段“year”应是整数"),
        (lambda d: _with(d, 0, "number"), "字段“number”应在 1 到 999 之间"),
        (lambda d: _with(d, "2023/02/09", "issue_date"), "字段“issue_date”应是 YYYY-MM-DD 形式的日期"),
        (lambda d: _with(d, [], "sections"), "“sections”是空的"),
        (lambda d: _without(d, "sections", 1, "articles", 0, "title"), "缺少字段“sections[1].articles[0].title”"),
        (lambda d: _with(d, "  ", "sections", 0, "region"), "字段“sections[0].region”不能为空"),
        (
            lambda d: _with(d, "昨天", "sections", 0, "articles", 0, "sources", 0, "date"),
            "字段“sections[0].articles[0].sources[0].date”应是 YYYY-MM-DD 形式的日期",
        ),
        (lambda d: _with(d, {"caption": 3}, "sections", 0, "articles", 0, "figures"), "应是列表"),
        (lambda d: _with(d, [1, 2], "editors"), "字段“editors”应是文字的列表"),
        (lambda d: [d], "最外层应是一个对象"),
    ],
)
def test_a_json_file_with_a_missing_or_bad_field_is_refused_naming_the_field_and_nothing_is_written(
    exported, tmp_path, change, message
):
    data = change(json.loads(exported))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = snapshot()
    out, _, failed = run_import(str(path), "--replace")
    assert failed == "1 个文件导入失败。"
    assert "bad.json：JSON 内容不符合本系统导出的格式：" in out and message in out, out
    assert snapshot() == before


def test_a_json_file_that_is_not_json_says_where_it_breaks(db, tmp_path):
    factories.publication()
    path = tmp_path / "broken.json"
    path.write_text('{"publication": "双周决策观察",\n "year": 2023,,}', encoding="utf-8")
    out, _, failed = run_import(str(path))
    assert failed and "broken.json：不是有效的 JSON（第 2 行第" in out


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100)),
        ("issues.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(100)),
        ("table.xlsx", "2023 年第 3 期".encode()),
        ("renamed.txt", b"%PDF-1.4\n"),
    ],
)
def test_a_file_of_a_format_it_does_not_read_gets_a_message_naming_the_formats_it_reads(db, tmp_path, name, content):
    factories.publication()
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot()
    out, _, failed = run_import(str(path))
    assert failed
    (line,) = [line for line in out.splitlines() if line.startswith("✗")]
    assert name in line and UNREADABLE in line
    assert UNREADABLE == "只能导入 .txt/.md 文本、.docx（Word）和本系统导出的 .json。"
    assert snapshot() == before


def test_a_folder_import_picks_up_text_word_and_json_files_and_leaves_the_rest(exported, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(SAMPLES / "issue_2025_12.md", folder / "b.md")
    shutil.copy(SAMPLES / "issue_2022_01_gb18030.txt", folder / "c.TXT")
    data = json.loads(exported)
    data.update(number=4, total_number=259)
    (folder / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    out, _, failed = run_import(str(folder))
    assert failed is None
    assert [line.split("：")[0] for line in out.splitlines() if line.startswith(("✓", "✗"))] == [
        "✓ a.json",
        "✓ b.md",
        "✓ c.TXT",
    ]
    assert Issue.objects.filter(total_number=259).exists()


@pytest.mark.parametrize("content", [b"PK\x03\x04 this is not a real Word file", "2023 年第 3 期".encode()])
def test_a_docx_that_is_no_word_file_is_refused_as_damaged(db, tmp_path, content):
    factories.publication()
    (tmp_path / "issue.docx").write_bytes(content)
    out, _, failed = run_import(str(tmp_path / "issue.docx"))
    assert failed and "issue.docx：无法读取这个 Word 文件（.docx 可能已损坏）。" in out
