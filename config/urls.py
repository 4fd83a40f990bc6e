from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from newsletter import media
from newsletter.admin.wechat import article_wechat_view, issue_wechat_view
from newsletter.print_views import issue_pdf_preview
from newsletter.sitemaps import sitemaps
from newsletter.views import robots_txt

urlpatterns = [
    path("admin/newsletter/tools/", include("newsletter.admin.importing")),
    path(
        "admin/newsletter/issue/<int:pk>/wechat/",
        admin.site.admin_view(issue_wechat_view),
        name="newsletter_issue_wechat",
    ),
    path(
        "admin/newsletter/article/<int:pk>/wechat/",
        admin.site.admin_view(article_wechat_view),
        name="newsletter_article_wechat",
    ),
    path(
        "admin/newsletter/issue/<int:pk>/pdf-preview/",
        admin.site.admin_view(issue_pdf_preview),
        name="newsletter_issue_pdf_preview",
    ),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps()}, name="sitemap"),
    path("feeds/", include("newsletter.feed_urls")),
    path("regions/", include("regions.urls")),
    path("preview/", include("newsletter.preview_urls")),
    path("", include("newsletter.urls")),
    # Figures and print editions, with the access rules of their issue (see newsletter/media.py). Always
    # routed: with local files it streams them, with a bucket it redirects. A proxy must not serve
    # MEDIA_ROOT or the bucket itself: it would hand out withdrawn issues' files, and any type at all.
    re_path(r"^media/(?P<path>.*)$", media.serve_media, name="media"),
]
