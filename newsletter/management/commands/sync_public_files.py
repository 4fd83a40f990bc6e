from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from newsletter import public_files
from newsletter.storage import bucket_storage


class Command(BaseCommand):
    help = (
        "让存储桶中的公开副本与期刊状态一致：公开期刊的图片和印刷版有公开副本，其他期刊的没有。"
        "公开副本是派生数据：从备份恢复数据库和存储桶后运行 --all 重新生成（重复运行无副作用）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("issue_ids", nargs="*", type=int, help="期刊 ID。")
        parser.add_argument("--all", action="store_true", help="所有期刊，并删除不属于任何期刊的公开副本。")

    def handle(self, *args, issue_ids, **options):
        if bucket_storage(default_storage) is None:
            self.stdout.write("未配置存储桶（AWS_STORAGE_BUCKET_NAME）：文件在本地，没有公开副本需要同步。")
            return
        if options["all"] == bool(issue_ids):
            raise CommandError("请给出期刊 ID，或使用 --all。")
        if options["all"]:
            synced, stray = public_files.sync_all()
            self.stdout.write(self.style.SUCCESS(f"已同步 {synced} 期，删除多余的公开副本 {stray} 个。"))
            return
        for issue_id in issue_ids:
            public_files.sync_issue(issue_id)
        self.stdout.write(self.style.SUCCESS(f"已同步 {len(issue_ids)} 期。"))
