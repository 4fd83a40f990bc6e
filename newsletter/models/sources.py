import re

from django.db import models

from ..text_input import CleanTextModel

# The words that introduce a source (来源：人民日报, 据新华社, 摘自求是): never part of an outlet's name.
# One pattern for every outlet name (the importer, the admin's one-line field, JSON, the model).
# 综合 and source also begin names (综合开发研究院, SourceForge): they are prefixes only with a colon.
_PREFIX_WORDS = r"资料来源|信息来源|来源|出处|来自|摘编自|摘自|转载自|转自|据"
OUTLET_PREFIX = re.compile(rf"^\s*(?:(?:{_PREFIX_WORDS})\s*[:：]?|(?:综合|source)\s*[:：])\s*(?=\S)", re.IGNORECASE)
# A whole source line also starts with 综合 when it compiles reports: （综合新华社、人民网报道）.
LINE_PREFIX = re.compile(
    rf"^\s*(?:(?:{_PREFIX_WORDS}|综合|source)\s*[:：]|(?:{_PREFIX_WORDS})|综合(?=.*(?:报道|消息)\s*$))\s*",
    re.IGNORECASE,
)


def strip_source_prefix(name):
    """ "据新华社" → "新华社", "来源：据新华社" → "新华社"."""
    while (match := OUTLET_PREFIX.match(name)) and match.end() < len(name):
        name = name[match.end() :]
    return name


def normalize_outlet_name(name):
    """One spelling per outlet: "21 世纪经济报道" and "21世纪经济报道" are the same paper.

    The PDF conversion puts spaces between digits and Han characters; spaces between two Latin
    words are kept. A prefix that introduces a source (来源：, 据, 摘自 …: ``OUTLET_PREFIX``) is not
    part of the name.
    """
    name = strip_source_prefix(re.sub(r"\s+", " ", (name or "").strip()))
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
