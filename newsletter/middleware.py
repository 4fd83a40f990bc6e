"""Serve anonymous readers from the page cache before the rest of the middleware and the view run.

It runs right after Django's ConditionalGetMiddleware (which answers ``If-None-Match`` with 304
for hits and misses alike): a cached page costs a stat() of the content-version file (or one cache
read with Redis), one cache read and building a response from bytes — no session, authentication,
view, template or database query, and no other middleware. Everything the other middleware adds to
a public page (security headers, the Content-Security-Policy) is stored with the page on the miss
that produced it, so a hit carries the very same headers. The ETag is stored with it too, so a hit
does not hash the page again.

What makes running before the security middleware safe: the key holds the scheme, so a plain-HTTP request that the security
middleware would redirect to HTTPS never finds a page (a redirect is not cached); only 200
responses without cookies are stored; a request with a query string containing NUL is refused
downstream with 400 and so is never stored either.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import set_response_etag

from . import cache as page_cache_module

EXCLUDED_PREFIXES = ("/admin/", "/preview/", "/media/", "/static/", "/__")
NOT_STORED_HEADERS = {"x-page-cache", "set-cookie", "date"}


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(EXCLUDED_PREFIXES):
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
        version = page_cache_module.current_version()
        path = request.get_full_path()
        if len(path) > 200:  # keep keys short for any cache backend
            path = hashlib.sha256(path.encode()).hexdigest()
        key = f"page:{version}:{request.scheme}:{request.get_host()}:{path}"
        cache = page_cache_module.page_cache()
        entry = cache.get(key)
        if entry is not None:
            status, headers, content = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method != "GET" or not _cacheable_response(response):
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        headers = tuple((name, value) for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS)
        cache.set(key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)
        response.headers["X-Page-Cache"] = "miss"
        return response
