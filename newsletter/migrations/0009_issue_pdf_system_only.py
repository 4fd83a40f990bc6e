"""The issue's PDF is the system's output only: no longer editable, and any stored value it did not write is cleared.

Until now the admin let any editor upload any file as 「PDF 印刷版」 (report.html, x.js …), kept
under its own name. A value is kept only if it is a name the renderer gives
(``issues/pdf/<slug>-<year>-<number>[-<16 hex>][_<7 chars>].pdf``) and the file starts like a PDF.
Cleared values are printed and logged, and their files are left on disk for a person to inspect:
nothing serves them any more (newsletter/media.py serves only files a record points to), and a
public issue's PDF is rendered again on its first download.
"""

import logging
import re

from django.core.files.storage import default_storage
from django.db import migrations, models

import newsletter.models.figures

logger = logging.getLogger("newsletter.migrations")


def is_generated(issue, name):
    pattern = rf"issues/pdf/{re.escape(issue.publication.slug)}-{issue.year}-{issue.number}(-[0-9a-f]{{16}})?(_[A-Za-z0-9]{{7}})?\.pdf"
    if not re.fullmatch(pattern, name):
        return False
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def clear_foreign_pdfs(apps, schema_editor):
    Issue = apps.get_model("newsletter", "Issue")
    for issue in Issue.objects.exclude(pdf="").select_related("publication").order_by("pk"):
        name = issue.pdf.name
        if is_generated(issue, name):
            continue
        Issue.objects.filter(pk=issue.pk).update(pdf="")
        message = f"期刊 {issue.pk}（{issue.year}-{issue.number}）的 PDF 字段“{name}”不是系统生成的文件，已清空；文件仍在 MEDIA_ROOT 中，请人工检查后删除。"
        logger.warning(message)
        print(message)  # noqa: T201  (a migration's output is read by the person running it)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0008_article_search_text_labels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="issue",
            name="pdf",
            field=models.FileField(blank=True, editable=False, upload_to="issues/pdf/", verbose_name="PDF 印刷版"),
        ),
        # The media view looks a figure up by its file name on every image request.
        migrations.AlterField(
            model_name="figure",
            name="image",
            field=models.ImageField(
                blank=True,
                db_index=True,
                height_field="height",
                help_text="JPEG、PNG、WebP 或 GIF。导入的图注暂无图片时留空，页面上会提示需要补传。",
                upload_to=newsletter.models.figures.figure_upload_to,
                verbose_name="图片",
                width_field="width",
            ),
        ),
        # Data last: no schema change follows it in this transaction (PostgreSQL's pending trigger events).
        migrations.RunPython(clear_foreign_pdfs, migrations.RunPython.noop),
    ]
