"""「复制为公众号文章」: an issue or an article as HTML for the WeChat editor, with a copy button."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from ..models import Article, Figure, Source
from ..printing import pdf, wechat


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied("没有查看该内容的权限。")


def issue_wechat_view(request, pk):
    _require(request, "newsletter.view_issue")
    issue = get_object_or_404(pdf.print_queryset(), pk=pk)
    result = wechat.build_issue(issue, request)
    return _render(request, issue, result, reverse("admin:newsletter_issue_change", args=[issue.pk]), "期刊")


def article_wechat_view(request, pk):
    _require(request, "newsletter.view_article")
    article = get_object_or_404(
        Article.objects.select_related("issue__publication", "section").prefetch_related(
            "issue__hosts",
            Prefetch("sources", queryset=Source.objects.select_related("outlet")),
            Prefetch("figures", queryset=Figure.objects.all()),
        ),
        pk=pk,
    )
    result = wechat.build_article(article, request)
    return _render(request, article, result, reverse("admin:newsletter_article_change", args=[article.pk]), "文章")


def _render(request, obj, result, change_url, kind):
    context = {
        **admin.site.each_context(request),
        "title": f"复制为公众号文章：{result.title}",
        "subtitle": str(obj),
        "object": obj,
        "kind": kind,
        "change_url": change_url,
        "result": result,
        "limit": wechat.WECHAT_CHAR_LIMIT,
        "over_limit": result.char_count > wechat.WECHAT_CHAR_LIMIT,
    }
    response = TemplateResponse(request, "admin/newsletter/wechat_copy.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
