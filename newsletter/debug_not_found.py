"""With DEBUG on (``make run``), a 404 shows the site's own Chinese page with a short note for developers.

Django answers a 404 under DEBUG with its English technical page, which lists every URL pattern of
the project; a newcomer clicking around the demo should see what readers will see. Production never
loads this middleware (``MiddlewareNotUsed``), so its 404 stays Django's ``handler404`` with
templates/404.html, unchanged.

An unknown address never reaches a view (Django resolves it before any ``process_exception`` hook
and turns it into the technical page itself), so the middleware resolves the path first; it is the
last middleware, so CommonMiddleware still turns a 404 into the redirect to the address with its
final slash.
"""

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404, HttpResponseNotFound
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve


def debug_not_found(request, exception, view_name=None):
    if view_name:
        reason = f"视图 {view_name} 找不到要显示的内容"
    else:
        reason = "没有与这个地址匹配的网址规则（见 config/urls.py）"
    note = {"path": request.path, "reason": reason, "detail": _detail(exception)}
    return HttpResponseNotFound(render_to_string("404.html", {"debug_note": note}, request=request))


def _detail(exception):
    # A Resolver404 carries a dict of the patterns tried: exactly what this page avoids printing.
    if isinstance(exception, Resolver404) or not exception.args or not isinstance(exception.args[0], str):
        return ""
    return exception.args[0]


class DebugNotFoundMiddleware:
    def __init__(self, get_response):
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        try:
            resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404 as exception:
            return debug_not_found(request, exception)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            match = request.resolver_match
            return debug_not_found(request, exception, match.view_name if match else None)
        return None
