from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "双周决策观察"
    default_auto_field = "django.db.models.BigAutoField"
