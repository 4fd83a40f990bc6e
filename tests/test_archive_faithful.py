"""Back issues as a new archivist would bring them (tests/archive/: other years, sections, mastheads and
source-line habits than the seed), parsed and compared field by field with what was printed in them.

The expected files were written from the print edition, not from the parser: a failure here names the
file, the article and the field the import got wrong.
"""

import functools

import pytest

from newsletter.importing.parser import parse_bytes
from newsletter.importing.schema import ImportFailure
from tests.archive_helpers import compare, expected, expected_path, sample_paths, share

SAMPLES = sample_paths()
PARTS = ("header", "masthead", "editor_note", "sections")


@functools.cache
def parsed(name):
    """(IssueData.to_json(), "") or ({}, the refusal's message): each file is parsed once per run."""
    path = next(p for p in SAMPLES if p.name == name)
    try:
        return parse_bytes(path.read_bytes(), path.name).to_json(), ""
    except ImportFailure as failure:
        return {}, f"导入被拒绝：{failure}"


@functools.cache
def checks_of(name):
    path = next(p for p in SAMPLES if p.name == name)
    data, refusal = parsed(name)
    checks = compare(name, expected(path), data)
    if refusal:  # a refused issue has no field right
        for check in checks:
            check.ok, check.detail = False, check.detail or "未导入"
    return checks, refusal


def _cases():
    for path in SAMPLES:
        want = expected(path)
        for part in PARTS:
            yield pytest.param(path.name, part, id=f"{path.stem}-{part}")
        articles = [article for section in want["sections"] for article in section["articles"]]
        for number, article in enumerate(articles, start=1):
            yield pytest.param(path.name, article["title"], id=f"{path.stem}-article{number}")


def test_the_archive_has_back_issues_of_every_era_each_with_what_was_printed_in_it():
    assert len(SAMPLES) >= 8
    years = sorted(expected(p)["year"] for p in SAMPLES)
    assert years[0] <= 2006 and years[-1] >= 2025
    assert {p.suffix for p in SAMPLES} == {".txt", ".md"}
    undecodable_as_utf8 = []
    for path in SAMPLES:
        assert expected_path(path).exists(), f"{path.name} 缺少 {expected_path(path).name}"
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            undecodable_as_utf8.append(path.name)
    assert undecodable_as_utf8, "至少一期是 GB18030 编码"
    regions = {s["region"] for p in SAMPLES for s in expected(p)["sections"]}
    assert {"北京", "江苏", "四川", "区域", "广东", "上海"} <= regions


@pytest.mark.parametrize(("name", "part"), list(_cases()))
def test_every_back_issue_is_read_as_printed(name, part):
    checks, refusal = checks_of(name)
    mine = [c for c in checks if c.part == part]
    assert mine, f"{name}：没有“{part}”的检查"
    wrong = [c for c in mine if not c.ok]
    message = "\n".join([refusal, *map(str, wrong)]).strip()
    assert not wrong, f"{len(wrong)}/{len(mine)} 个字段不对：\n{message}"


def test_the_whole_archive_is_read_as_printed_field_by_field():
    checks, refusals = [], []
    per_file = []
    for path in SAMPLES:
        file_checks, refusal = checks_of(path.name)
        checks += file_checks
        if refusal:
            refusals.append(f"{path.name}：{refusal}")
        right, total = share(file_checks)
        per_file.append(f"{path.name} {right}/{total}")
    right, total = share(checks)
    summary = (
        f"字段正确率 {100 * right / total:.1f} %（{right}/{total}），错 {total - right} 个；"
        f"拒绝导入 {len(refusals)} 期。各期：{'；'.join(per_file)}"
    )
    print(summary)
    assert right == total and not refusals, summary + ("\n" + "\n".join(refusals) if refusals else "")


# What the runner passes once the seed's publication is in the database (runner.known_lines).
KNOWN_AFTER_SEED = ("双周决策观察", "地方工作亮点追踪", "洞悉基层创新 启迪新政新思")


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_a_back_issue_reads_the_same_whether_or_not_the_publication_is_already_known(path):
    data, refusal = parsed(path.name)
    assert not refusal, refusal
    with_known = parse_bytes(path.read_bytes(), path.name, known_lines=KNOWN_AFTER_SEED).to_json()
    differing = [field for field in data if data[field] != with_known.get(field)]
    assert not differing, f"{path.name}：刊物已知时这些字段不同：{differing}"
