"""Which public copies in the bucket belong to which public issue (see newsletter/public_files.py)."""

from django.db import models


class PublicFile(models.Model):
    """Derived data: a public copy (``public/<sha256>/<name>``) of one private object an issue shows.

    One row per issue and private object; issues that show the same object share its copy, which
    stays while any row names it. Rows exist only for public issues and are re-made from the private
    objects by ``sync_public_files`` (after a restore, for example).
    """

    issue = models.ForeignKey(
        "newsletter.Issue", verbose_name="期刊", on_delete=models.CASCADE, related_name="public_files"
    )
    source = models.CharField("私有文件", max_length=255, db_index=True)
    key = models.CharField("公开副本", max_length=255, db_index=True)
    content_type = models.CharField("类型", max_length=50, help_text="从文件开头的字节读出的类型。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "公开副本"
        verbose_name_plural = "公开副本"
        constraints = [
            models.UniqueConstraint(fields=["issue", "source"], name="public_file_once_per_issue"),
            models.CheckConstraint(condition=models.Q(key__startswith="public/"), name="public_file_key_is_public"),
        ]

    def __str__(self):
        return self.key
