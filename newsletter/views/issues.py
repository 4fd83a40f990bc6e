"""Home, the issue archive and the issue page (laid out like the print edition)."""

import json

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView, TemplateView

from .. import renditions, seo
from ..models import Figure, Issue, IssueRendition
from ..models.issue import contents_prefetches
from .base import PublicPageMixin


def issue_page_queryset(with_bodies=True):
    """Public issues with everything their page shows, in a fixed number of queries."""
    return Issue.objects.published().with_contents(bodies=with_bodies)


def neighbour(key):
    """The pager's link from a ``with_neighbours()`` key."""
    return renditions.pager_link(key["year"], key["number"]) if key else None


class HomeView(PublicPageMixin, TemplateView):
    """The latest issue's cover (masthead and contents by region) and the issues before it."""

    template_name = "newsletter/home.html"
    recent_count = 8

    def get_context_data(self, **kwargs):
        # The current issue is the highest-numbered public one, not the last published (a back issue).
        latest = issue_page_queryset(with_bodies=False).newest_first().first()
        recent = Issue.objects.published().only("year", "number", "total_number", "issue_date", "theme")
        if latest is not None:
            recent = recent.exclude(pk=latest.pk)
        recent = list(recent.newest_first()[: self.recent_count])
        return super().get_context_data(
            latest=latest, sections=latest.sections() if latest else [], recent=recent, **kwargs
        )

    def get_page_meta(self, context):
        latest = context["latest"]
        data = {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": f"{seo.SITE_NAME} · {seo.SITE_TAGLINE}",
            "url": seo.absolute(self.request, "/"),
            "inLanguage": "zh-CN",
            "potentialAction": {
                "@type": "SearchAction",
                "target": seo.absolute(self.request, "/search/") + "?q={search_term_string}",
                "query-input": "required name=search_term_string",
            },
        }
        description = renditions.issue_description(latest) if latest else seo.SITE_DESCRIPTION
        return seo.page_meta(
            self.request, title=f"{seo.SITE_NAME} · {seo.SITE_TAGLINE}", description=description, path="/", data=data
        )


class IssueArchiveView(PublicPageMixin, ListView):
    """All public issues grouped by year. One query: a list of a few hundred small rows."""

    template_name = "newsletter/issue_archive.html"
    context_object_name = "issues"

    def get_queryset(self):
        return (
            Issue.objects.published()
            .only("year", "number", "total_number", "issue_date", "theme")
            .order_by("-year", "-number")
        )

    def get_page_meta(self, context):
        return seo.page_meta(
            self.request,
            title=f"往期目录 · {seo.SITE_NAME}",
            description=f"{seo.SITE_NAME}全部往期，按年份排列。",
        )


class IssueYearView(IssueArchiveView):
    template_name = "newsletter/issue_year.html"
    allow_empty = False  # a year with no public issue does not exist for readers

    def get_queryset(self):
        return super().get_queryset().filter(year=self.kwargs["year"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.kwargs["year"], **kwargs)

    def get_page_meta(self, context):
        year = self.kwargs["year"]
        return seo.page_meta(
            self.request,
            title=f"{year} 年各期 · {seo.SITE_NAME}",
            description=f"{seo.SITE_NAME} {year} 年共 {len(context['issues'])} 期。",
        )


class IssueDetailView(PublicPageMixin, DetailView):
    """One issue as the print edition presents it. ``?print=1`` gives the print layout on screen.

    The cover, articles and metadata come from the issue's rendition (newsletter/renditions.py)
    when it is current: the page is then one query that reads only what the page shows. Otherwise,
    and always for previews, they are rendered from the rows. Previews subclass this and override
    ``get_queryset`` to show an issue that is not public yet.
    """

    context_object_name = "issue"
    template_name = "newsletter/issue_detail.html"
    serve_renditions = True
    is_preview = False
    # What a stored rendition leaves to the issue row: its address and its print PDF.
    queryset = Issue.objects.select_related("rendition").only(
        "year", "number", "pdf", *(f"rendition__{name}" for name in renditions.SERVED_FIELDS)
    )

    def get_queryset(self):
        return super().get_queryset().published()

    def get_object(self, queryset=None):
        queryset = queryset if queryset is not None else self.get_queryset()
        return get_object_or_404(queryset, year=self.kwargs["year"], number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        stored = renditions.current(self.object) if self.serve_renditions else None
        if stored is not None:
            self.rendition = stored
            previous, following = renditions.neighbours(stored)
        else:
            # What would be stored, built from the rows now: both ways give the same page.
            self.object = issue = self.with_contents(self.object)
            self.rendition = IssueRendition(issue=issue, **renditions.render(issue, preview=self.is_preview))
            previous, following = neighbour(issue.previous_issue_key), neighbour(issue.next_issue_key)
        self.issue_url = self.object.get_absolute_url()
        return super().get_context_data(
            issue=self.object,
            issue_url=self.issue_url,
            year_url=reverse("newsletter:issue_year", kwargs={"year": self.object.year}),
            issue_body=mark_safe(self.rendition.html),  # noqa: S308 — rendered by our templates
            previous_issue=previous,
            next_issue=following,
            print_view=self.request.GET.get("print") == "1",
            **kwargs,
        )

    def with_contents(self, issue):
        """The issue with everything its page shows. An issue loaded for its stored rendition has
        only a few fields: it is loaded again, whole (one query more, only when the rendition is stale)."""
        if issue.get_deferred_fields():
            return get_object_or_404(issue_page_queryset().with_neighbours(), pk=issue.pk)
        prefetch_related_objects([issue], *contents_prefetches())
        if not hasattr(issue, "previous_issue_key"):  # previews load them with the issue
            keys = Issue.objects.filter(pk=issue.pk).with_neighbours()
            issue.previous_issue_key, issue.next_issue_key = keys.values_list(
                "previous_issue_key", "next_issue_key"
            ).get()
        return issue

    def get_page_meta(self, context):
        rendition = self.rendition
        image = Figure.image.field.storage.url(rendition.image) if rendition.image else None
        return seo.page_meta(
            self.request,
            title=rendition.title,
            description=rendition.description,
            path=self.issue_url,
            image=image,
            data=json.loads(rendition.structured_data) if rendition.structured_data else None,
        )
