from django.core.management.base import BaseCommand
from django.utils import timezone

from newsletter import workflow


class Command(BaseCommand):
    help = "把已到发布时间的定时期刊改为“已发布”并记录流程（供 cron 每分钟运行；重复运行无副作用）。"

    def handle(self, *args, **options):
        events = workflow.publish_due()
        for event in events:
            when = timezone.localtime(event.issue.published_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"已发布：{event.issue}（计划时间 {when}）")
        self.stdout.write(self.style.SUCCESS(f"本次发布 {len(events)} 期。"))
