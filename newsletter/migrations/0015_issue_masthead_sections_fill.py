"""Every existing issue gets the masthead and the section order it shows today.

Until now an issue printed its publication's hosts, phone and fax, and its sections in the site-wide
region order: those become the issue's own rows, so that later edits of the publication or of
``Region.order`` no longer change what an issue printed.
"""

from django.db import migrations


def fill(apps, schema_editor):
    Issue = apps.get_model("newsletter", "Issue")
    IssueHost = apps.get_model("newsletter", "IssueHost")
    IssueSection = apps.get_model("newsletter", "IssueSection")
    PublicationHost = apps.get_model("newsletter", "PublicationHost")
    Article = apps.get_model("newsletter", "Article")
    Region = apps.get_model("regions", "Region")

    hosts_of = {}
    for host in PublicationHost.objects.order_by("position", "pk"):
        hosts_of.setdefault(host.publication_id, []).append(host.name)
    used = {}
    for issue_id, section_id in (
        Article.objects.filter(issue__isnull=False, section__isnull=False)
        .values_list("issue_id", "section_id")
        .distinct()
    ):
        used.setdefault(issue_id, set()).add(section_id)
    # The order readers saw: the site-wide region order, then the region's id (Issue.articles_in_order).
    rank = {pk: (order, pk) for pk, order in Region.objects.values_list("pk", "order")}

    hosts, sections = [], []
    for issue in Issue.objects.select_related("publication").iterator():
        publication = issue.publication
        if not issue.phone and not issue.fax:
            issue.phone, issue.fax = publication.phone, publication.fax
            issue.save(update_fields=["phone", "fax"])
        if not IssueHost.objects.filter(issue=issue).exists():
            for position, name in enumerate(dict.fromkeys(hosts_of.get(publication.pk, []))):
                hosts.append(IssueHost(issue=issue, name=name, position=position))
        if not IssueSection.objects.filter(issue=issue).exists():
            for position, region_id in enumerate(sorted(used.get(issue.pk, ()), key=rank.__getitem__), start=1):
                sections.append(IssueSection(issue=issue, region_id=region_id, position=position))
    IssueHost.objects.bulk_create(hosts, batch_size=500)
    IssueSection.objects.bulk_create(sections, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0014_issue_masthead_sections"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
