from django.conf import settings
from django.db import models


class IssueEvent(models.Model):
    """One step in an issue's history: who moved it from which state to which, and why."""

    issue = models.ForeignKey("Issue", verbose_name="期刊", on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    comment = models.TextField("意见", blank=True)
    # For 提交审核 only: what was submitted (newsletter/review_snapshot.py), so that the next submission can
    # show the reviewer what changed since. Written in the move's transaction, never edited.
    snapshot = models.JSONField("提交时的内容", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.issue} {self.action}"
