from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
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
