from django.contrib import admin

from ..models import Editor, Outlet, Publication, PublicationHost, Topic

admin.site.site_header = "双周决策观察 · 编辑部"
admin.site.site_title = "双周决策观察 编辑部"
admin.site.index_title = "编辑工作台"


class PublicationHostInline(admin.TabularInline):
    model = PublicationHost
    extra = 0
    fields = ["name", "position"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["name", "subtitle", "phone", "fax"]
    prepopulated_fields = {}
    inlines = [PublicationHostInline]
    search_fields = ["name"]


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["name"]
    autocomplete_fields = ["user"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug"]
