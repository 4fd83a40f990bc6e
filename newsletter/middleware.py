"""Serve anonymous readers from the page cache before sessions, authentication or views run.

This sits right after security headers and static files, so a cached page costs one or two cache
reads and no database query: the work a cached anonymous response does not need is never done.
"""

from django.conf import settings
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe

from . import cache as page_cache_module

EXCLUDED_PREFIXES = ("/admin/", "/preview/", "/media/", "/static/", "/__")


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if any(request.path.startswith(prefix) for prefix in EXCLUDED_PREFIXES):
        return False
    # A session cookie means a signed-in editor (or a preview in progress): they see fresh pages.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cacheable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control and "no-cache" not in cache_control


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED or not _cacheable_request(request):
            return self.get_response(request)
        key = f"page:{page_cache_module.current_version()}:{request.get_host()}:{request.get_full_path()}"
        cache = page_cache_module.page_cache()
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if request.method != "GET":
                return response
            if not _cacheable_response(response):
                return response
            if not response.has_header("ETag"):
                set_response_etag(response)
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        else:
            response["X-Page-Cache"] = "hit"
        last_modified = response.get("Last-Modified")
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(last_modified) if last_modified else None,
            response=response,
        )
