import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..text_input import CleanTextModel
from .publication import Editor, Publication


def published_q(prefix=""):
    """The one definition of "public" for issues, as a Q usable through relations.

    An issue is public when it is published, or scheduled and due: a scheduled issue goes live at
    its time even if the ``publish_scheduled`` job never runs.
    """
    now = timezone.now()
    return Q(**{f"{prefix}status": Issue.Status.PUBLISHED}) | Q(
        **{f"{prefix}status": Issue.Status.SCHEDULED, f"{prefix}published_at__lte": now}
    )


def contents_prefetches(bodies=True):
    """The lookups that load what an issue's page shows, for ``prefetch_related(_objects)``."""
    from .article import Article
    from .sections import section_rank
    from .sources import Source

    # Each article carries its section's rank in the issue (``models.sections``): print order costs
    # no query of its own.
    articles = Article.objects.select_related("section").annotate(section_rank=section_rank())
    if bodies:
        articles = articles.defer("search_text").prefetch_related(
            models.Prefetch("sources", queryset=Source.objects.select_related("outlet")), "figures"
        )
    else:
        articles = articles.defer("body", "body_html", "search_text", "summary")
    return [
        "hosts",
        models.Prefetch("credits", queryset=IssueCredit.objects.select_related("editor")),
        models.Prefetch("articles", queryset=articles),
    ]


def _neighbour_key(condition, order):
    siblings = Issue.objects.published().filter(publication_id=OuterRef("publication_id"))
    nearest = siblings.filter(**{condition: OuterRef("total_number")}).order_by(order)
    return Subquery(nearest.values(key=JSONObject(year="year", number="number"))[:1], output_field=models.JSONField())


# Newest first by numbering, never by ``published_at``: publishing a back issue (every archive import
# ends with that) does not make it the current one.
NEWEST_FIRST = ("-total_number", "-year", "-number")


class IssueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q())

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def current(self):
        """The current issue: the public one with the highest number, or None."""
        return self.published().newest_first().first()

    def with_contents(self, bodies=True):
        """Issues with everything their page, preview, feed item or PDF shows, in a fixed number of
        queries. ``bodies=False`` is for tables of contents: article texts stay in the database."""
        return self.select_related("publication").prefetch_related(*contents_prefetches(bodies))

    def with_neighbours(self):
        """Annotate the public issues before and after each issue (same publication), for the pager:
        ``previous_issue`` and ``next_issue`` then cost no query of their own."""
        return self.annotate(
            previous_issue_key=_neighbour_key("total_number__lt", "-total_number"),
            next_issue_key=_neighbour_key("total_number__gt", "total_number"),
        )

    def propose_next(self, publication):
        """Numbers, date, credits and masthead (hosts, phone, fax) proposed for the issue after the
        latest one; the first issue of a publication is proposed the publication's masthead.

        Issues appear every two weeks; numbering restarts at 1 with each year, the total runs on.
        """
        latest = self.filter(publication=publication).order_by("-year", "-number").first()
        if latest is None:
            today = timezone.localdate()
            return {
                "year": today.year,
                "number": 1,
                "total_number": 1,
                "issue_date": today,
                "credits": [],
                "hosts": publication.host_names(),
                "phone": publication.phone,
                "fax": publication.fax,
            }
        issue_date = latest.issue_date + datetime.timedelta(days=14)
        if issue_date.year != latest.year:
            year, number = issue_date.year, 1
        else:
            year, number = latest.year, latest.number + 1
        credits = [(credit.role, credit.editor_id) for credit in latest.credits.all()]
        return {
            "year": year,
            "number": number,
            "total_number": latest.total_number + 1,
            "issue_date": issue_date,
            "credits": credits,
            "hosts": latest.host_names(),
            "phone": latest.phone,
            "fax": latest.fax,
        }


class Issue(CleanTextModel, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        IN_REVIEW = "in_review", "待审核"
        CHANGES_REQUESTED = "changes_requested", "退回修改"
        APPROVED = "approved", "已通过"
        SCHEDULED = "scheduled", "定时发布"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    publication = models.ForeignKey(Publication, verbose_name="刊物", on_delete=models.PROTECT, related_name="issues")
    year = models.PositiveSmallIntegerField("年份")
    number = models.PositiveSmallIntegerField("期号", help_text="当年的第几期。")
    total_number = models.PositiveIntegerField("总期号", help_text="创刊以来的总第几期。")
    issue_date = models.DateField("印发日期")
    theme = models.CharField("本期主题", max_length=200, blank=True)
    # The masthead as this issue printed it (主办 are IssueHost rows); proposed from the previous issue.
    phone = models.CharField("电话", max_length=40, blank=True)
    fax = models.CharField("传真", max_length=40, blank=True)
    editor_note = models.TextField(
        "编者按",
        blank=True,
        help_text="印在刊头之后、第一个栏目之前的文字（Markdown 段落，段与段之间空一行）。",
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        "发布时间", null=True, blank=True, db_index=True, help_text="定时发布时为计划上线时间（北京时间）。"
    )
    corrected_at = models.DateTimeField("最近更正时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        "auth.User",
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    # Written only by the print edition's renderer (printing/pdf.py), never from a form: a file
    # chosen by a person could be a page with scripts served from our own origin.
    pdf = models.FileField("PDF 印刷版", upload_to="issues/pdf/", blank=True, editable=False)
    pdf_source_at = models.DateTimeField(
        "印刷版内容时间",
        null=True,
        blank=True,
        editable=False,
        help_text="存储的印刷版 PDF 所依据的内容读取时间（数据库时钟）；较早开始的生成不会覆盖较晚开始的。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = "期刊"
        verbose_name_plural = "期刊"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "year", "number"],
                name="unique_issue_number_per_year",
                violation_error_message="该刊物当年已有相同期号的一期。",
            ),
            models.UniqueConstraint(
                fields=["publication", "total_number"],
                name="unique_issue_total_number",
                violation_error_message="该刊物已有相同总期号的一期。",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="issue_number_positive"),
            models.CheckConstraint(condition=Q(total_number__gte=1), name="issue_total_number_positive"),
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2999), name="issue_year_plausible"),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "scheduled"]) | Q(published_at__isnull=False),
                name="public_issue_has_published_at",
                violation_error_message="已发布或定时发布的期刊必须有发布时间。",
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="issue_public_idx")]
        permissions = [
            ("review_issue", "可以审核期刊"),
            ("publish_issue", "可以发布期刊"),
            ("correct_published_issue", "可以更正已发布的期刊"),
        ]

    def __str__(self):
        return f"{self.publication.name} {self.label}"

    def get_absolute_url(self):
        return self.url_for(self.year, self.number)

    @staticmethod
    def url_for(year, number):
        """The issue page's address from its numbering alone (the pager has no Issue to ask)."""
        return reverse("newsletter:issue_detail", kwargs={"year": year, "number": number})

    @property
    def short_label(self):
        return self.short_label_for(self.year, self.number)

    @staticmethod
    def short_label_for(year, number):
        """ "2024 年第 24 期", as pages and the pager name an issue."""
        return f"{year} 年第 {number} 期"

    @property
    def label(self):
        return f"{self.year}年第{self.number}期（总第{self.total_number}期）"

    @property
    def key(self):
        """The short key used by the import/export commands: 2024-24."""
        return f"{self.year}-{self.number}"

    @property
    def feed_title(self):
        return f"{self.publication.title}{self.year}年第{self.number}期（总第{self.total_number}期）"

    def clean(self):
        super().clean()
        if self.issue_date and self.year and self.issue_date.year != self.year:
            # A 期 printed in the first days of January may still belong to the previous year's
            # numbering, so only a gap of more than one year is an error.
            if abs(self.issue_date.year - self.year) > 1:
                raise ValidationError({"issue_date": "印发日期与年份相差过大。"})

    @property
    def is_public(self):
        return self.is_public_state(self.status, self.published_at)

    @classmethod
    def is_public_state(cls, status, published_at):
        """``published_q()`` for one issue's status and publication time, at this moment."""
        if status == cls.Status.PUBLISHED:
            return True
        return status == cls.Status.SCHEDULED and published_at is not None and published_at <= timezone.now()

    @property
    def status_for_staff(self):
        """The state as the admin shows it. A scheduled issue whose time has passed is 已发布: readers
        already see it (``published_q``), whether or not ``publish_scheduled`` has recorded it yet."""
        if self.status == self.Status.SCHEDULED and self.is_public:
            return self.Status.PUBLISHED
        return self.Status(self.status)

    def editors(self):
        return [c.editor for c in self.credits.all() if c.role == IssueCredit.Role.EDITOR]

    def coordinators(self):
        return [c.editor for c in self.credits.all() if c.role == IssueCredit.Role.COORDINATOR]

    @property
    def editor_note_html(self):
        """The 编者按 as the page, the print edition, WeChat and the feeds show it: sanitised HTML
        (``rendering.render_note`` shows any HTML typed into the note as text)."""
        from ..rendering import render_note

        return mark_safe(render_note(self.editor_note)) if self.editor_note.strip() else ""  # noqa: S308

    def host_names(self):
        return [host.name for host in self.hosts.all()]

    def section_positions(self):
        """{region id: position} of this issue's section order (``IssueSection`` rows)."""
        return {row.region_id: row.position for row in self.section_order.all()}

    def articles_in_order(self):
        """Articles in print order: the issue's section order, then position. Uses prefetched rows
        (annotated with their ``section_rank`` by ``contents_prefetches``) when present."""
        from .sections import print_key, rank_of

        articles = list(self.articles.all())
        if any(not hasattr(article, "section_rank") for article in articles):
            positions = self.section_positions()
            for article in articles:
                article.section_rank = rank_of(positions, article.section)
        articles.sort(key=lambda a: print_key(a, a.section_rank))
        return articles

    def sections(self):
        """[(region, [articles])] in print order, as the table of contents groups them."""
        groups = []
        for article in self.articles_in_order():
            if groups and groups[-1][0] == article.section:
                groups[-1][1].append(article)
            else:
                groups.append((article.section, [article]))
        return groups


class IssueCredit(models.Model):
    """A person credited on an issue's masthead, in order, per role."""

    class Role(models.TextChoices):
        EDITOR = "editor", "编辑"
        COORDINATOR = "coordinator", "统筹"

    issue = models.ForeignKey(Issue, verbose_name="期刊", on_delete=models.CASCADE, related_name="credits")
    editor = models.ForeignKey(Editor, verbose_name="人员", on_delete=models.PROTECT, related_name="credits")
    role = models.CharField("职责", max_length=20, choices=Role.choices)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名"
        ordering = ["role", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "role", "editor"],
                name="unique_credit_per_role",
                violation_error_message="同一人在同一期的同一职责下只能署名一次。",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}：{self.editor}"


class IssueHost(CleanTextModel, models.Model):
    """One 主办 institution on this issue's masthead, in order (like ``PublicationHost``)."""

    issue = models.ForeignKey(Issue, verbose_name="期刊", on_delete=models.CASCADE, related_name="hosts")
    name = models.CharField("主办单位", max_length=100)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "本期主办单位"
        verbose_name_plural = "本期主办单位"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "name"],
                name="unique_host_per_issue",
                violation_error_message="同一期中同一主办单位只能列一次。",
            ),
        ]

    def __str__(self):
        return self.name
