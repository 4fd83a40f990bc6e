from django.db import migrations

# A figure's credit (图片来源) is now shown under its caption, which is part of the article's stored
# body_html (newsletter.rendering.figure_html). The articles with a credited figure are re-derived
# by the owner of body_html, newsletter.derived, with this migration's historical models; the issue
# pages that show them are re-rendered by migrate itself (renditions.FORMAT changed with this).


def show_figure_credits(apps, schema_editor):
    from newsletter import derived

    Figure = apps.get_model("newsletter", "Figure")
    credited = Figure.objects.exclude(credit="").values_list("article_id", flat=True).distinct()
    derived.refresh(set(credited), apps=apps)


def hide_figure_credits(apps, schema_editor):
    # Going back, the old code renders the bodies it reads; the credits then stay in body_html until
    # each article is saved again, which is harmless (they were only never shown before).
    pass


class Migration(migrations.Migration):
    """Figure credits shown to readers: the bodies of articles with a credited figure re-derived (data only)."""

    dependencies = [("newsletter", "0010_body_canonical")]
    operations = [migrations.RunPython(show_figure_credits, hide_figure_credits)]
