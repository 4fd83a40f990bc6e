from django.urls import path

from . import print_views, views

app_name = "newsletter"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("issues/", views.IssueArchiveView.as_view(), name="issue_archive"),
    path("issues/<int:year>/", views.IssueYearView.as_view(), name="issue_year"),
    path("issues/<int:year>/<int:number>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("issues/<int:year>/<int:number>/pdf/", print_views.issue_pdf, name="issue_pdf"),
    path("issues/<int:year>/<int:number>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
]
