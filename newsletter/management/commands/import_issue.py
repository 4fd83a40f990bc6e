import contextlib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsletter import rehearsal
from newsletter.importing.ahead import Ahead
from newsletter.importing.formats import SUFFIXES
from newsletter.importing.loader import resolve_publication
from newsletter.importing.runner import FileOutcome, import_bytes, known_regions, reading_context
from newsletter.importing.schema import ImportFailure


class Command(BaseCommand):
    help = (
        "导入往期（每个文件一期，导入为草稿）：由印刷版转换得到的 .txt/.md 文本、Word（.docx）"
        "或本系统导出的 .json。PATH 可以是文件或文件夹（文件夹中的 .txt/.md/.docx/.json 按文件名顺序导入）。"
        "每个文件单独一个事务，出错的文件不写入任何内容。每个文件都列出需要核对的注意事项。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹")
        parser.add_argument("--publication", metavar="SLUG", help="刊物的网址标识（有多个刊物时必填）")
        parser.add_argument(
            "--dry-run", action="store_true", help="完整试导入后全部撤销：报告与真正导入相同，不写入任何内容"
        )
        parser.add_argument(
            "--json", action="store_true", help="在标准输出逐行打印解析结果（JSON，含 report：注意事项列表）"
        )
        parser.add_argument("--strict", action="store_true", help="严格模式：有任何注意事项的文件不导入")
        parser.add_argument("--replace", action="store_true", help="替换已存在的同期草稿（已发布的期刊不会被替换）")

    def handle(self, *args, **options):
        files, missing = self._collect(options["paths"])
        # With --json, stdout carries only the JSON lines; the report goes to stderr.
        report = self.stderr if options["json"] else self.stdout
        outcomes = [FileOutcome(str(path), "failed", f"{path}：文件或文件夹不存在。") for path in missing]
        for outcome in outcomes:
            report.write(f"✗ {outcome.message}")
            self._json(outcome, options)
        show_progress = len(files) > 1
        names = [path.name if len(files) > 1 else str(path) for path in files]
        # One file: nothing to overlap with. A dry run reads its files here, one after another, inside
        # its one transaction (a worker forked in the middle of it would gain little for a check).
        overlap = len(files) > 1 and not options["dry_run"]
        regions = known_regions()  # once for the run: no file is read differently for coming later
        # A dry run is one rolled-back transaction for all the files: each is checked after the ones
        # before it, as the real import would (a region the first file creates is not new in the second).
        with (
            rehearsal.rolled_back() if options["dry_run"] else contextlib.nullcontext(),
            Ahead(
                list(zip(files, names, strict=True)) if overlap else [], self._known(options, overlap, regions)
            ) as ahead,
        ):
            for index, path in enumerate(files, start=1):
                if show_progress:
                    self._progress(index, len(files), path.name)
                outcome = import_bytes(
                    path.read_bytes(),
                    names[index - 1],
                    publication_slug=options["publication"],
                    dry_run=options["dry_run"],
                    replace=options["replace"],
                    prepared=ahead.prepared(index - 1),
                    strict=options["strict"],
                    regions=regions,
                )
                outcomes.append(outcome)
                self._report(report, outcome, options, show_progress)

        imported = sum(1 for o in outcomes if o.status == "imported")
        checked = sum(1 for o in outcomes if o.status == "checked")
        failed = sum(1 for o in outcomes if o.status == "failed")
        report.write(f"共 {len(outcomes)} 个文件：导入 {imported}，跳过（试运行）{checked}，失败 {failed}。")
        if failed:
            raise CommandError(f"{failed} 个文件导入失败。")

    def _report(self, report, outcome, options, show_progress):
        if show_progress:
            self.stderr.write("\r\033[K", ending="")
        report.write(("✓ " if outcome.ok else "✗ ") + outcome.message)
        for notice in outcome.warnings:
            report.write(f"    注意（{notice.label}）：{notice}")
            if notice.text and notice.text not in notice.message:
                for line in notice.text.splitlines():
                    report.write(f"        │ {line}")
        self._json(outcome, options)

    def _json(self, outcome, options):
        """With --json, one line per file on stdout: an imported (or checked) file's line is the shared
        schema plus its report; a failed one's is {"file", "status": "failed", "message", "report"}."""
        if not options["json"]:
            return
        report = [notice.to_json() for notice in outcome.warnings]
        if not outcome.ok:
            line = {"file": outcome.name, "status": "failed", "message": outcome.message, "report": report}
        elif outcome.data is not None:
            line = {**outcome.data.to_json(), "report": report}
        else:
            return
        self.stdout.write(json.dumps(line, ensure_ascii=False))

    def _known(self, options, overlap, regions):
        # The publication lines files are parsed with, as import_bytes will find them (a file that
        # changes the publication makes the next ones be parsed again, in import_bytes).
        if not overlap:
            return ((), regions)
        try:
            return reading_context(resolve_publication(options["publication"]), regions)
        except ImportFailure:
            return reading_context(None, regions)

    def _collect(self, paths):
        files, missing = [], []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
            elif path.is_file():
                files.append(path)
            else:
                missing.append(path)
        return files, missing

    def _progress(self, index, total, name):
        width = 30
        done = width * index // total
        bar = "#" * done + "." * (width - done)
        self.stderr.write(f"\r[{bar}] {index}/{total} {name}", ending="")
        if hasattr(sys.stderr, "flush"):
            self.stderr.flush()
