"""Bad input: a clear message naming the file (and line), and the database exactly as before."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsletter.models import Issue
from tests import factories
from tests.importing_helpers import snapshot

SAMPLE = (Path(__file__).parent / "samples" / "issue_2023_03.txt").read_text(encoding="utf-8")


def run_import(tmp_path, name, content, *extra):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out, err = _Buffer(), _Buffer()
    with pytest.raises(CommandError) as failure:
        call_command("import_issue", str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), str(failure.value)


class _Buffer:
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass

    def getvalue(self):
        return "".join(self.parts)


@pytest.fixture
def before(db):
    factories.publication()
    return snapshot()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "文件是空的"),
        ("blank.txt", b"\n\n   \n", "文件是空的"),
        ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "不是文本文件"),
        ("latin1.txt", "Caf\xe9 \xe0 la cr\xe8me, num\xe9ro 24".encode("latin-1"), "无法识别文件编码"),
        ("utf16.txt", "2024 年第 1 期".encode("utf-16"), "UTF-16"),
        ("no_header.txt", SAMPLE.replace("2023 年第 3 期", "2023 年"), "没有找到期号行"),
        ("no_toc.txt", "2023 年第 3 期\n\n(总第 258 期)\n\n2 月 9 日印发\n\n正文。\n", "没有找到目录"),
        ("no_total.txt", SAMPLE.replace("（总第258期）", ""), "没有找到总期号行"),
    ],
)
def test_unreadable_file_is_reported_by_name_and_nothing_is_written(tmp_path, before, name, content, message):
    output, error = run_import(tmp_path, name, content)
    assert message in output and name in output
    assert "1 个文件导入失败" in error
    assert snapshot() == before


def test_toc_entry_without_heading_names_the_file_and_toc_line(tmp_path, before):
    broken = SAMPLE.replace("#### 南京出台人才安居新政", "#### 南京人才新政来了 新的标题")
    output, _ = run_import(tmp_path, "toc.txt", broken)
    assert "toc.txt 第 18 行：目录中的“南京出台人才安居新政”在正文中找不到对应的标题" in output
    assert snapshot() == before


def test_impossible_date_names_the_line(tmp_path, before):
    output, _ = run_import(tmp_path, "date.txt", SAMPLE.replace("2 月 9 日印发", "2 月 30 日印发"))
    assert "date.txt 第 9 行：印发日期“2 月 30 日印发”不是有效日期" in output
    assert snapshot() == before


def test_existing_issue_number_is_refused_without_replace(tmp_path, db):
    publication = factories.publication()
    factories.issue(status=Issue.Status.DRAFT, year=2023, number=3, total_number=9000, pub=publication)
    before = snapshot()
    output, _ = run_import(tmp_path, "again.txt", SAMPLE)
    assert "again.txt：该刊物已有 2023 年第 3 期（总第 9000 期），未导入。如要替换草稿，请使用 --replace" in output
    assert snapshot() == before


def test_existing_total_number_is_refused_too(tmp_path, db):
    publication = factories.publication()
    factories.issue(status=Issue.Status.DRAFT, year=2020, number=7, total_number=258, pub=publication)
    before = snapshot()
    output, _ = run_import(tmp_path, "total.txt", SAMPLE)
    assert "已有 2020 年第 7 期（总第 258 期）" in output
    assert snapshot() == before


def test_replace_never_replaces_a_published_issue(tmp_path, db):
    publication = factories.publication()
    published = factories.issue(status=Issue.Status.PUBLISHED, year=2023, number=3, total_number=258, pub=publication)
    factories.article(issue=published, title="已发布的文章")
    before = snapshot()
    output, _ = run_import(tmp_path, "published.txt", SAMPLE, "--replace")
    assert "状态为“已发布”，只有草稿可以被替换" in output
    assert snapshot() == before
    assert published.articles.get().title == "已发布的文章"


def test_replace_swaps_a_draft_for_the_file(tmp_path, db):
    publication = factories.publication()
    draft = factories.issue(status=Issue.Status.DRAFT, year=2023, number=3, total_number=258, pub=publication)
    factories.article(issue=draft, title="旧稿")
    path = tmp_path / "replace.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    out = _Buffer()
    call_command("import_issue", str(path), "--replace", stdout=out, stderr=_Buffer())
    assert "已替换 2023 年第 3 期" in out.getvalue()
    issue = Issue.objects.get(publication=publication, year=2023, number=3)
    assert issue.pk != draft.pk and issue.status == Issue.Status.DRAFT
    assert not issue.articles.filter(title="旧稿").exists()
    assert issue.articles.count() == 5


def test_a_failure_late_in_loading_rolls_back_the_whole_file(tmp_path, before):
    # The third article's outlet is too long for the database: two articles were already written by then.
    broken = SAMPLE.replace("北京日报 新京报", "北京日报 " + "很长的报名" * 21)
    output, _ = run_import(tmp_path, "outlet.txt", broken)
    assert "outlet.txt：来源媒体名称超过 100 字" in output
    assert snapshot() == before
