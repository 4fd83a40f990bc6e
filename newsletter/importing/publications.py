"""The publication and the issue a file goes to: which publication, whether its issue already
exists and may be replaced, and the publication's defaults filled from the file's masthead."""

from django.db.models import Q

from regions.slugs import pinyin_slug

from ..models import Issue, Publication, PublicationHost
from .schema import ImportFailure


def resolve_publication(slug=None, name=""):
    """The publication an import goes to: the given slug, else the only one, else the one named in the file."""
    if slug:
        publication = Publication.objects.filter(slug=slug).first()
        if publication is None:
            raise ImportFailure(f"没有网址标识为“{slug}”的刊物。")
        return publication
    publications = list(Publication.objects.order_by("pk")[:2])
    if len(publications) == 1:
        return publications[0]
    if name:
        named = Publication.objects.filter(name=name).first()
        if named is not None:
            return named
    if not publications:
        return None  # created from the file's masthead when loading
    raise ImportFailure("有多个刊物，请用 --publication 指定要导入到哪一个。")


def existing_issue(publication, data):
    """The publication's issue with the file's year and number, else the one with its total number."""
    if publication is None:
        return None
    same_number = Q(year=data.year, number=data.number)
    candidates = Issue.objects.filter(same_number | Q(total_number=data.total_number), publication=publication)
    found = sorted(candidates[:2], key=lambda issue: (issue.year, issue.number) != (data.year, data.number))
    return found[0] if found else None


def check_replaceable(publication, data, *, replace, filename=""):
    """Raise when the issue already exists and may not be replaced; return the issue to replace, if any."""
    issue = existing_issue(publication, data)
    if issue is None:
        return None
    if not replace:
        raise ImportFailure(
            f"该刊物已有 {issue.year} 年第 {issue.number} 期（总第 {issue.total_number} 期），未导入。"
            "如要替换草稿，请使用 --replace。",
            filename=filename,
        )
    if issue.status != Issue.Status.DRAFT:
        raise ImportFailure(
            f"{issue.year} 年第 {issue.number} 期（总第 {issue.total_number} 期）状态为“{issue.get_status_display()}”，"
            "只有草稿可以被替换。",
            filename=filename,
        )
    return issue


def publication_from_file(data):
    if not data.publication:
        raise ImportFailure("还没有任何刊物，文件中也没有刊名，无法导入。")
    publication = Publication(
        name=data.publication,
        subtitle=data.subtitle,
        slogan=data.slogan,
        slug=pinyin_slug(data.publication) or "publication",
        phone=data.phone,
        fax=data.fax,
    )
    publication.full_clean()
    publication.save()
    for position, name in enumerate(dict.fromkeys(data.hosts)):
        PublicationHost.objects.create(publication=publication, name=name, position=position)
    return publication


def complete_publication(publication, data):
    """Fill what the publication lacks from the masthead (its defaults for new issues). The masthead
    itself is the issue's: a file whose masthead differs from the publication's is not reported."""
    changed = []
    for field_name, value in (
        ("subtitle", data.subtitle),
        ("slogan", data.slogan),
        ("phone", data.phone),
        ("fax", data.fax),
    ):
        if value and not getattr(publication, field_name):
            setattr(publication, field_name, value)
            changed.append(field_name)
    if changed:
        publication.save(update_fields=changed)
    if data.hosts and not publication.hosts.exists():
        for position, name in enumerate(dict.fromkeys(data.hosts)):
            PublicationHost.objects.create(publication=publication, name=name, position=position)
    return []
