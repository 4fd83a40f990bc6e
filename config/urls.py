from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from newsletter.sitemaps import sitemaps
from newsletter.views import robots_txt

urlpatterns = [
    path("admin/newsletter/tools/", include("newsletter.admin.importing")),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps()}, name="sitemap"),
    path("feeds/", include("newsletter.feed_urls")),
    path("regions/", include("regions.urls")),
    path("preview/", include("newsletter.preview_urls")),
    path("", include("newsletter.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded figures; in a larger deployment a proxy or object store serves these instead.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
