from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = "地区"
    default_auto_field = "django.db.models.BigAutoField"
