"""Absolute URLs the app writes, pointing where the reader is. The one place this rule lives.

In a response, the scheme and host the reader used: under ``PORT=8101 make run`` that is
127.0.0.1:8101, and someone who reached the server by another allowed name gets links that work
from there. Outside a request (e-mail, the print edition and its QR code, a command's output)
nobody is asking, so ``settings.SITE_URL`` names the public address; ``make run`` sets it from ``PORT``.
"""

from django.conf import settings


def site_url(request=None):
    """``scheme://host[:port]`` with no trailing slash."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL.rstrip("/")


def absolute_url(path, request=None):
    """The absolute URL of a site path from ``reverse()`` or ``get_absolute_url()`` ("/issues/2024/24/")."""
    if request is not None:
        return request.build_absolute_uri(path)
    # Joined, not urljoin()ed: a SITE_URL with a path prefix keeps it, as it always has here.
    return settings.SITE_URL.rstrip("/") + path
