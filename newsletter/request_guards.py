"""Refuse requests that no page can answer sensibly, before any view or database query runs."""

from django.http import HttpResponseBadRequest


class RejectNullBytesMiddleware:
    """A NUL byte in the query string is never legitimate, and PostgreSQL refuses it in any text
    parameter ("cannot contain NUL (0x00) bytes"), which would turn ?q=%00 on search or an admin
    filter into a 500. Answer 400 instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest(
                "请求参数中含有不允许的空字符（NUL）。", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
