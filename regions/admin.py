from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "parent"]
    list_editable = ["order"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "order", "parent", "description"]
    ordering = ["order", "name"]

    def get_readonly_fields(self, request, obj=None):
        # A slug is part of public URLs and feed addresses: set once, from the pinyin of the name.
        return ["slug"] if obj is None or obj.pk else []

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            obj.slug = obj.slugify(obj.name)
        super().save_model(request, obj, form, change)
