"""The roles' permissions on the models added with the issue's own masthead and section order
(``IssueHost``, ``IssueSection``): the groups get what ``newsletter.roles`` gives them today."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from newsletter import roles


def sync_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in (roles.EDITOR, roles.REVIEWER, roles.CHIEF):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in roles.permissions_for(name):
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0015_issue_masthead_sections_fill")]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
