from django.db import migrations

# The sections every issue so far has used, in print order. Editors add more in the admin.
INITIAL_REGIONS = [("区域", "quyu", 10), ("上海", "shanghai", 20), ("广东", "guangdong", 30), ("浙江", "zhejiang", 40)]


def create_regions(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    for name, slug, order in INITIAL_REGIONS:
        Region.objects.get_or_create(name=name, defaults={"slug": slug, "order": order})


def remove_regions(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Region.objects.filter(name__in=[name for name, _, _ in INITIAL_REGIONS], section_articles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(create_regions, remove_regions)]
