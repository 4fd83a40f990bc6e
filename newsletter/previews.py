"""Previews of an issue exactly as readers will see it, for editors and for signed share links.

A share link's token is the ``PreviewLink`` primary key signed with the project's secret
(``django.core.signing``). Expiry and revocation live in the database, so a link can be revoked
at once; a token that is tampered with, expired or revoked answers 404.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from . import absolute_urls
from .models import Issue, PreviewLink
from .views import IssueDetailView

SALT = "newsletter.preview-link"
# {issue id: token} of the links this session opened: the media view serves their issues' figures
# while each link stays live (newsletter/media.py).
MEDIA_GRANTS_SESSION_KEY = "preview_media_grants"


def create_link(issue, by, days=None):
    days = settings.NEWSLETTER_PREVIEW_LINK_DAYS if days is None else days
    return PreviewLink.objects.create(
        issue=issue, created_by=by, expires_at=timezone.now() + datetime.timedelta(days=days)
    )


def _signer():
    # Not timestamped: expiry lives in the database, and one link keeps one URL.
    return signing.Signer(salt=SALT)


def token_for(link):
    return _signer().sign_object(link.pk)


def url_for(link):
    return reverse("preview:issue", kwargs={"token": token_for(link)})


def absolute_url_for(link, request=None):
    return absolute_urls.absolute_url(url_for(link), request)


def revoke(link):
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def is_active(link, now=None):
    return link.revoked_at is None and link.expires_at > (now or timezone.now())


def link_for_token(token):
    """The live ``PreviewLink`` a token stands for; ``Http404`` for anything else."""
    try:
        pk = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError):
        raise Http404("预览链接无效。") from None
    if not isinstance(pk, int):
        raise Http404("预览链接无效。")
    link = PreviewLink.objects.filter(pk=pk).select_related("issue").first()
    if link is None or not is_active(link):
        raise Http404("预览链接已过期或已撤销。")
    if link.issue.status == Issue.Status.WITHDRAWN:
        # Withdrawal revokes the issue's links (workflow.perform); this also covers links made after it.
        raise Http404("本期已撤回，预览链接不再显示内容。")
    return link


def preview_queryset():
    """The public issue page's rows, whatever the issue's status."""
    return Issue.objects.with_contents().with_neighbours()


def mark_private(response):
    """Previews are never indexed and never cached, by browsers or by shared caches."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store, no-cache, max-age=0, must-revalidate"
    response["Referrer-Policy"] = "no-referrer"  # keep the token out of other sites' logs
    return response


class IssuePreviewMixin:
    """The public issue page (same body, same context) for an issue of any status, marked noindex,
    under a banner saying it is a preview, with its print layout link kept within the preview."""

    template_name = "newsletter/issue_preview.html"
    serve_renditions = False  # a preview shows the rows as they are this moment
    is_preview = True
    pdf_preview = False  # the PDF of a non-public issue is rendered only for staff (admin preview)

    def get_queryset(self):
        return preview_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["noindex"] = True
        context["preview_url"] = self.request.path
        context["issue_url"] = self.request.path  # the print layout's way back leads to the preview
        if self.pdf_preview:
            context["preview_pdf_url"] = reverse("newsletter_issue_pdf_preview", args=[self.object.pk])
        if isinstance(context.get("meta"), dict):
            context["meta"] = {**context["meta"], "noindex": True}  # base.html: <meta name="robots" …>
        return context

    def dispatch(self, request, *args, **kwargs):
        return mark_private(super().dispatch(request, *args, **kwargs))


class SharedIssuePreviewView(IssuePreviewMixin, IssueDetailView):
    """/preview/<token>/: the issue behind a live share link, for people without an account."""

    def get_object(self, queryset=None):
        link = link_for_token(self.kwargs["token"])
        grants = self.request.session.get(MEDIA_GRANTS_SESSION_KEY, {})
        if grants.get(str(link.issue_id)) != self.kwargs["token"]:
            self.request.session[MEDIA_GRANTS_SESSION_KEY] = {**grants, str(link.issue_id): self.kwargs["token"]}
        return (queryset if queryset is not None else self.get_queryset()).get(pk=link.issue_id)


shared_preview = never_cache(SharedIssuePreviewView.as_view())
