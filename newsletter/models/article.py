from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from regions.models import Region
from regions.slugs import pinyin_slug

from .. import rendering, text_input
from ..text_input import CleanTextModel
from .issue import Issue, published_q
from .sections import section_rank

# search_text is the title, then the section and tag names, then everything else, each part
# normalised on its own and joined by characters that normalisation removes from any text (so no
# query contains them). Search ranks by where a term first occurs: before HEAD_END means in the title
# or a section/tag name (newsletter/search.py). A separator also keeps a query from matching across
# the end of one part and the start of the next.
PART_SEPARATOR = "\x1f"
HEAD_END = "\x1e"
# The fields of an article its stored texts are made from; everything else they use is in other rows.
DERIVED_FROM = frozenset({"title", "short_title", "summary", "body", "section", "section_id"})


class Topic(CleanTextModel, TagBase):
    """A topic tag (碳市场, 并购重组 …) with a pinyin slug."""

    class Meta:
        verbose_name = "主题标签"
        verbose_name_plural = "主题标签"
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = pinyin_slug(tag, separator="-") or "topic"
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self):
        return reverse("newsletter:tag_detail", kwargs={"slug": self.slug})


class ArticleRegion(TaggedItemBase):
    tag = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "地区标签"
        verbose_name_plural = "地区标签"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_region_tag"),
        ]


class ArticleTopic(TaggedItemBase):
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "主题标签"
        verbose_name_plural = "主题标签"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_topic_tag"),
        ]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles placed in a public issue (see ``published_q``)."""
        return self.filter(published_q("issue__"))

    def in_region(self, region):
        """Articles whose section is ``region`` or that carry it as a region tag."""
        tagged = ArticleRegion.objects.filter(tag=region).values("content_object_id")
        return self.filter(Q(section=region) | Q(pk__in=tagged))

    def in_print_order(self):
        """Within an issue: the issue's section order (``models.sections``), then position."""
        return self.order_by(section_rank(), "section_id", "position", "pk")


class Article(CleanTextModel, models.Model):
    issue = models.ForeignKey(
        Issue,
        verbose_name="所属期刊",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="可以先写稿，之后再编入某一期。",
    )
    section = models.ForeignKey(
        Region,
        verbose_name="栏目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="section_articles",
        help_text="文章在期刊中所属的地区栏目，如【区域】【上海】。",
    )
    position = models.PositiveIntegerField("栏目内顺序", default=0)
    title = models.CharField("标题", max_length=200)
    short_title = models.CharField(
        "目录标题", max_length=200, blank=True, help_text="目录中显示的标题，留空则用正文标题。"
    )
    slug = models.SlugField("网址标识", max_length=80, blank=True, help_text="留空则由标题的拼音自动生成。")
    summary = models.TextField("摘要", blank=True)
    # Stored as Markdown (the archive's format: import, export, revision diffs); the admin edits it
    # in a rich-text editor through newsletter/body_format.py.
    body = models.TextField(
        "正文",
        blank=True,
        help_text="所见即所得：用工具栏设置小标题、加粗、列表、引用、表格和链接。"
        "段首写【湖北】表示这一段讲该地区。图片显示在正文中的位置即读者看到的位置。",
    )
    body_html = models.TextField("正文 HTML", blank=True, editable=False)
    search_text = models.TextField("检索文本", blank=True, editable=False)
    regions = TaggableManager(
        "地区标签",
        through=ArticleRegion,
        manager=text_input.NormalisedTags,
        blank=True,
        related_name="tagged_in_articles",
        help_text="文章涉及的地区（除所属栏目外），例如湖北、北京。",
    )
    topics = TaggableManager(
        "主题标签", through=ArticleTopic, manager=text_input.NormalisedTags, blank=True, related_name="articles"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        # Grouped by issue and section (the print order within an issue is ``in_print_order()``:
        # the issue's own section order, which a plain field ordering cannot express).
        ordering = ["issue", "section_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "slug"],
                condition=Q(issue__isnull=False),
                name="unique_article_slug_per_issue",
                violation_error_message="同一期中已有相同网址标识的文章。",
            ),
        ]
        indexes = [models.Index(fields=["issue", "section", "position"], name="article_print_order_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Before the slug and body HTML are derived from the text (pre_save would be too late for them).
        text_input.normalise(self, kwargs.get("update_fields"))
        if not self.slug:
            self.slug = self._unique_slug()
        # The stored texts follow the article's own fields here, in the same write. Changes to the
        # rows they also come from (sources, figures, tags, names) are followed by newsletter.derived.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or DERIVED_FROM.intersection(update_fields):
            for name, value in self.derive().items():
                setattr(self, name, value)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html", "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.issue_id is None:
            return ""
        return reverse(
            "newsletter:article_detail",
            kwargs={"year": self.issue.year, "number": self.issue.number, "slug": self.slug},
        )

    @property
    def toc_title(self):
        return self.short_title or self.title

    @property
    def anchor(self):
        """Fragment id of this article on its issue page."""
        return f"a-{self.slug}"

    def _unique_slug(self):
        base = pinyin_slug(self.title, separator="-", max_length=70) or "article"
        if self.issue_id is None:
            return base
        taken = set(
            Article.objects.filter(issue_id=self.issue_id, slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def render_body(self, figures=None):
        """Body HTML with ``[[figure:N]]`` markers replaced by the article's figures."""
        if figures is None:
            figures = list(self.figures.all()) if self.pk else []
        return rendering.render_article(self.body, figures)

    def derive(self, related=None):
        """``body_html`` and ``search_text`` as they should be stored, from this article's fields and
        its related rows (``RelatedRows``; read from the database when not given)."""
        if related is None:
            related = related_rows([self.pk]).get(self.pk, RelatedRows()) if self.pk else RelatedRows()
        section = self.section.name if self.section_id else ""
        return derived_fields(self, section=section, **related.as_kwargs())

    def source_line(self):
        """The print edition's closing line: （金融时报 中央财经大学绿色金融国际研究院 20241210）."""
        return format_source_line(list(self.sources.all()))


def format_source_line(sources):
    if not sources:
        return ""
    groups = []  # consecutive sources of the same date share one date, as in print
    for source in sources:
        if groups and groups[-1][0] == source.date:
            groups[-1][1].append(source.outlet.name)
        else:
            groups.append((source.date, [source.outlet.name]))
    parts = []
    for date, names in groups:
        parts.append(" ".join(names + ([date.strftime("%Y%m%d")] if date else [])))
    return "（" + " ".join(parts) + "）"


@dataclass
class RelatedRows:
    """What an article's stored texts take from other rows."""

    figures: list = field(default_factory=list)  # Figure rows, in their order
    outlets: list = field(default_factory=list)  # outlet names, in source order
    regions: list = field(default_factory=list)  # region tag names
    topics: list = field(default_factory=list)  # topic tag names

    def as_kwargs(self):
        return {"figures": self.figures, "outlets": self.outlets, "regions": self.regions, "topics": self.topics}


def related_rows(article_ids, apps=None):
    """{article pk: RelatedRows} for these articles, in four queries however many there are.
    ``apps``: a migration's app registry, whose historical models then stand in for ours."""
    if apps is None:
        from .figures import Figure
        from .sources import Source

        article_region, article_topic = ArticleRegion, ArticleTopic
    else:
        Figure, Source = apps.get_model("newsletter", "Figure"), apps.get_model("newsletter", "Source")
        article_region = apps.get_model("newsletter", "ArticleRegion")
        article_topic = apps.get_model("newsletter", "ArticleTopic")

    ids = [pk for pk in article_ids if pk]
    rows = {pk: RelatedRows() for pk in ids}
    if not ids:
        return rows
    for figure in Figure.objects.filter(article_id__in=ids).order_by("article_id", "position", "pk"):
        rows[figure.article_id].figures.append(figure)
    sources = Source.objects.filter(article_id__in=ids).order_by("article_id", "position", "pk")
    for article_id, name in sources.values_list("article_id", "outlet__name"):
        rows[article_id].outlets.append(name)
    for model, attribute in ((article_region, "regions"), (article_topic, "topics")):
        tags = model.objects.filter(content_object_id__in=ids).values_list("content_object_id", "tag__name")
        for article_id, name in tags:
            getattr(rows[article_id], attribute).append(name)
    for row in rows.values():  # sorted here, not by the database's collation: the same on every database
        row.regions.sort()
        row.topics.sort()
    return rows


def derived_fields(article, *, section="", figures=(), outlets=(), regions=(), topics=()):
    """The one formula for an article's stored texts, from the rows in hand. Every writer uses it:
    ``Article.save()``, newsletter.derived (after related rows change), the importer and the bench.

    ``body_html`` is the Markdown body with the figures (their numbered captions) in place.
    ``search_text`` is what search matches: title; section, region and topic names; the table of
    contents title, summary, body text (figure captions included) and outlets.
    """
    # From fields only (not ``render_body``): a migration's historical articles use the same formula.
    body_html = rendering.render_article(article.body, list(figures))
    search_text = search_text_for(article, body_html, section=section, outlets=outlets, regions=regions, topics=topics)
    return {"body_html": body_html, "search_text": search_text}


def search_text_for(article, body_html, *, section="", outlets=(), regions=(), topics=()):
    """``search_text`` from an article's fields (any object with them) and its rendered body."""
    normalize = rendering.normalize_for_search
    labels = [section, *sorted(regions), *sorted(topics)]
    head = PART_SEPARATOR.join([normalize(article.title), *(normalize(label) for label in labels if label)])
    rest = [article.short_title, article.summary, rendering.plain_text(body_html), *outlets]
    return head + HEAD_END + PART_SEPARATOR.join(normalize(text) for text in rest if text)
