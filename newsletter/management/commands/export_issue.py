import re

from django.core.management.base import BaseCommand, CommandError

from newsletter.importing.exporter import export_json, export_markdown, load_for_export
from newsletter.models import Issue, Publication


class Command(BaseCommand):
    help = "导出一期（KEY 形如 2024-24）：与印刷版相同格式的 Markdown，或 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("key", metavar="KEY", help="年份-期号，例如 2024-24")
        parser.add_argument("--format", choices=["markdown", "json"], default="markdown", help="输出格式")
        parser.add_argument("--publication", metavar="SLUG", help="刊物的网址标识（有多个刊物时必填）")

    def handle(self, *args, **options):
        match = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{1,3})\s*", options["key"])
        if not match:
            raise CommandError(f"期号“{options['key']}”格式不对，应为 年份-期号，例如 2024-24。")
        issues = Issue.objects.filter(year=int(match.group(1)), number=int(match.group(2)))
        if options["publication"]:
            publication = Publication.objects.filter(slug=options["publication"]).first()
            if publication is None:
                raise CommandError(f"没有网址标识为“{options['publication']}”的刊物。")
            issues = issues.filter(publication=publication)
        found = list(issues[:2])
        if not found:
            raise CommandError(f"没有找到 {options['key']} 这一期。")
        if len(found) > 1:
            raise CommandError("有多个刊物都有这一期，请用 --publication 指定。")
        issue = load_for_export(found[0])
        text = export_json(issue) if options["format"] == "json" else export_markdown(issue)
        self.stdout.write(text, ending="")
