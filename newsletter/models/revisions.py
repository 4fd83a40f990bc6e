from django.conf import settings
from django.db import models


class ArticleRevision(models.Model):
    """A full snapshot of an article (including sources, figures and tags) taken at each save."""

    article = models.ForeignKey("Article", verbose_name="文章", on_delete=models.CASCADE, related_name="revisions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    data = models.JSONField("内容")
    is_correction = models.BooleanField("发布后更正", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "文章修订"
        verbose_name_plural = "文章修订"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article} @ {self.created_at:%Y-%m-%d %H:%M}"
