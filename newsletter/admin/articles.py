from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from js_asset import Media

from .. import derived, locking, revisions
from ..forms import FigureForm
from ..models import Article, Figure, Source
from . import (
    article_preview,
    article_revisions,
    figure_editor,
    figure_views,
    paste,
    source_lines,
    source_rows,
    thumbnails,
)
from .body_editor import EditorBodyField, figures_data
from .guards import EditorialGuardsMixin, edit_refusal, lock_issues_for_edit
from .user_names import user_field


def conflict_html(article, seen_version):
    """The refusal of a stale save of ``article``, with a link to what the other person changed."""
    diff_url = reverse("admin:newsletter_article_revision_diff", args=[article.pk])
    return format_html(
        '{} <a href="{}?since={}" target="_blank">查看对方改了什么</a>，然后在新打开的页面上重新修改。',
        locking.conflict_message(article),
        diff_url,
        seen_version,
    )


class ArticleForm(source_lines.SourceLineFormMixin, locking.VersionedFormMixin):
    # No Meta: the admin builds the form's fields from its fieldsets.
    request_user = None  # set by ArticleAdmin.get_form
    # The rich-text editor; what it posts is stored as canonical Markdown (newsletter/body_format.py).
    body = EditorBodyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].widget.figures = figures_data(self.instance)

    def conflict_error(self, seen_version):
        return conflict_html(self.instance, seen_version)

    def clean(self):
        cleaned = super().clean()
        # Moving an article into an issue is a change of that issue too (moving it out is refused
        # before the form is read: the page of an article in a frozen issue is read-only).
        issue = cleaned.get("issue")
        if issue is not None and self.request_user is not None:
            refusal = edit_refusal(issue, self.request_user)
            if refusal:
                self.add_error("issue", refusal)
        return cleaned


class SourceInline(admin.TabularInline):
    model = Source
    form = source_rows.SourceRowForm
    formset = source_lines.SourceFormSet
    extra = 0
    fields = ["outlet", "date", "url", "position"]
    autocomplete_fields = ["outlet"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "outlet":
            # A new outlet is typed into the row; no popup needed (newsletter/admin/source_rows.py).
            return source_rows.outlet_formfield(field, self.admin_site)
        return field


class FigureInline(admin.StackedInline):
    model = Figure
    form = FigureForm  # our own image validation and Pillow re-encoding, with precise messages
    extra = 0
    fields = ["thumbnail", "image", "caption", "alt_text", "credit", "position", "number"]
    readonly_fields = ["thumbnail", "number"]

    class Media:
        css = {"all": ["newsletter/admin/figures.css"]}

    @admin.display(description="缩略图")
    def thumbnail(self, obj):
        if obj is None or not obj.image:
            return "（尚无图片）"
        return thumbnails.thumbnail_html(
            obj.image.name, obj.width, obj.height, thumbnails.INLINE_BOX, obj.alt_text or obj.caption
        )


class ArticleStatusFilter(admin.SimpleListFilter):
    title = "期刊状态"
    parameter_name = "issue_status"

    def lookups(self, request, model_admin):
        from ..models import Issue

        return [("unplaced", "未编入期刊"), *Issue.Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "unplaced":
            return queryset.filter(issue__isnull=True)
        if value:
            return queryset.filter(issue__status=value)
        return queryset


@admin.register(Article)
class ArticleAdmin(EditorialGuardsMixin, admin.ModelAdmin):
    form = ArticleForm
    change_form_template = "admin/newsletter/article/change_form.html"
    list_display = ["title", "issue_label", "section", "position", "figure_count", "updated"]
    list_select_related = ["issue__publication", "section"]
    list_filter = [ArticleStatusFilter, "section", "issue__year", "topics"]
    search_fields = ["title", "short_title", "body"]
    autocomplete_fields = ["issue", "section"]
    inlines = [SourceInline, FigureInline]

    class Media:
        css = {"all": ["newsletter/admin/figures.css"]}

    readonly_fields = ["created_by_name", "updated_by_name", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["issue", "section", "position", "title", "short_title", "slug", "seen_version"]}),
        ("正文", {"fields": ["summary", "body"]}),
        ("标签", {"fields": ["regions", "topics"]}),
        (
            "记录",
            {"fields": ["created_by_name", "updated_by_name", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
        # Last, so that it sits right above the Source rows it fills.
        ("来源行", {"fields": [source_lines.FIELD]}),
    ]
    created_by_name = user_field("created_by", "创建人")
    updated_by_name = user_field("updated_by", "最后修改人")
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) per page view costs more than it tells at 10,000 rows

    # Newest first, on the primary key's index: ordering by the print order (issue year and number,
    # section order) joins and sorts every row before the first page can be cut.
    ordering = ["-pk"]

    def issue_of(self, obj):
        return obj.issue if obj.issue_id else None

    def view_on_site(self, obj):
        # Readers' address only once readers can open it; before that the article in its issue's preview.
        if obj.issue_id is None:
            return None
        if obj.issue.is_public:
            return obj.get_absolute_url()
        return reverse("admin:newsletter_issue_preview", args=[obj.issue_id]) + f"#{obj.anchor}"

    def get_queryset(self, request):
        # A correlated subquery rather than Count("figures"): no GROUP BY over every article, and
        # it is evaluated only for the 50 rows of the page.
        figures = (
            Figure.objects.filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(count=Count("pk"))
            .values("count")
        )
        first = Figure.objects.filter(article=OuterRef("pk")).exclude(image="").order_by("position", "pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                _figure_count=Coalesce(Subquery(figures), 0),
                _first_image=Subquery(first.values("image")[:1]),
                _first_width=Subquery(first.values("width")[:1]),
                _first_height=Subquery(first.values("height")[:1]),
            )
        )

    @admin.display(description="所属期刊", ordering="issue__total_number")
    def issue_label(self, obj):
        # The issue's number only (the full label on hover): the publication's name on every row left
        # the title column no room.
        if not obj.issue_id:
            return "—"
        issue = obj.issue
        return format_html('<span title="{}">{}年第{}期</span>', issue.label, issue.year, issue.number)

    @admin.display(description="更新时间", ordering="updated_at")
    def updated(self, obj):
        return timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="图片", ordering="_figure_count")
    def figure_count(self, obj):
        # The first figure's thumbnail beside the count: one narrow column, so the title keeps the room.
        thumbnail = thumbnails.thumbnail_html(
            obj._first_image, obj._first_width, obj._first_height, thumbnails.LIST_BOX
        )
        return format_html('{}<span class="figure-count">{}</span>', thumbnail, obj._figure_count)

    def render_change_form(self, request, context, *args, **kwargs):
        # The editor's import map is an inline script: it carries this response's CSP nonce.
        if "media" in context:
            context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # A page that cannot be changed shows the body as readers read it, not its Markdown.
        return [
            (name, {**options, "fields": ["body_as_read" if f == "body" else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    @admin.display(description="正文")
    def body_as_read(self, obj):
        return mark_safe(obj.body_html)  # noqa: S308 - sanitised when saved (rendering.sanitize_html)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "body_as_read"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        attrs = {"request_user": request.user, "figure_upload_attrs": figure_editor.widget_attrs(obj)}
        return type(form.__name__, (figure_editor.FigureUploadFormMixin, form), attrs)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(lambda request, *args, **kwargs: view(self, request, *args, **kwargs))

        return [
            path("preview/", wrap(article_preview.preview_view), name="newsletter_article_preview"),
            path("<int:object_id>/preview/", wrap(article_preview.preview_view), name="newsletter_article_preview"),
            path("paste/clean/", wrap(paste.clean_view), name="newsletter_article_paste_clean"),
            path(
                "<int:object_id>/revisions/",
                wrap(article_revisions.history_view),
                name="newsletter_article_revisions",
            ),
            path(
                "<int:object_id>/revisions/diff/",
                wrap(article_revisions.diff_view),
                name="newsletter_article_revision_diff",
            ),
            path(
                "<int:object_id>/revisions/<int:revision_id>/restore/",
                wrap(article_revisions.restore_view),
                name="newsletter_article_revision_restore",
            ),
            path(
                "<int:object_id>/figures/upload/",
                wrap(figure_views.upload_view),
                name="newsletter_article_figure_upload",
            ),
            path(
                "<int:object_id>/figures/fetch/", wrap(figure_views.fetch_view), name="newsletter_article_figure_fetch"
            ),
            path(
                "<int:object_id>/figures/<int:figure_id>/",
                wrap(figure_views.update_view),
                name="newsletter_article_figure_update",
            ),
        ] + super().get_urls()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        with transaction.atomic():
            before = Article.objects.filter(pk=obj.pk).values_list("issue_id", flat=True).first() if change else None
            lock_issues_for_edit([before, obj.issue_id], request.user)
            if change:
                stored = Article.objects.get(pk=obj.pk)
                if not stored.revisions.exists():
                    # Made outside the admin (import, demo): keep what it was before the first edit.
                    revisions.record(stored, by=stored.updated_by, note="首次在后台修改前的内容", is_correction=False)
                locking.claim(obj, form.cleaned_data["seen_version"])
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Tags, sources and figures each change the article's stored texts: refreshed once, at the end.
        with derived.deferred():
            super().save_related(request, form, formsets, change)
            if form.source_replacement is not None:
                source_lines.replace_sources(form.instance, form.source_replacement)
        article = form.instance
        # Every save keeps a full revision; in a public issue it is a correction (see revisions.record).
        revisions.record(article, by=request.user)
