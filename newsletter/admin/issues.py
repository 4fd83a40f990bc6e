from django.contrib import admin
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .. import locking, revisions
from ..models import Article, Issue, IssueCredit, IssueHost
from ..signals import public_content_changed
from . import board as board_admin
from . import workflow as workflow_admin
from .articles import conflict_html as article_conflict_html
from .guards import EditorialGuardsMixin
from .importing import export_json_action, export_markdown_action
from .user_names import user_field


class IssueForm(locking.VersionedFormMixin):
    # No Meta: the admin builds the form's fields from its fieldsets.

    def conflict_error(self, seen_version):
        current = Issue.objects.get(pk=self.instance.pk)
        rows = []
        for name, field in self.fields.items():
            if name == "seen_version" or name not in self.cleaned_data or not hasattr(current, name):
                continue
            mine, theirs = self.cleaned_data[name], getattr(current, name)
            if hasattr(theirs, "pk"):
                theirs = str(theirs)
                mine = str(mine) if mine is not None else ""
            if mine != theirs:
                rows.append((field.label, theirs, mine))
        table = format_html_join("", "<li>{}：当前为“{}”，您提交的是“{}”</li>", rows)
        return format_html(
            '{} <a href="{}" target="_blank">在新窗口查看最新内容</a>{}',
            locking.conflict_message(self.instance),
            reverse("admin:newsletter_issue_change", args=[self.instance.pk]),
            format_html("<ul>{}</ul>", table) if rows else "",
        )


class ArticleRowForm(locking.VersionedFormMixin):
    """A row of the issue page's article table: it carries the article's version like the article page."""

    refuse_stale_when_unchanged = False

    def conflict_error(self, seen_version):
        return article_conflict_html(self.instance, seen_version)


class ArticleRowFormSet(BaseInlineFormSet):
    # The row's own fields are few, but saving a row writes the whole article as loaded: without the
    # claim, a body saved meanwhile on the article page would be overwritten by the one loaded here.
    def save_existing(self, form, obj, commit=True):
        locking.claim(obj, form.cleaned_data["seen_version"])
        return super().save_existing(form, obj, commit)

    def delete_existing(self, obj, commit=True):
        form = next(form for form in self.deleted_forms if form.instance.pk == obj.pk)
        seen = form.cleaned_data.get("seen_version")
        locking.claim(obj, obj.version if seen is None else seen)
        super().delete_existing(obj, commit)


class IssueCreditInline(admin.TabularInline):
    model = IssueCredit
    extra = 0
    fields = ["role", "editor", "position"]
    autocomplete_fields = ["editor"]


class IssueHostInline(admin.TabularInline):
    """This issue's 主办 (the masthead is the issue's: proposed from the previous issue)."""

    model = IssueHost
    extra = 0
    fields = ["name", "position"]


class ArticleInline(admin.TabularInline):
    model = Article
    form = ArticleRowForm
    formset = ArticleRowFormSet
    extra = 0
    fields = ["section", "position", "title", "short_title", "edit_link", "seen_version"]
    readonly_fields = ["edit_link"]
    autocomplete_fields = ["section"]
    show_change_link = False

    def get_queryset(self, request):
        # The issue's own section order (models.sections), as the board and the page show it.
        return super().get_queryset(request).select_related("section").in_print_order()

    @admin.display(description="编辑")
    def edit_link(self, obj):
        if not obj.pk:
            return ""
        return format_html('<a href="{}">编辑正文</a>', reverse("admin:newsletter_article_change", args=[obj.pk]))


@admin.register(Issue)
class IssueAdmin(EditorialGuardsMixin, admin.ModelAdmin):
    form = IssueForm
    change_form_template = "admin/newsletter/issue/change_form.html"
    list_display = ["label", "publication", "issue_date", "status_badge", "published_at", "article_count"]
    list_select_related = ["publication"]
    list_filter = ["status", "publication", "year"]
    search_fields = ["theme", "=year", "=number", "=total_number"]
    date_hierarchy = "issue_date"
    inlines = [IssueHostInline, IssueCreditInline, ArticleInline]
    readonly_fields = ["status", "published_at", "corrected_at", "submitted_by_name", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["publication", ("year", "number", "total_number"), "issue_date", "theme", "seen_version"]}),
        ("刊头与编者按", {"fields": [("phone", "fax"), "editor_note"]}),
        ("发布", {"fields": ["status", "submitted_by_name", "published_at", "corrected_at"]}),
        ("记录", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    ordering = ["-year", "-number"]
    submitted_by_name = user_field("submitted_by", "提交人")
    actions = [export_markdown_action, export_json_action]

    def issue_of(self, obj):
        return obj

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
        shown = obj.status_for_staff
        if shown != obj.status:  # a scheduled issue whose time has passed: live for readers already
            when = timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
            return format_html(
                '<span class="status-badge status-{}" title="定时发布，已于 {} 上线">{}</span>',
                shown.value,
                when,
                shown.label,
            )
        return format_html('<span class="status-badge status-{}">{}</span>', shown.value, shown.label)

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
            for field in ("year", "number", "total_number", "issue_date", "phone", "fax"):
                initial.setdefault(field, proposal[field])
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # On the add page ``obj`` is the form's unsaved instance, not None.
        if isinstance(inline, IssueCreditInline) and (obj is None or obj.pk is None) and request.method == "GET":
            _, proposal = self._proposal(request)
            kwargs["initial"] = [
                {"role": role, "editor": editor_id, "position": index}
                for index, (role, editor_id) in enumerate(proposal.get("credits", []))
            ]
        if isinstance(inline, IssueHostInline) and (obj is None or obj.pk is None) and request.method == "GET":
            _, proposal = self._proposal(request)
            kwargs["initial"] = [
                {"name": name, "position": index} for index, name in enumerate(proposal.get("hosts", []))
            ]
        return kwargs

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        if (obj is None or obj.pk is None) and request.method == "GET":
            _, proposal = self._proposal(request)
            for inline in instances:
                if isinstance(inline, IssueCreditInline):
                    inline.extra = len(proposal.get("credits", []))
                elif isinstance(inline, IssueHostInline):
                    inline.extra = len(proposal.get("hosts", []))
        return instances

    # --- workflow, previews, conflict-safe saving ---------------------------------------------

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(lambda request, *args, **kwargs: view(self, request, *args, **kwargs))

        return [
            path("<int:object_id>/board/move/", wrap(board_admin.move_view), name="newsletter_issue_board_move"),
            path(
                "<int:object_id>/board/section/", wrap(board_admin.section_view), name="newsletter_issue_board_section"
            ),
            path(
                "<int:object_id>/workflow/<str:action>/",
                wrap(workflow_admin.transition_view),
                name="newsletter_issue_transition",
            ),
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(workflow_admin.admin_preview),
                name="newsletter_issue_preview",
            ),
            path(
                "<int:object_id>/preview-links/",
                wrap(workflow_admin.create_preview_link_view),
                name="newsletter_issue_preview_link_create",
            ),
            path(
                "<int:object_id>/preview-links/<int:link_id>/revoke/",
                wrap(workflow_admin.revoke_preview_link_view),
                name="newsletter_issue_preview_link_revoke",
            ),
        ] + super().get_urls()

    def change_context(self, request, obj):
        if obj is None:
            return {}
        return {**workflow_admin.workflow_context(request, obj), **board_admin.board_context(request, obj)}

    class Media:
        css = {"all": ["newsletter/board.css"]}
        js = ["newsletter/board.js"]

    def view_on_site(self, obj):
        # Readers' address only once readers can open it; before that the preview, which staff can.
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("admin:newsletter_issue_preview", args=[obj.pk])

    def save_model(self, request, obj, form, change):
        if change:
            with transaction.atomic():
                locking.claim(obj, form.cleaned_data["seen_version"])
                super().save_model(request, obj, form, change)
            if obj.is_public and form.has_changed():
                transaction.on_commit(
                    lambda: public_content_changed.send(sender=Issue, issue=obj, reason="correction"), robust=True
                )
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not Article:
            return
        # Articles edited in the issue's table get a revision like any other save (their version
        # was claimed row by row: ArticleRowFormSet).
        for article in formset.new_objects:
            Article.objects.filter(pk=article.pk, created_by__isnull=True).update(created_by=request.user)
        for article in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
            Article.objects.filter(pk=article.pk).update(updated_by=request.user)
            article.refresh_from_db()
            revisions.record(article, by=request.user, note="在期刊页面修改")
