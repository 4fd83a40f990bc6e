"""What the public issue page shows of an issue, rendered once when it changes (see newsletter/renditions.py)."""

from django.db import models


class IssueRendition(models.Model):
    """Derived data, like ``Article.body_html``: never edited, re-rendered after every change it shows.

    A row of its own rather than columns on Issue, so that the many queries that load issues (lists,
    feeds, the admin) never carry ~50 KB of HTML per issue.
    """

    issue = models.OneToOneField(
        "newsletter.Issue",
        verbose_name="期刊",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rendition",
    )
    stamp = models.CharField(
        "模板指纹", max_length=64, help_text="生成这份页面的模板和代码的指纹；与当前不同时页面改为实时生成。"
    )
    html = models.TextField("期刊正文 HTML")
    title = models.CharField("页面标题", max_length=300, blank=True)
    description = models.TextField("页面摘要", blank=True)
    image = models.CharField("页面配图", max_length=255, blank=True, help_text="本期第一张图片在存储中的名称。")
    # Text, not JSONField: PostgreSQL's jsonb reorders keys, and the page must read the same
    # whether it is served from here or rendered live.
    structured_data = models.TextField(
        "结构化数据", blank=True, help_text="schema.org JSON-LD，地址为站内路径，访问时补全为绝对地址。"
    )
    pager = models.JSONField(
        "前后期",
        default=dict,
        blank=True,
        help_text="前后可能公开的各期（已发布或定时发布），由近及远，到第一期已发布的为止；访问时取第一期已公开的。",
    )
    rendered_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = "期刊页面"
        verbose_name_plural = "期刊页面"

    def __str__(self):
        return f"{self.issue_id}"
