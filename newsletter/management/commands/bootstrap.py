import secrets

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse

from newsletter.absolute_urls import absolute_url
from newsletter.models import Publication


class Command(BaseCommand):
    help = "首次运行：数据库为空时载入演示数据，并创建管理员账号（打印其密码）。"

    def handle(self, *args, **options):
        if not Publication.objects.exists():
            call_command("load_demo", stdout=self.stdout)
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "admin@example.com", password)
            self.stdout.write(self.style.SUCCESS(f"已创建管理员账号：admin / {password}"))
        else:
            self.stdout.write("管理员账号已存在（如忘记密码：python manage.py changepassword admin）。")
        # SITE_URL, not PORT: `make run` sets it from PORT, a deployment to its public address.
        self.stdout.write(f"后台：{absolute_url(reverse('admin:index'))}   网站：{absolute_url('/')}")
