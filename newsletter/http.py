"""Conditional GET for public pages.

The ETag is a hash of the rendered page. It changes exactly when what the reader receives changes
(a correction, a newly due scheduled issue, a withdrawn issue disappearing from a list, a new
template), with no bookkeeping of which rows a page depends on, and a preview subclass of a page
gets correct ETags for free. A returning reader or a proxy that sends ``If-None-Match`` gets an
empty 304 instead of the page.
"""

import hashlib

from django.utils.cache import get_conditional_response


def content_etag(content):
    """A strong ETag for a response body. SHA-256, not Django's MD5: with the CPU's SHA extensions it
    hashes a 55 KB issue page in under half the time (28 vs 71 µs here)."""
    return f'"{hashlib.sha256(content).hexdigest()[:40]}"'


def set_etag(response):
    if not response.has_header("ETag"):
        response.headers["ETag"] = content_etag(response.content)


class ConditionalGetMixin:
    """For class-based views: add an ETag to successful GET/HEAD responses and answer 304."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        return conditional(request, response)


def conditional(request, response):
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    set_etag(response)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)
