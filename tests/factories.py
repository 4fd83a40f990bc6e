"""Small builders for test data. Plain functions over the real models: no mocks, real database rows."""

import datetime
import io
import itertools

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from newsletter.models import (
    Article,
    Editor,
    Figure,
    Issue,
    IssueCredit,
    IssueHost,
    Outlet,
    Publication,
    PublicationHost,
    Source,
)
from regions.models import Region

_counter = itertools.count(1)


def publication(slug="sszjc", **fields):
    pub, created = Publication.objects.get_or_create(
        slug=slug,
        defaults={
            "name": fields.pop("name", "双周决策观察" if slug == "sszjc" else f"测试刊物{slug}"),
            "subtitle": "地方工作亮点追踪",
            "slogan": "洞悉基层创新 启迪新政新思",
            "phone": "022-11112222",
            "fax": "022-11113333",
            **fields,
        },
    )
    if created:
        PublicationHost.objects.create(publication=pub, name="测试研究院", position=0)
        PublicationHost.objects.create(publication=pub, name="测试档案馆", position=1)
    return pub


def region(name, order=100, parent=None):
    existing = Region.objects.filter(name=name).first()
    if existing:
        return existing
    obj = Region(name=name, order=order, parent=parent)
    obj.save()
    return obj


def issue(
    status=Issue.Status.PUBLISHED,
    year=2024,
    number=None,
    total_number=None,
    pub=None,
    published_at=None,
    issue_date=None,
    credits=True,
    hosts=None,
    **fields,
):
    """An issue with its own masthead: ``hosts``, phone and fax default to its publication's (as
    ``Issue.objects.propose_next`` proposes them for a publication's first issue)."""
    pub = pub or publication()
    fields.setdefault("phone", pub.phone)
    fields.setdefault("fax", pub.fax)
    n = next(_counter)
    number = number or n
    total_number = total_number or 1000 + n
    if published_at is None and status in (Issue.Status.PUBLISHED, Issue.Status.SCHEDULED):
        published_at = timezone.now() - datetime.timedelta(days=1)
    obj = Issue.objects.create(
        publication=pub,
        year=year,
        number=number,
        total_number=total_number,
        issue_date=issue_date or datetime.date(year, 1, 1) + datetime.timedelta(days=14 * (number - 1) % 360),
        status=status,
        published_at=published_at,
        **fields,
    )
    for position, name in enumerate(pub.host_names() if hosts is None else hosts):
        IssueHost.objects.create(issue=obj, name=name, position=position)
    if credits:
        for role, names in (
            (IssueCredit.Role.EDITOR, ["甲编辑", "乙编辑"]),
            (IssueCredit.Role.COORDINATOR, ["丙统筹"]),
        ):
            for position, name in enumerate(names):
                IssueCredit.objects.create(
                    issue=obj, editor=Editor.objects.get_or_create(name=name)[0], role=role, position=position
                )
    return obj


def article(
    issue=None,
    section="区域",
    title=None,
    body=None,
    position=None,
    sources=(("测试日报", datetime.date(2024, 12, 1)),),
    region_tags=(),
    topics=(),
    **fields,
):
    section_obj = region(section) if isinstance(section, str) else section
    n = next(_counter)
    obj = Article(
        issue=issue,
        section=section_obj,
        position=position if position is not None else n,
        title=title or f"测试文章第{n}篇",
        body=body if body is not None else f"这是第{n}篇测试文章的正文。\n\n## 小标题\n\n第二段内容。",
        **fields,
    )
    obj.save()
    for index, (outlet, date) in enumerate(sources):
        Source.objects.create(article=obj, outlet=Outlet.get_for_name(outlet), date=date, position=index)
    if region_tags:
        obj.regions.set([region(name) for name in region_tags])
    if topics:
        obj.topics.add(*topics)
    obj.refresh_from_db(fields=["body_html", "search_text"])
    return obj


def png_bytes(size=(40, 30), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def figure(article, caption="测试图注", position=1, with_image=True):
    obj = Figure(article=article, caption=caption, alt_text=f"{caption}的示意", position=position)
    if with_image:
        obj.image.save("fig.png", ContentFile(png_bytes()), save=False)
    obj.save()
    article.refresh_from_db(fields=["body_html", "search_text"])
    obj.refresh_from_db(fields=["number"])
    return obj


def role_user(username, group_name):
    """A staff user in one of the editorial groups. Recreates the group with its permissions when a
    transactional test has flushed the rows the data migration made."""
    from django.contrib.auth.models import Group, Permission, User

    from newsletter import roles

    group, created = Group.objects.get_or_create(name=group_name)
    if created:
        for app_label, codename in roles.permissions_for(group_name):
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    user = User.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(group)
    return user
