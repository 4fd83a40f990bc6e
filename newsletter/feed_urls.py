from django.urls import path

from regions.feeds import RegionAtomFeed, RegionFeed

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("", feeds.FeedsPageView.as_view(), name="index"),
    path("issues/", feeds.IssuesFeed(), name="issues_rss"),
    path("issues/atom/", feeds.IssuesAtomFeed(), name="issues_atom"),
    path("articles/", feeds.ArticlesFeed(), name="articles_rss"),
    path("articles/atom/", feeds.ArticlesAtomFeed(), name="articles_atom"),
    path("regions/<slug:slug>/", RegionFeed(), name="region_rss"),
    path("regions/<slug:slug>/atom/", RegionAtomFeed(), name="region_atom"),
    path("tags/<slug:slug>/", feeds.TopicFeed(), name="tag_rss"),
    path("tags/<slug:slug>/atom/", feeds.TopicAtomFeed(), name="tag_atom"),
]
