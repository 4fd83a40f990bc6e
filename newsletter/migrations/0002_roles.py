from django.contrib.auth.management import create_permissions
from django.db import migrations

from newsletter import roles


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in (roles.EDITOR, roles.REVIEWER, roles.CHIEF):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in roles.permissions_for(name):
            # Models added by later migrations get their permissions there (0016_roles_issue_masthead).
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[roles.EDITOR, roles.REVIEWER, roles.CHIEF]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("regions", "0002_initial_regions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
