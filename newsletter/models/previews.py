from django.conf import settings
from django.db import models


class PreviewLink(models.Model):
    """A shareable, signed, expiring and revocable link to an issue as readers will see it."""

    issue = models.ForeignKey("Issue", verbose_name="期刊", on_delete=models.CASCADE, related_name="preview_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "预览链接"
        verbose_name_plural = "预览链接"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.issue} 预览链接"
