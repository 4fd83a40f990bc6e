"""Public pages. Every queryset starts from ``published()``: the one definition of public."""

from .articles import ArticleDetailView, TagDetailView, TagListView
from .issues import HomeView, IssueArchiveView, IssueDetailView, IssueYearView, issue_page_queryset
from .robots import robots_txt
from .search import SearchView

__all__ = [
    "ArticleDetailView",
    "HomeView",
    "IssueArchiveView",
    "IssueDetailView",
    "IssueYearView",
    "SearchView",
    "TagDetailView",
    "TagListView",
    "issue_page_queryset",
    "robots_txt",
]
