from django.contrib import admin
from django.db import models
from django.db.models import Count

from ..models import Article, Figure, Source


class SourceInline(admin.TabularInline):
    model = Source
    extra = 0
    fields = ["outlet", "date", "url", "position"]
    autocomplete_fields = ["outlet"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class FigureInline(admin.StackedInline):
    model = Figure
    extra = 0
    fields = ["image", "caption", "alt_text", "credit", "position", "number"]
    readonly_fields = ["number"]


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
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "issue", "section", "position", "figure_count", "updated_at"]
    list_select_related = ["issue__publication", "section"]
    list_filter = [ArticleStatusFilter, "section", "issue__year", "topics"]
    search_fields = ["title", "short_title", "body"]
    autocomplete_fields = ["issue", "section"]
    inlines = [SourceInline, FigureInline]
    readonly_fields = ["created_by", "updated_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["issue", "section", "position", "title", "short_title", "slug"]}),
        ("正文", {"fields": ["summary", "body"]}),
        ("标签", {"fields": ["regions", "topics"]}),
        ("记录", {"fields": ["created_by", "updated_by", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) per page view costs more than it tells at 10,000 rows

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_figure_count=Count("figures"))

    @admin.display(description="图片数", ordering="_figure_count")
    def figure_count(self, obj):
        return obj._figure_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        article.refresh_derived()
        if article.issue_id:
            article.issue.renumber_figures()
