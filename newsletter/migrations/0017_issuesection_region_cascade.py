"""An issue's section order may point only at regions that exist: a region deleted once no article uses it
takes its leftover rows of the issues' orders with it (they ordered nothing)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0016_roles_issue_masthead"),
        ("regions", "0003_region_order_is_a_default"),
    ]

    operations = [
        migrations.AlterField(
            model_name="issuesection",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="regions.region", verbose_name="栏目"
            ),
        ),
    ]
