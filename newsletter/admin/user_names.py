"""Read-only admin fields that show a user by name (编辑人员), not by username: see newsletter.person_names."""

from django.contrib import admin

from ..person_names import display_name


def user_field(field, description):
    """A ModelAdmin attribute for ``readonly_fields``/``list_display`` showing the user in ``field``."""

    @admin.display(description=description, ordering=field)
    def show(model_admin, obj):
        return display_name(getattr(obj, field)) or "—"

    show.__name__ = f"{field}_name"
    return show
