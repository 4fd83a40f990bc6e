"""Importing the archive (tests/archive/) with ``import_issue``, after the seed or into an empty database, in
two orders: every issue keeps the section order and masthead it printed, and the result is the same
whatever was imported before it and in whatever order.

Each order is imported once per run, in its own savepoint rolled back afterwards, so each starts from the
empty test database; the tests then compare what the imports left.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from newsletter.importing.exporter import issue_data, load_for_export
from newsletter.models import Issue
from tests.archive_helpers import expected, sample_paths

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_9fab522086a065de.txt"
HAS_SEED = SEED.exists()
needs_seed = pytest.mark.skipif(not HAS_SEED, reason=f"真实样刊 {SEED} 不在本机（CI 中存在），跳过先导入样刊的情形")
SAMPLES = sample_paths()
SEED_KEY = (2024, 24)
# What the seed printed: its table of contents' sections and its masthead.
SEED_SECTIONS = [("区域", 3), ("上海", 2), ("广东", 4), ("浙江", 1)]
SEED_MASTHEAD = (["天津滨海综合发展研究院", "泰达图书馆档案馆"], "022-66222942", "022-66222940")

# name → the files in the order they are imported
ORDERS = {"empty_sorted": SAMPLES, "empty_reversed": SAMPLES[::-1]}
if HAS_SEED:
    ORDERS |= {"seed_then_sorted": [SEED, *SAMPLES], "seed_then_reversed": [SEED, *SAMPLES[::-1]]}


def _import(files):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_issue", *map(str, files), stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"\n{error}")
    issues = {}
    for issue in Issue.objects.all():
        issue = load_for_export(issue)
        issues[(issue.year, issue.number)] = {
            "sections": [(region.name if region else "", [a.title for a in arts]) for region, arts in issue.sections()],
            "data": issue_data(issue).to_json(),
        }
    return {"report": out.getvalue() + err.getvalue(), "issues": issues}


_RESULTS = {}


@pytest.fixture
def imports(db):
    """Each order imported once per run (the first test to ask does it), in a savepoint rolled back after."""
    if not _RESULTS:
        for name, files in ORDERS.items():
            with transaction.atomic():
                _RESULTS[name] = _import(files)
                transaction.set_rollback(True)
    return _RESULTS


def _issue(result, key, name):
    issue = result["issues"].get(key)
    assert issue is not None, f"{name} 没有导入：\n{result['report']}"
    return issue


def _key(path):
    want = expected(path)
    return (want["year"], want["number"])


CASES = [pytest.param(order, path, id=f"{order}-{path.stem}") for order in ORDERS for path in SAMPLES]


@pytest.mark.parametrize(("order", "path"), CASES)
def test_every_issue_keeps_the_section_order_it_printed_whatever_was_imported_before_it(imports, order, path):
    want = expected(path)
    issue = _issue(imports[order], _key(path), path.name)
    printed = [(s["region"], [a["title"] for a in s["articles"]]) for s in want["sections"]]
    assert issue["sections"] == printed, (
        f"{path.name}（导入顺序 {order}）的栏目与文章顺序不是印出的顺序：\n"
        f"印出的：{json.dumps(printed, ensure_ascii=False)}\n导入后：{json.dumps(issue['sections'], ensure_ascii=False)}"
    )


@pytest.mark.parametrize(("order", "path"), CASES)
def test_every_issue_keeps_the_masthead_it_printed_whatever_was_imported_before_it(imports, order, path):
    want = expected(path)
    data = _issue(imports[order], _key(path), path.name)["data"]
    fields = ("hosts", "editors", "coordinators", "phone", "fax")
    assert {f: data[f] for f in fields} == {f: want[f] for f in fields}, f"{path.name}（导入顺序 {order}）的刊头"


@needs_seed
@pytest.mark.parametrize("order", ["seed_then_sorted", "seed_then_reversed"])
def test_the_seed_keeps_its_printed_section_order_and_masthead_after_the_archive_is_imported(imports, order):
    issue = _issue(imports[order], SEED_KEY, SEED.name)
    assert [(region, len(titles)) for region, titles in issue["sections"]] == SEED_SECTIONS
    data = issue["data"]
    assert (data["hosts"], data["phone"], data["fax"]) == SEED_MASTHEAD


@pytest.mark.parametrize("order", list(ORDERS))
def test_every_file_of_the_archive_imports(imports, order):
    report = imports[order]["report"]
    assert "✗" not in report, report
    assert len(imports[order]["issues"]) == len(ORDERS[order]), report


def _differences(first, second):
    keys = {_key(path) for path in SAMPLES}
    wrong = []
    for key in sorted(keys):
        a, b = first["issues"].get(key), second["issues"].get(key)
        if a is None or b is None:
            wrong.append(f"{key}：只在一次导入中有")
        elif a["data"] != b["data"]:
            fields = [f for f in a["data"] if a["data"][f] != b["data"].get(f)]
            wrong.append(f"{key}：{fields} 不同")
    return wrong


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("empty_sorted", "empty_reversed", id="empty-sorted-vs-reversed"),
        pytest.param("seed_then_sorted", "seed_then_reversed", id="seed-sorted-vs-reversed", marks=needs_seed),
        pytest.param("empty_sorted", "seed_then_sorted", id="empty-vs-after-seed", marks=needs_seed),
        pytest.param("empty_reversed", "seed_then_reversed", id="empty-vs-after-seed-reversed", marks=needs_seed),
    ],
)
def test_importing_the_archive_gives_the_same_issues_whatever_the_order_and_whatever_came_before(
    imports, first, second
):
    wrong = _differences(imports[first], imports[second])
    assert not wrong, (
        f"这些期（年, 期号）在“{first}”和“{second}”中导出的数据不同：{wrong}\n"
        f"{first}：\n{imports[first]['report']}\n{second}：\n{imports[second]['report']}"
    )
