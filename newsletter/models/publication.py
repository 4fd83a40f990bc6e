from django.conf import settings
from django.db import models

from ..text_input import CleanTextModel


class Publication(CleanTextModel, models.Model):
    """A series the institute publishes, such as 《双周决策观察 · 地方工作亮点追踪》."""

    name = models.CharField("刊名", max_length=100, unique=True, help_text="例如：双周决策观察")
    subtitle = models.CharField("副标题", max_length=100, blank=True, help_text="例如：地方工作亮点追踪")
    slogan = models.CharField("刊尾标语", max_length=200, blank=True, help_text="例如：洞悉基层创新 启迪新政新思")
    slug = models.SlugField("网址标识", max_length=60, unique=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    fax = models.CharField("传真", max_length=40, blank=True)
    description = models.TextField("简介", blank=True)
    page_budget = models.PositiveSmallIntegerField(
        "印刷版页数预算",
        default=14,
        help_text="印刷版 PDF 预计的 A4 页数（含封面和封底）。期刊看板在预计页数超出时提醒，但不阻止提交。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "刊物"
        verbose_name_plural = "刊物"
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def title(self):
        """《双周决策观察》 as it is cited."""
        return f"《{self.name}》"

    def host_names(self):
        return [host.name for host in self.hosts.all()]


class PublicationHost(CleanTextModel, models.Model):
    """One 主办 institution, in masthead order."""

    publication = models.ForeignKey(Publication, verbose_name="刊物", on_delete=models.CASCADE, related_name="hosts")
    name = models.CharField("主办单位", max_length=100)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "主办单位"
        verbose_name_plural = "主办单位"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "name"], name="unique_host_per_publication"),
        ]

    def __str__(self):
        return self.name


class Editor(CleanTextModel, models.Model):
    """A person who can be credited on the masthead (编辑, 统筹)."""

    name = models.CharField("姓名", max_length=50, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="editor_profile",
    )
    is_active = models.BooleanField("在职", default=True)

    class Meta:
        verbose_name = "编辑人员"
        verbose_name_plural = "编辑人员"
        ordering = ["name"]

    def __str__(self):
        return self.name
