from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ..models import Article, Issue, IssueCredit


class IssueCreditInline(admin.TabularInline):
    model = IssueCredit
    extra = 0
    fields = ["role", "editor", "position"]
    autocomplete_fields = ["editor"]


class ArticleInline(admin.TabularInline):
    model = Article
    extra = 0
    fields = ["section", "position", "title", "short_title", "edit_link"]
    readonly_fields = ["edit_link"]
    autocomplete_fields = ["section"]
    show_change_link = False
    ordering = ["section__order", "position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    @admin.display(description="编辑")
    def edit_link(self, obj):
        if not obj.pk:
            return ""
        return format_html('<a href="{}">编辑正文</a>', reverse("admin:newsletter_article_change", args=[obj.pk]))


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["label", "publication", "issue_date", "status_badge", "published_at", "article_count"]
    list_select_related = ["publication"]
    list_filter = ["status", "publication", "year"]
    search_fields = ["theme", "=year", "=number", "=total_number"]
    date_hierarchy = "issue_date"
    inlines = [IssueCreditInline, ArticleInline]
    readonly_fields = ["status", "published_at", "corrected_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["publication", ("year", "number", "total_number"), "issue_date", "theme"]}),
        ("发布", {"fields": ["status", "published_at", "corrected_at", "pdf"]}),
        ("记录", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    ordering = ["-year", "-number"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_article_count=Count("articles"))

    @admin.display(description="期号", ordering="total_number")
    def label(self, obj):
        return obj.label

    @admin.display(description="文章数", ordering="_article_count")
    def article_count(self, obj):
        return obj._article_count

    @admin.display(description="状态", ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="status-badge status-{}">{}</span>', obj.status, obj.get_status_display())

    def _proposal(self, request):
        from ..models import Publication

        publication = Publication.objects.order_by("pk").first()
        if publication is None:
            return None, {}
        return publication, Issue.objects.propose_next(publication)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        publication, proposal = self._proposal(request)
        if publication is not None:
            initial.setdefault("publication", publication.pk)
            for field in ("year", "number", "total_number", "issue_date"):
                initial.setdefault(field, proposal[field])
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, IssueCreditInline) and obj is None and request.method == "GET":
            _, proposal = self._proposal(request)
            kwargs["initial"] = [
                {"role": role, "editor": editor_id, "position": index}
                for index, (role, editor_id) in enumerate(proposal.get("credits", []))
            ]
        return kwargs

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        if obj is None and request.method == "GET":
            _, proposal = self._proposal(request)
            for inline in instances:
                if isinstance(inline, IssueCreditInline):
                    inline.extra = len(proposal.get("credits", []))
        return instances
