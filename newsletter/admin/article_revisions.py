"""Admin views for an article's revisions: history, diff between any two, restore."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import person_names, revisions
from ..models import Article, ArticleRevision
from .guards import EditRefused, lock_issues_for_edit, refused_response


def _article(model_admin, request, object_id):
    article = get_object_or_404(Article.objects.select_related("issue"), pk=object_id)
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    return article


def _context(model_admin, request, article, title):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": title,
        "subtitle": str(article),
        "change_url": reverse("admin:newsletter_article_change", args=[article.pk]),
        "history_url": reverse("admin:newsletter_article_revisions", args=[article.pk]),
        "diff_url": reverse("admin:newsletter_article_revision_diff", args=[article.pk]),
    }


def history_view(model_admin, request, object_id):
    article = _article(model_admin, request, object_id)
    items = list(ArticleRevision.objects.filter(article=article).select_related(person_names.related("created_by")))
    may_restore = model_admin.has_change_permission(request, article)
    context = _context(model_admin, request, article, "修订历史")
    context.update(
        {
            "edit_refusal": model_admin.refusal_for(request, article),
            "revisions": [
                {
                    "revision": revision,
                    "restore_url": reverse("admin:newsletter_article_revision_restore", args=[article.pk, revision.pk]),
                    "is_latest": index == 0,
                }
                for index, revision in enumerate(items)
            ],
            "may_restore": may_restore,
        }
    )
    return TemplateResponse(request, "admin/newsletter/article/revisions.html", context)


def _revision(article, value, name):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404(f"缺少或无效的修订编号（{name}）。") from None
    return get_object_or_404(ArticleRevision, pk=pk, article=article)


def diff_view(model_admin, request, object_id):
    """?a=<revision>&b=<revision>, or ?since=<version>: from the revision saved at that version to the latest."""
    article = _article(model_admin, request, object_id)
    revisions_qs = ArticleRevision.objects.filter(article=article)
    if "since" in request.GET and "a" not in request.GET:
        newest = revisions_qs.first()
        if newest is None:
            raise Http404("这篇文章还没有修订记录。")
        try:
            since = int(request.GET["since"])
        except ValueError:
            raise Http404("无效的版本号。") from None
        old = revisions_qs.filter(data__version=since).first() or revisions_qs.last()
        new = newest
    else:
        old = _revision(article, request.GET.get("a"), "a")
        new = _revision(article, request.GET.get("b"), "b")
    if (old.created_at, old.pk) > (new.created_at, new.pk):
        old, new = new, old
    context = _context(model_admin, request, article, "修订对比")
    context.update({"old": old, "new": new, "changes": revisions.diff(old, new)})
    return TemplateResponse(request, "admin/newsletter/article/revision_diff.html", context)


def restore_view(model_admin, request, object_id, revision_id):
    article = _article(model_admin, request, object_id)
    if request.method != "POST":
        raise PermissionDenied
    refusal = model_admin.refusal_for(request, article)
    if refusal:
        return refused_response(
            model_admin, request, refusal, reverse("admin:newsletter_article_revisions", args=[article.pk])
        )
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    revision = get_object_or_404(ArticleRevision, pk=revision_id, article=article)
    try:
        with transaction.atomic():
            lock_issues_for_edit([article.issue_id], request.user)
            restored = revisions.restore(revision, by=request.user)
    except EditRefused as refused:
        return refused_response(
            model_admin, request, refused.refusal, reverse("admin:newsletter_article_revisions", args=[article.pk])
        )
    messages.success(request, f"已恢复该版本，并记录为新的修订（{restored.note}）。")
    return redirect(reverse("admin:newsletter_article_revisions", args=[article.pk]))
