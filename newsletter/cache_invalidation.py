"""What makes cached public pages stale: any saved or deleted row that a public page can show."""

from django.db.models.signals import post_delete, post_save

from . import cache
from .signals import is_new_draft, public_content_changed


def _on_change(sender, instance=None, created=False, **kwargs):
    from .models import Issue

    if is_new_draft(sender, instance, created):
        return
    cache.bump_now_and_on_commit(f"{sender.__name__} changed", schedule_may_change=sender is Issue)


def _on_public_change(sender, issue=None, reason="", **kwargs):
    cache.bump(reason)


def connect():
    from regions.models import Region

    from . import models

    watched = [
        models.Publication,
        models.PublicationHost,
        models.Editor,
        models.Issue,
        models.IssueCredit,
        models.IssueHost,
        models.IssueSection,
        # A workflow move saves its event inside the move's transaction, so the version bump it
        # triggers is the first thing done after the commit: readers get a published issue at once,
        # not after the email and the print edition's set-up (seconds under load).
        models.IssueEvent,
        models.Article,
        models.ArticleRegion,
        models.ArticleTopic,
        models.Topic,
        models.Source,
        models.Outlet,
        models.Figure,
        Region,
    ]
    for model in watched:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    public_content_changed.connect(_on_public_change, dispatch_uid="page-cache-public-change")
