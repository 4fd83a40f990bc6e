import datetime
import io

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from newsletter import derived, review_snapshot, roles
from newsletter.demo import content
from newsletter.models import (
    Article,
    Editor,
    Figure,
    Issue,
    IssueCredit,
    IssueEvent,
    IssueHost,
    Outlet,
    Publication,
    PublicationHost,
    Source,
)
from regions.models import Region

DEMO_ACCOUNTS = [
    ("editor", roles.EDITOR, "林晓雯", "demo-editor-pass"),
    ("reviewer", roles.REVIEWER, "周志航", "demo-reviewer-pass"),
    ("chief", roles.CHIEF, "王立群", "demo-chief-pass"),
]


def demo_chart():
    """A small bar chart drawn with Pillow, so the demo has a real image figure."""
    image = Image.new("RGB", (640, 360), "white")
    draw = ImageDraw.Draw(image)
    for i, height in enumerate([120, 200, 160, 260, 220]):
        x = 60 + i * 110
        draw.rectangle([x, 320 - height, x + 70, 320], fill=(178, 34, 34))
    draw.line([40, 320, 620, 320], fill="black", width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Command(BaseCommand):
    help = "载入演示数据（刊物、地区、编辑人员、演示账号和若干期刊）。重复运行不会重复创建。"

    @transaction.atomic
    @derived.deferred()  # articles, sources, tags and figures: their stored texts made once, at the end
    def handle(self, *args, **options):
        publication, _ = Publication.objects.get_or_create(
            slug="sszjc",
            defaults={
                "name": "双周决策观察",
                "subtitle": "地方工作亮点追踪",
                "slogan": "洞悉基层创新 启迪新政新思",
                "phone": "022-00000000",
                "fax": "022-00000001",
            },
        )
        for position, name in enumerate(content.HOSTS):
            PublicationHost.objects.get_or_create(publication=publication, name=name, defaults={"position": position})
        for name, order, parent in content.EXTRA_REGIONS:
            if not Region.objects.filter(name=name).exists():
                region = Region(name=name, order=order, parent=Region.objects.filter(name=parent).first())
                region.save()
        editors = {name: Editor.objects.get_or_create(name=name)[0] for name in content.EDITORS + content.COORDINATORS}

        created_accounts = []
        for username, group_name, editor_name, password in DEMO_ACCOUNTS:
            # The account carries the person's name too (shown wherever the admin names a user).
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"is_staff": True, "email": f"{username}@example.com", "first_name": editor_name},
            )
            if created:
                user.set_password(password)
                user.save()
                created_accounts.append((username, password, group_name))
            user.groups.add(Group.objects.get(name=group_name))
            Editor.objects.filter(name=editor_name, user__isnull=True).update(user=user)

        created_issues = 0
        users = {username: User.objects.get(username=username) for username, *_ in DEMO_ACCOUNTS}
        for year, number, total, issue_date, status, articles in content.ISSUES:
            if Issue.objects.filter(publication=publication, year=year, number=number).exists():
                continue
            issue = self._create_issue(publication, editors, year, number, total, issue_date, status, articles)
            self._record_history(issue, users)
            created_issues += 1

        self.stdout.write(self.style.SUCCESS(f"演示数据就绪：新建 {created_issues} 期。"))
        for username, password, group_name in created_accounts:
            self.stdout.write(f"  演示账号（{group_name}）：{username} / {password}")

    def _record_history(self, issue, users):
        """The workflow steps that brought a demo issue to its state, as the admin's history shows them."""
        steps = {
            Issue.Status.IN_REVIEW: [("submit", "draft", "in_review", "editor", "")],
            Issue.Status.APPROVED: [
                ("submit", "draft", "in_review", "editor", ""),
                ("approve", "in_review", "approved", "reviewer", "内容核对无误，同意发布。"),
            ],
            Issue.Status.PUBLISHED: [
                ("submit", "draft", "in_review", "editor", ""),
                ("approve", "in_review", "approved", "reviewer", ""),
                ("publish", "approved", "published", "chief", ""),
            ],
        }.get(issue.status, [])
        for action, from_status, to_status, username, comment in steps:
            IssueEvent.objects.create(
                issue=issue,
                actor=users[username],
                action=action,
                from_status=from_status,
                to_status=to_status,
                comment=comment,
                # As perform() keeps it: a demo issue sent back and resubmitted then shows its changes.
                snapshot=review_snapshot.take(issue) if action == "submit" else None,
            )
        if steps:
            Issue.objects.filter(pk=issue.pk).update(submitted_by=users["editor"])

    def _create_issue(self, publication, editors, year, number, total, issue_date, status, articles):
        published_at = None
        if status in (Issue.Status.PUBLISHED, Issue.Status.SCHEDULED):
            published_at = timezone.make_aware(datetime.datetime.combine(issue_date, datetime.time(9, 0)))
        issue = Issue(
            publication=publication,
            year=year,
            number=number,
            total_number=total,
            issue_date=issue_date,
            status=status,
            published_at=published_at,
            phone=publication.phone,
            fax=publication.fax,
        )
        issue.full_clean()
        issue.save()
        for position, name in enumerate(publication.host_names()):
            IssueHost.objects.create(issue=issue, name=name, position=position)
        for role, names in (
            (IssueCredit.Role.EDITOR, content.EDITORS),
            (IssueCredit.Role.COORDINATOR, content.COORDINATORS),
        ):
            for position, name in enumerate(names):
                IssueCredit.objects.create(issue=issue, editor=editors[name], role=role, position=position)
        positions = {}
        for section_name, title, body, sources, region_tags, topics in articles:
            section = (
                Region.objects.get(name=section_name) if Region.objects.filter(name=section_name).exists() else None
            )
            if section is None:
                section = Region(name=section_name, order=200)
                section.save()
            positions[section.pk] = positions.get(section.pk, 0) + 1
            article = Article(issue=issue, section=section, position=positions[section.pk], title=title, body=body)
            article.full_clean()
            article.save()
            for position, (outlet, date) in enumerate(sources):
                Source.objects.create(article=article, outlet=Outlet.get_for_name(outlet), date=date, position=position)
            if region_tags:
                article.regions.set([Region.objects.get(name=name) for name in region_tags])
            if topics:
                article.topics.add(*topics)
            if "[[figure:1]]" in body:
                figure = Figure(
                    article=article, caption="低空飞行服务站点分布示意", alt_text="柱状图：各区起降点数量", position=1
                )
                figure.image.save("chart.png", ContentFile(demo_chart()), save=False)
                figure.save()
        return issue
