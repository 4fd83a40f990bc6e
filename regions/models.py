from django.db import models
from django.urls import reverse
from taggit.models import TagBase

from newsletter.text_input import CleanTextModel

from .slugs import pinyin_slug


class RegionQuerySet(models.QuerySet):
    def ordered(self):
        return self.order_by("order", "name")


class Region(CleanTextModel, TagBase):
    """A place. Issues are grouped by region sections, and articles are tagged with the regions they cover.

    A django-taggit tag model, so one table serves both the section an article sits in and the
    places it mentions (a 区域 piece can be tagged 湖北 and 北京).
    """

    # The default only: each issue prints its sections in its own order (newsletter.models.sections).
    order = models.PositiveIntegerField(
        "排序",
        default=100,
        help_text="新一期的栏目和地区列表的默认先后，数字小的在前。已有各期按各自目录的顺序排列，不受此处影响。",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="例如广州的上级地区是广东。",
    )
    description = models.TextField("简介", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="region_not_own_parent"),
        ]

    def slugify(self, tag, i=None):
        slug = pinyin_slug(tag) or "region"
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self):
        return reverse("regions:detail", kwargs={"slug": self.slug})

    @property
    def label(self):
        """The bracketed form used in the print edition: 【上海】."""
        return f"【{self.name}】"
