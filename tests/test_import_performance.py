"""Bringing in the archive: 300 issue files of realistic size import in under a minute on SQLite."""

import io
import resource
import time

from django.core.management import call_command

from newsletter.models import Article, Issue
from tests import factories

SECTIONS = [("区域", 4), ("上海", 2), ("广东", 3), ("浙江", 1)]


def issue_text(index):
    """One issue in the print format: 10 articles of ~4,000 characters, subheadings, a figure, sources."""
    year, number = 2012 + index // 24, index % 24 + 1
    month, day = min(12, (number + 1) // 2 + 1), 10 + number % 15
    toc, body = [], []
    for region, count in SECTIONS:
        titles = [f"第{index}期{region}栏目第{k}篇文章标题" for k in range(1, count + 1)]
        toc.append(f"- 【{region}】 " + "  \n".join(titles))
        body.append(f"## 【{region}】")
        for k, title in enumerate(titles, start=1):
            body.append(f"### {title}")
            for part in range(3):
                body.append(f"#### 第{part + 1}部分小标题")
                for p in range(6):
                    body.append(f"【湖北】这是第 {p} 段，" if p == 0 and k == 1 else f"这是第 {p} 段，")
                    body[-1] += "用于测算导入速度的正文内容，包含数字 11 月和 6083.72 万吨等写法。" * 6
            if region == "区域" and k == 1:
                body.append("图 1 测算用的示意图")
            body[-1] += f"（金融时报 21 世纪经济报道 {year}{month:02d}{day:02d}）"
    header = [
        f"{year} 年第 {number} 期",
        f"(总第 {index + 1} 期)",
        f"{month} 月 {day} 日印发",
        "# 双周决策观察",
        "## 地方工作亮点追踪",
        "\n".join(toc),
        "编辑  \n甲乙 丙丁  \n统筹  \n戊己",
    ]
    return "\n\n".join(header + body + ["# 双周决策观察", "洞悉基层创新 启迪新政新思"]) + "\n"


def _cpu_seconds():
    """CPU time of this process and of its finished child processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def test_three_hundred_issue_files_import_in_under_a_minute(db, tmp_path):
    factories.publication()
    for index in range(300):
        (tmp_path / f"issue_{index:03d}.txt").write_text(issue_text(index), encoding="utf-8")
    assert len(issue_text(0)) > 40000
    out = io.StringIO()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    call_command("import_issue", str(tmp_path), stdout=out, stderr=io.StringIO())
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
    assert out.getvalue().splitlines()[-1] == "共 300 个文件：导入 300，跳过（试运行）0，失败 0。"
    assert Issue.objects.count() == 300 and Article.objects.count() == 3000
    print(f"imported 300 issue files in {elapsed:.1f} s ({cpu:.1f} s of CPU)")
    # CPU time, not wall time: on a shared machine other processes' load must not fail this test. It
    # includes the worker process that prepares the next files (newsletter/importing/ahead.py).
    assert cpu < 60, f"导入 300 个文件用了 {cpu:.1f} 秒 CPU 时间（总耗时 {elapsed:.1f} 秒）"
