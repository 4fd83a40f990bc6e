from django.db import migrations


class Migration(migrations.Migration):
    """Search index (filled in by the search work)."""

    dependencies = [("newsletter", "0002_roles")]
    operations = []
