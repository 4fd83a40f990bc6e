"""Public pages. Every queryset starts from ``published()``: the one definition of public."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import Article, Figure, Issue, IssueCredit, Source, Topic


def issue_page_queryset():
    return (
        Issue.objects.published()
        .select_related("publication")
        .prefetch_related(
            "publication__hosts",
            Prefetch("credits", queryset=IssueCredit.objects.select_related("editor")),
            Prefetch(
                "articles",
                queryset=Article.objects.select_related("section").prefetch_related(
                    Prefetch("sources", queryset=Source.objects.select_related("outlet")),
                    Prefetch("figures", queryset=Figure.objects.all()),
                ),
            ),
        )
    )


class HomeView(TemplateView):
    template_name = "newsletter/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest"] = issue_page_queryset().order_by("-published_at", "-total_number").first()
        context["recent"] = Issue.objects.published().select_related("publication").order_by("-issue_date")[1:9]
        return context


class IssueArchiveView(ListView):
    template_name = "newsletter/issue_archive.html"
    context_object_name = "issues"

    def get_queryset(self):
        return Issue.objects.published().select_related("publication").order_by("-year", "-number")


class IssueYearView(IssueArchiveView):
    template_name = "newsletter/issue_year.html"

    def get_queryset(self):
        queryset = super().get_queryset().filter(year=self.kwargs["year"])
        return queryset


class IssueDetailView(DetailView):
    context_object_name = "issue"

    def get_object(self, queryset=None):
        return get_object_or_404(issue_page_queryset(), year=self.kwargs["year"], number=self.kwargs["number"])


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Article.objects.published()
            .select_related("issue__publication", "section")
            .prefetch_related(
                "regions", "topics", "figures", Prefetch("sources", queryset=Source.objects.select_related("outlet"))
            ),
            issue__year=self.kwargs["year"],
            issue__number=self.kwargs["number"],
            slug=self.kwargs["slug"],
        )


class TagDetailView(ListView):
    template_name = "newsletter/tag_detail.html"
    paginate_by = 20
    context_object_name = "articles"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return (
            Article.objects.published()
            .filter(topics=self.topic)
            .select_related("issue__publication", "section")
            .order_by("-issue__issue_date", "section__order", "position")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)
