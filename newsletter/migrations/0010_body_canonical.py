"""Article bodies are edited in a rich-text editor now; every stored body is rewritten once in the
form the editor stores (Markdown → editor HTML → Markdown, ``body_format.canonical_markdown``), so
that the first save of an unchanged article in the editor changes nothing and shows no diff.

The canonical form reads the same: the same text and structure (tests/test_body_migration.py
checks every demo and imported article). What changes: text that Markdown would have read as
markup is escaped, headings deeper than the editor's two levels become its second level, and line
breaks inside a paragraph are joined (without a space between Chinese characters).

``body_html`` and ``search_text`` are derived from the body: they are refreshed through
``newsletter.derived`` (the one owner of derived data), never written here.
"""

from django.db import migrations, models

BATCH = 500


def canonicalise_bodies(apps, schema_editor):
    from newsletter import derived
    from newsletter.body_format import canonical_markdown

    Article = apps.get_model("newsletter", "Article")
    changed = []
    rows = Article.objects.order_by("pk").values_list("pk", "body")
    for pk, body in rows.iterator(chunk_size=BATCH):
        canonical = canonical_markdown(body)
        if canonical != body:
            Article.objects.filter(pk=pk).update(body=canonical)
            changed.append(pk)
    derived.refresh(changed, apps=apps)  # in batches, on the historical models, writing only the texts that differ


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0009_issue_pdf_system_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                blank=True,
                help_text="所见即所得：用工具栏设置小标题、加粗、列表、引用、表格和链接。"
                "段首写【湖北】表示这一段讲该地区。图片显示在正文中的位置即读者看到的位置。",
                verbose_name="正文",
            ),
        ),
        # Not reversible in content (the old form is not kept), but harmless to go back over.
        migrations.RunPython(canonicalise_bodies, migrations.RunPython.noop),
    ]
