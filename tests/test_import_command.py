"""import_issue on folders: name order, progress, one line per file, summary, exit status, --dry-run, --json."""

import json
import shutil
from pathlib import Path

import pytest

from newsletter.models import Issue, Publication
from tests import factories
from tests.import_report_helpers import FUJIAN, ZHEJIANG, issue_text, run_import
from tests.importing_helpers import snapshot

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def folder(tmp_path):
    for name in ["issue_2025_12.md", "issue_2023_03.txt", "issue_2022_01_gb18030.txt"]:
        shutil.copy(SAMPLES / name, tmp_path / name)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path


def test_folder_imports_text_files_in_name_order_with_progress_and_summary(db, folder):
    factories.publication()
    out, err, failed = run_import(str(folder))
    assert failed is None
    lines = out.splitlines()
    results = [line.split("：")[0] for line in lines if line.startswith(("✓", "✗"))]
    assert results == [
        "✓ issue_2022_01_gb18030.txt",
        "✓ issue_2023_03.txt",
        "✓ issue_2025_12.md",
    ]
    assert lines[-1] == "共 3 个文件：导入 3，跳过（试运行）0，失败 0。"
    # The masthead is the issue's: the printed phone is stored on the issue, the publication's is
    # only the default for new issues, left as it was and not compared.
    assert not any("与刊物设置" in line for line in lines)
    assert Issue.objects.filter(phone="022-12345678").exists()
    assert Publication.objects.get().phone == "022-11112222"
    assert "3/3" in err and "[" in err
    assert Issue.objects.filter(status=Issue.Status.DRAFT).count() == 3


def test_one_bad_file_fails_alone_and_the_command_exits_non_zero(db, folder):
    factories.publication()
    (folder / "issue_2024_00_broken.txt").write_text("这不是一期刊物。\n", encoding="utf-8")
    out, _, failed = run_import(str(folder))
    assert failed == "1 个文件导入失败。"
    assert "✗ issue_2024_00_broken.txt：没有找到期号行" in out
    assert out.splitlines()[-1] == "共 4 个文件：导入 3，跳过（试运行）0，失败 1。"
    assert Issue.objects.count() == 3


def test_dry_run_reports_without_writing(db, folder):
    factories.publication()
    before = snapshot()
    out, _, failed = run_import(str(folder), "--dry-run")
    assert failed is None
    assert "✓ issue_2023_03.txt：可以导入 2023 年第 3 期（总第 258 期），5 篇文章（试运行，未写入）" in out
    assert out.splitlines()[-1] == "共 3 个文件：导入 0，跳过（试运行）3，失败 0。"
    assert snapshot() == before


def test_json_prints_one_object_per_file_in_the_shared_schema(db, folder):
    factories.publication()
    out, err, _ = run_import(str(folder), "--json", "--dry-run")
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["total_number"] for o in objects] == [231, 258, 311]
    first = objects[1]
    # The shared schema, plus the file's report (its notices).
    assert set(first) == {
        "report",
        "publication",
        "year",
        "number",
        "total_number",
        "issue_date",
        "hosts",
        "editors",
        "coordinators",
        "phone",
        "fax",
        "editor_note",
        "sections",
    }
    article = first["sections"][0]["articles"][0]
    assert set(article) == {
        "title",
        "toc_title",
        "sources",
        "subheadings",
        "figures",
        "region_tags",
        "body_markdown",
    }
    assert first["issue_date"] == "2023-02-09"
    assert article["sources"] == [{"outlet": "经济日报", "date": "2023-02-07"}]
    assert "共 3 个文件" in err


def test_missing_path_and_unknown_publication_fail_clearly(db, tmp_path):
    factories.publication()
    out, _, failed = run_import(str(tmp_path / "nowhere.txt"))
    assert "nowhere.txt：文件或文件夹不存在。" in out and failed
    shutil.copy(SAMPLES / "issue_2023_03.txt", tmp_path / "a.txt")
    out, _, failed = run_import(str(tmp_path / "a.txt"), "--publication", "nope")
    assert "没有网址标识为“nope”的刊物" in out and failed


def test_first_import_creates_the_publication_from_the_masthead(db, tmp_path):
    shutil.copy(SAMPLES / "issue_2023_03.txt", tmp_path / "a.txt")
    _, _, failed = run_import(str(tmp_path / "a.txt"))
    assert failed is None
    issue = Issue.objects.get()
    publication = issue.publication
    assert (publication.name, publication.subtitle, publication.slogan) == (
        "双周决策观察",
        "地方工作亮点追踪",
        "洞悉基层创新 启迪新政新思",
    )
    assert publication.host_names() == ["天津滨海综合发展研究院", "泰达图书馆档案馆"]
    assert (publication.phone, publication.fax) == ("022-12345678", "022-12345679")


def test_json_prints_a_line_for_a_failed_file_too_with_its_message(db, folder):
    factories.publication()
    (folder / "issue_2024_00_broken.txt").write_text("这不是一期刊物。\n", encoding="utf-8")
    out, err, failed = run_import(str(folder), str(folder / "nowhere.txt"), "--json")
    assert failed == "2 个文件导入失败。"
    objects = [json.loads(line) for line in out.splitlines()]
    refused = [o for o in objects if o.get("status") == "failed"]
    # Each failed file has one line: its name, its message as printed on stderr, and its report.
    assert [o["file"] for o in refused] == [str(folder / "nowhere.txt"), "issue_2024_00_broken.txt"]
    for line in refused:
        assert set(line) == {"file", "status", "message", "report"} and line["report"] == []
        assert f"✗ {line['message']}\n" in err
    assert refused[0]["message"] == f"{folder / 'nowhere.txt'}：文件或文件夹不存在。"
    assert refused[1]["message"].startswith("issue_2024_00_broken.txt：没有找到期号行")
    # The imported files keep the export's shape, without the failed line's keys.
    imported = [o for o in objects if "status" not in o]
    assert [o["total_number"] for o in imported] == [231, 258, 311]
    assert all("file" not in o for o in imported)


def test_json_prints_the_report_of_a_file_strict_mode_refused(db, tmp_path):
    factories.publication()
    path = tmp_path / "new_region.txt"
    path.write_text(issue_text(sections=[("琼州", ZHEJIANG), ("福建", FUJIAN)]), encoding="utf-8")
    out, err, failed = run_import(str(path), "--json", "--strict")
    assert failed == "1 个文件导入失败。"
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert (line["file"], line["status"]) == (str(path), "failed")
    assert "严格模式" in line["message"] and f"✗ {line['message']}\n" in err
    assert {entry["kind"] for entry in line["report"]} >= {"new_region", "new_outlet"}
    assert all(set(entry) == {"kind", "label", "message", "text", "line"} for entry in line["report"])
    assert Issue.objects.count() == 0
