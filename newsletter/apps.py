from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "双周决策观察"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_delete

        from . import cache_invalidation, derived, public_files, renditions, tasks, text_input
        from .signals import issue_event_recorded, public_content_changed

        # The print edition and the bucket's public copies follow what readers can see (both tasks,
        # enqueued on commit by one receiver: newsletter/tasks.py).
        public_content_changed.connect(tasks.on_public_content_changed, dispatch_uid="newsletter.printing.pdf")
        pre_delete.connect(
            public_files.on_issue_deleted, sender="newsletter.Issue", dispatch_uid="newsletter.public_files"
        )
        # Everyone a workflow step concerns hears about it by email (a task: newsletter/tasks.py).
        issue_event_recorded.connect(tasks.on_issue_event_recorded, dispatch_uid="newsletter.notifications")
        # Text is normalised where it enters: every save of a project model goes through one rule.
        text_input.connect()
        # Cached public pages go stale whenever anything a reader can see changes.
        cache_invalidation.connect()
        # Issue pages are pre-rendered when what they show changes, and after a deploy whose
        # templates differ from the ones that rendered them.
        renditions.connect()
        # An article's stored HTML and search text follow every row they are made from.
        derived.connect()
        post_migrate.connect(_render_stale_issue_pages, sender=self, dispatch_uid="newsletter.renditions.migrate")


def _render_stale_issue_pages(using="default", **kwargs):
    from . import renditions

    if using == "default":
        renditions.refresh_stale()
