"""Admin views for the issue workflow: state moves, previews, share links, "my work"."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .. import board, person_names, previews, workflow
from ..models import Issue, IssueEvent, PreviewLink
from ..views import IssueDetailView
from . import review

S = Issue.Status

# The moves whose form asks for a publication time.
TIMED_ACTIONS = (workflow.SCHEDULE, workflow.RESCHEDULE)


class TransitionForm(forms.Form):
    # Moves with a consequence for readers are made only from the confirmation page, which sends this.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    publish_at = forms.DateTimeField(
        label="发布时间（北京时间）",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


def may_preview(user, issue):
    return user.has_perm("newsletter.review_issue") or user.has_perm("newsletter.change_issue")


def _change_url(issue):
    return reverse("admin:newsletter_issue_change", args=[issue.pk])


def transition_view(model_admin, request, object_id, action):
    if request.method != "POST":
        return redirect(reverse("admin:newsletter_issue_change", args=[object_id]))
    issue = get_object_or_404(Issue, pk=object_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_change_url(issue))
    rule = workflow.RULES.get(action)
    if rule is not None and rule.consequence and not form.cleaned_data["confirmed"]:
        return _confirmation(model_admin, request, issue, action, rule, form)
    if action == workflow.SUBMIT and not form.cleaned_data["confirmed"]:
        # Pre-flight: what is still missing is shown first; the editor may submit anyway.
        items = board.preflight(Issue.objects.with_contents().get(pk=issue.pk))
        if items:
            return _confirmation(model_admin, request, issue, action, rule, form, preflight=items)
    try:
        workflow.perform(
            issue,
            action,
            by=request.user,
            comment=form.cleaned_data["comment"],
            publish_at=form.cleaned_data["publish_at"],
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        label = workflow.RULES[action].label
        messages.success(request, f"已{label}：本期现在的状态是“{issue.get_status_display()}”。")
    return redirect(_change_url(issue))


def _confirmation(model_admin, request, issue, action, rule, form, preflight=()):
    """Say what the move will do to what readers see (or, before 提交审核, what is still missing:
    ``preflight``), and make it only when the user confirms. Nothing is written here; a move that is
    not allowed is refused at once, as it would be anyway."""
    try:
        workflow.check(issue, action, request.user)
        if rule.needs_comment and not form.cleaned_data["comment"].strip():
            raise workflow.TransitionError(f"{rule.label}时必须填写意见。")
        if action in TIMED_ACTIONS and form.cleaned_data["publish_at"] is None:
            raise workflow.TransitionError(f"{rule.label}需要填写发布时间。")
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return redirect(_change_url(issue))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{rule.label}前检查" if preflight else f"确认{rule.label}",
        "issue": issue,
        "rule": rule,
        "action_url": request.path,
        "comment": form.cleaned_data["comment"],
        "publish_at": form.cleaned_data["publish_at"],
        "publish_at_value": request.POST.get("publish_at", ""),
        "cancel_url": _change_url(issue),
        "opts": Issue._meta,
        "preflight": preflight,
        "preflight_blocking": any(item.blocking for item in preflight),
    }
    return TemplateResponse(request, "admin/newsletter/issue/confirm_transition.html", context)


class AdminIssuePreviewView(previews.IssuePreviewMixin, IssueDetailView):
    """The issue exactly as readers will see it, for signed-in staff, whatever its status."""

    pdf_preview = True

    def get_object(self, queryset=None):
        issue = get_object_or_404(
            queryset if queryset is not None else self.get_queryset(), pk=self.kwargs["object_id"]
        )
        if not may_preview(self.request.user, issue):
            raise PermissionDenied
        return issue


admin_preview = never_cache(AdminIssuePreviewView.as_view())


def create_preview_link_view(model_admin, request, object_id):
    issue = get_object_or_404(Issue, pk=object_id)
    if request.method != "POST" or not request.user.has_perm("newsletter.add_previewlink"):
        raise PermissionDenied
    link = previews.create_link(issue, request.user)
    expires = timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")
    messages.success(request, f"已创建预览链接（{expires} 前有效）：{previews.absolute_url_for(link, request)}")
    return redirect(_change_url(issue) + "#preview-links")


def revoke_preview_link_view(model_admin, request, object_id, link_id):
    link = get_object_or_404(PreviewLink, pk=link_id, issue_id=object_id)
    if request.method != "POST" or not request.user.has_perm("newsletter.change_previewlink"):
        raise PermissionDenied
    previews.revoke(link)
    messages.success(request, "预览链接已撤销，打开它将显示“页面不存在”。")
    return redirect(_change_url(link.issue) + "#preview-links")


def workflow_context(request, issue):
    """What the issue page shows around the form: state, allowed moves, history, preview links."""
    user = request.user
    actions = []
    for name in workflow.available_actions(issue, user):
        rule = workflow.RULES[name]
        actions.append(
            {
                "name": name,
                "label": rule.label,
                "needs_comment": rule.needs_comment,
                "needs_time": name in TIMED_ACTIONS,
                "url": reverse("admin:newsletter_issue_transition", args=[issue.pk, name]),
            }
        )
    links = []
    now = timezone.now()
    for link in PreviewLink.objects.filter(issue=issue).select_related(person_names.related("created_by")):
        links.append(
            {
                "link": link,
                "active": previews.is_active(link, now),
                "url": previews.absolute_url_for(link, request),
                "revoke_url": reverse("admin:newsletter_issue_preview_link_revoke", args=[issue.pk, link.pk]),
            }
        )
    events = list(
        IssueEvent.objects.filter(issue=issue).select_related(person_names.related("actor")).defer("snapshot")
    )
    sent_back = [event for event in events if event.action == workflow.REQUEST_CHANGES]
    return {
        **review.summary_context(issue),
        "workflow_actions": actions,
        "workflow_form": TransitionForm(),
        # Shown at the top of the page: what the editor has to do next, not only a row in the log.
        "latest_review_comment": sent_back[-1] if sent_back else None,
        "workflow_events": [
            {
                "event": event,
                "action": workflow.ACTION_LABELS.get(event.action, event.action),
                "from": workflow.status_label(event.from_status),
                "to": workflow.status_label(event.to_status),
            }
            for event in events
        ],
        "may_preview": may_preview(user, issue),
        "preview_url": reverse("admin:newsletter_issue_preview", args=[issue.pk]),
        "preview_links": links,
        "may_create_preview_link": user.has_perm("newsletter.add_previewlink"),
        "may_revoke_preview_link": user.has_perm("newsletter.change_previewlink"),
        "preview_link_create_url": reverse("admin:newsletter_issue_preview_link_create", args=[issue.pk]),
    }


def my_work(user):
    """The admin home's "my work": issues waiting for my review, issues sent back to me, issues to publish."""
    if not user.is_authenticated:
        return {}
    base = Issue.objects.select_related("publication", person_names.related("submitted_by")).order_by(
        "-year", "-number"
    )
    latest_comment = (
        IssueEvent.objects.filter(issue=OuterRef("pk"), action=workflow.REQUEST_CHANGES)
        .order_by("-created_at", "-pk")
        .values("comment")[:1]
    )
    sent_back = base.filter(status=S.CHANGES_REQUESTED, submitted_by=user).annotate(review_comment=latest_comment)
    work = {"sent_back": list(sent_back)}
    if user.has_perm("newsletter.review_issue"):
        to_review = base.filter(status=S.IN_REVIEW)
        if settings.NEWSLETTER_FORBID_SELF_APPROVAL:
            to_review = to_review.filter(~Q(submitted_by=user) | Q(submitted_by__isnull=True))
        work["to_review"] = review.change_counts(to_review)
    if user.has_perm("newsletter.publish_issue"):
        work["to_publish"] = list(base.filter(status=S.APPROVED))
        # Still changeable (修改发布时间, 取消) until their time; those whose time has passed show as live.
        work["scheduled"] = list(base.filter(status=S.SCHEDULED).order_by("published_at", "pk"))
    work["mine_in_review"] = list(base.filter(status=S.IN_REVIEW, submitted_by=user))
    return work
