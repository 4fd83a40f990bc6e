"""Nothing silent: every import reports, per file, each thing it decided that a person should check
— in the command's output, in --json, in the admin preview — and --strict refuses a file that has any."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from newsletter import cache, renditions
from newsletter.importing.schema import Notice
from newsletter.models import Issue
from tests.import_report_helpers import FUJIAN, ZHEJIANG, confirm_upload, issue_text, known_world, run_import
from tests.importing_helpers import snapshot


def _plain(tmp_path):
    return issue_text()


def _dropped_text(tmp_path):
    return issue_text(
        sections=[("浙江", "这段话印在栏目标记之后、第一篇文章之前，不属于任何文章。\n\n" + ZHEJIANG), ("福建", FUJIAN)]
    )


def _new_region(tmp_path):
    return issue_text(sections=[("浙江", ZHEJIANG), ("江西", FUJIAN)])


def _new_outlet(tmp_path):
    return issue_text(sections=[("浙江", ZHEJIANG.replace("钱江晚报", "浙江日报")), ("福建", FUJIAN)])


def _figure_without_image(tmp_path):
    return issue_text(
        sections=[("浙江", ZHEJIANG), ("福建", FUJIAN.replace("。（", "。\n\n图 1 厦门港远海码头\n\n（"))]
    )


def _section_order(tmp_path):
    # An issue printed in the site-wide order is already there; this one prints its sections the other way.
    (tmp_path / "earlier.txt").write_text(issue_text(number=4, total=200), encoding="utf-8")
    out, _, failed = run_import(str(tmp_path / "earlier.txt"))
    assert failed is None, out
    (tmp_path / "earlier.txt").unlink()
    return issue_text(sections=[("福建", FUJIAN), ("浙江", ZHEJIANG)])


def _unparsed_source(tmp_path):
    return issue_text(
        sections=[
            ("浙江", ZHEJIANG),
            ("福建", FUJIAN.replace("（厦门日报 20220306）", "（来源：厦门日报 2022-13-45）")),
        ]
    )


def _masthead_incomplete(tmp_path):
    return issue_text().replace("主办：测试研究院  测试档案馆\n\n", "")


def _approximate_title(tmp_path):
    return issue_text(toc=[("浙江", "杭州推出数据资产登记服务"), ("福建", "厦门港集装箱吞吐量")])


# (kind, input, text the notice names)
CASES = [
    pytest.param(Notice.DROPPED_TEXT, _dropped_text, "这段话印在栏目标记之后", id="dropped_text"),
    pytest.param(Notice.NEW_REGION, _new_region, "江西", id="new_region"),
    pytest.param(Notice.NEW_OUTLET, _new_outlet, "浙江日报", id="new_outlet"),
    pytest.param(Notice.FIGURE_WITHOUT_IMAGE, _figure_without_image, "厦门港远海码头", id="figure_without_image"),
    pytest.param(Notice.SECTION_ORDER, _section_order, "福建", id="section_order"),
    pytest.param(Notice.UNPARSED_SOURCE, _unparsed_source, "2022-13-45", id="unparsed_source"),
    pytest.param(Notice.APPROXIMATE_TITLE, _approximate_title, "厦门港集装箱吞吐量", id="approximate_title"),
    pytest.param(Notice.MASTHEAD, _masthead_incomplete, "主办", id="masthead"),
]


@pytest.fixture
def world(db):
    known_world()


def _write(tmp_path, make):
    path = tmp_path / "issue.txt"
    path.write_text(make(tmp_path), encoding="utf-8")
    return path


def test_an_issue_with_nothing_new_or_doubtful_imports_with_an_empty_report_even_when_strict(world, tmp_path):
    out, _, failed = run_import(str(_write(tmp_path, _plain)), "--json", "--strict")
    assert failed is None
    (line,) = out.splitlines()
    assert json.loads(line)["report"] == []
    assert Issue.objects.count() == 1


@pytest.mark.parametrize(("kind", "make", "text"), CASES)
def test_each_kind_of_notice_is_printed_by_the_command_with_its_label_and_the_text_concerned(
    world, tmp_path, kind, make, text
):
    out, _, failed = run_import(str(_write(tmp_path, make)))
    assert failed is None
    label = Notice.KINDS[kind]
    printed = [line for line in out.splitlines() if line.startswith(f"    注意（{label}）：")]
    assert printed, out
    assert any(text in line for line in out.splitlines() if line.startswith(("    注意", "        │"))), out


@pytest.mark.parametrize(("kind", "make", "text"), CASES)
def test_each_kind_of_notice_is_carried_by_json_in_the_files_report(world, tmp_path, kind, make, text):
    out, err, failed = run_import(str(_write(tmp_path, make)), "--json")
    assert failed is None, err
    (line,) = out.splitlines()
    report = json.loads(line)["report"]
    found = [entry for entry in report if entry["kind"] == kind]
    assert found and any(text in entry["text"] or text in entry["message"] for entry in found), report
    assert set(found[0]) == {"kind", "label", "message", "text", "line"}
    assert found[0]["label"] == Notice.KINDS[kind]


@pytest.mark.parametrize(("kind", "make", "text"), CASES)
def test_strict_refuses_a_file_with_any_kind_of_notice_and_writes_nothing_of_it(world, tmp_path, kind, make, text):
    path = _write(tmp_path, make)
    before = snapshot()
    out, _, failed = run_import(str(path), "--strict")
    assert failed == "1 个文件导入失败。"
    label = Notice.KINDS[kind]
    (result,) = [line for line in out.splitlines() if line.startswith("✗ ")]
    assert "严格模式" in result and label in result and "未导入" in result
    assert f"    注意（{label}）：" in out  # the notices that made it refuse are listed
    assert snapshot() == before


@pytest.mark.parametrize(("kind", "make", "text"), CASES)
def test_the_admin_preview_lists_each_kind_of_notice_grouped_under_its_label_before_confirming(
    world, tmp_path, client, superuser, kind, make, text
):
    path = _write(tmp_path, make)
    client.force_login(superuser)
    before = snapshot()
    with open(path, "rb") as upload:
        page = client.post(reverse("newsletter_import"), {"step": "preview", "files": [upload]}).content.decode()
    assert f"<summary>{Notice.KINDS[kind]}（" in page
    assert f'data-kind="{kind}"' in page
    assert text.replace("<", "&lt;").replace(">", "&gt;") in page
    assert snapshot() == before


def test_the_admin_strict_checkbox_refuses_a_file_with_notices_at_preview_and_at_confirm(
    world, tmp_path, client, superuser
):
    path = _write(tmp_path, _new_region)
    client.force_login(superuser)
    url = reverse("newsletter_import")
    assert "严格模式" in client.get(url).content.decode()
    with open(path, "rb") as upload:
        page = client.post(url, {"step": "preview", "files": [upload], "strict": "on"}).content.decode()
    assert "可以导入 0 个，有错误 1 个" in page and "严格模式：" in page
    page = confirm_upload(client).content.decode()
    assert "共 1 个文件：导入 0，失败 1。" in page
    assert Issue.objects.count() == 0


def _everything(tmp_path):
    stray = "这段话印在栏目标记之后、第一篇文章之前，不属于任何文章。\n\n"
    fujian = FUJIAN.replace("厦门日报", "海峡导报").replace("。（", "。\n\n图 1 厦门港远海码头\n\n（")
    return issue_text(sections=[("浙江", stray + ZHEJIANG), ("江西", fujian)])


def test_a_dry_run_writes_nothing_and_reports_exactly_what_the_import_then_does(world, tmp_path):
    path = _write(tmp_path, _everything)
    before = snapshot()
    out, _, failed = run_import(str(path), "--json", "--dry-run")
    assert failed is None
    rehearsed = json.loads(out)["report"]
    assert snapshot() == before
    kinds = {entry["kind"] for entry in rehearsed}
    assert {Notice.DROPPED_TEXT, Notice.NEW_REGION, Notice.NEW_OUTLET, Notice.FIGURE_WITHOUT_IMAGE} <= kinds
    out, _, failed = run_import(str(path), "--json")
    assert failed is None
    assert json.loads(out)["report"] == rehearsed


def test_a_folder_dry_run_sees_each_file_after_the_ones_before_it_as_the_import_does(world, tmp_path):
    # Both files print a section 江西: the first creates it, so for the second it is not new.
    (tmp_path / "a.txt").write_text(issue_text(sections=[("江西", FUJIAN)]), encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        issue_text(number=6, total=202, sections=[("江西", FUJIAN.replace("厦门港", "赣州港"))]), encoding="utf-8"
    )
    before = snapshot()
    out, _, failed = run_import(str(tmp_path), "--json", "--dry-run")
    assert failed is None
    rehearsed = [json.loads(line)["report"] for line in out.splitlines()]
    assert snapshot() == before
    assert [[e["text"] for e in report if e["kind"] == Notice.NEW_REGION] for report in rehearsed] == [["江西"], []]
    out, _, failed = run_import(str(tmp_path), "--json")
    assert [json.loads(line)["report"] for line in out.splitlines()] == rehearsed


def test_a_dry_run_touches_neither_the_page_cache_nor_the_pages_to_render_nor_leaves_commit_callbacks(world, tmp_path):
    # A draft to replace: the dry run deletes it and writes the file again, in the rolled-back transaction.
    path = _write(tmp_path, _everything)
    assert run_import(str(path))[2] is None
    version = cache.current_version()
    queued = (
        set(getattr(renditions._queued, "ids", None) or ()),
        set(getattr(renditions._queued, "publications", None) or ()),
    )
    callbacks = len(connection.run_on_commit)
    out, _, failed = run_import(str(path), "--dry-run", "--replace")
    assert failed is None and "试运行，未写入" in out
    assert cache.current_version() == version
    assert (
        set(getattr(renditions._queued, "ids", None) or ()),
        set(getattr(renditions._queued, "publications", None) or ()),
    ) == queued
    assert len(connection.run_on_commit) == callbacks


def test_a_new_region_is_reported_as_a_section_or_as_a_tag(world, tmp_path):
    lead = ZHEJIANG.replace("杭州市数据资源", "【湖州】同样推出了登记服务。\n\n杭州市数据资源")
    path = tmp_path / "issue.txt"
    path.write_text(issue_text(sections=[("浙江", lead), ("江西", FUJIAN)]), encoding="utf-8")
    out, _, failed = run_import(str(path))
    assert failed is None
    assert "    注意（新建地区）：新建地区“江西”（作为栏目）。" in out.splitlines()
    assert "    注意（新建地区）：新建地区“湖州”（作为地区标签）。" in out.splitlines()


def test_every_kind_of_notice_is_provoked_by_a_case_here():
    # OTHER is provoked by a Word picture without a caption line (tests/test_import_docx.py).
    assert {case.values[0] for case in CASES} == set(Notice.KINDS) - {Notice.OTHER}
