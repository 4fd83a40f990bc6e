import re

from django.db import models

from ..text_input import CleanTextModel


def normalize_outlet_name(name):
    """One spelling per outlet: "21 世纪经济报道" and "21世纪经济报道" are the same paper.

    The PDF conversion puts spaces between digits and Han characters; spaces between two Latin
    words are kept. Nothing else changes: a name is kept as it is given (来源网, 据点新闻 are names,
    and a row stored before is never renamed); the words that introduce a source (来源：, 据 …) are
    dropped where a source LINE is read (``newsletter.source_line``), not here.
    """
    name = re.sub(r"\s+", " ", (name or "").strip())
    return re.sub(r"(?<=[^\x00-\x7f]) (?=\S)|(?<=\S) (?=[^\x00-\x7f])", "", name)


class Outlet(CleanTextModel, models.Model):
    """A medium articles are excerpted from (金融时报, 21世纪经济报道 …), shared by all articles."""

    name = models.CharField("媒体名称", max_length=100, unique=True)

    class Meta:
        verbose_name = "来源媒体"
        verbose_name_plural = "来源媒体"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_outlet_name(self.name)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # The uniqueness check must see the spelling that will be saved.
        super().clean_fields(exclude)
        self.name = normalize_outlet_name(self.name)

    @classmethod
    def get_for_name(cls, name):
        outlet, _ = cls.objects.get_or_create(name=normalize_outlet_name(name))
        return outlet


class Source(CleanTextModel, models.Model):
    """One outlet an article was taken from, with that outlet's date, in source-line order."""

    article = models.ForeignKey("Article", verbose_name="文章", on_delete=models.CASCADE, related_name="sources")
    outlet = models.ForeignKey(Outlet, verbose_name="媒体", on_delete=models.PROTECT, related_name="sources")
    date = models.DateField("刊发日期", null=True, blank=True)
    url = models.URLField("原文链接", blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "来源"
        verbose_name_plural = "来源"
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.outlet} {self.date:%Y%m%d}" if self.date else str(self.outlet)
