"""Probes for load balancers and orchestrators: ``GET /healthz`` and ``GET /readyz``.

- ``/healthz``: the process is up and answering. It touches nothing (no database, cache or storage),
  so a slow database never makes a balancer restart healthy replicas.
- ``/readyz``: this replica can serve pages: the database answers ``SELECT 1``, every cache stores
  and returns a probe value, the file storage answers ``exists()``. Otherwise 503 — the balancer
  stops sending readers here until it recovers.

Answered by a middleware placed first in ``MIDDLEWARE``: a balancer probes a replica by its IP
address, which is not in ALLOWED_HOSTS (Django would answer 400 and log DisallowedHost at every
probe), speaks plain HTTP (the security middleware would redirect it to HTTPS), and must get neither
a page from the page cache, nor a session, nor a cookie. The body is one word: what failed is
written to the server's log — once when it starts failing, once when it recovers — never shown to
whoever asks.
"""

import logging
import os
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
# Asked of the storage on every /readyz: whether it exists does not matter, only that the storage answers.
STORAGE_PROBE_NAME = "readyz-probe"

# What this process last reported as failing ("" when ready), so that a probe every few seconds
# does not repeat the same warning: the log says when readiness is lost and when it comes back.
_last_failure = ""


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_caches():
    # A key of this process's own: replicas probing at the same moment cannot overwrite each other's value.
    key = f"newsletter:readyz:{os.getpid()}"
    for alias in settings.CACHES:
        token = uuid.uuid4().hex
        cache = caches[alias]
        cache.set(key, token, 30)
        if cache.get(key) != token:
            raise RuntimeError(f"缓存 {alias} 未返回刚写入的探测值。")


def _check_storage():
    default_storage.exists(STORAGE_PROBE_NAME)


CHECKS = (("数据库", _check_database), ("缓存", _check_caches), ("文件存储", _check_storage))


def readiness_failures():
    """What keeps this replica from serving pages: a list of "part: error" lines, empty when ready."""
    failures = []
    for part, check in CHECKS:
        try:
            check()
        except Exception as error:  # any error at all means "not ready"; what it was is logged by _report()
            failures.append(f"{part}：{type(error).__name__}: {error}".strip())
    return failures


def _report(failures):
    global _last_failure
    summary = "；".join(failures)
    if summary == _last_failure:
        return
    if summary:
        logger.warning("/readyz：本副本未就绪：%s", summary)
    else:
        logger.info("/readyz：本副本已恢复就绪。")
    _last_failure = summary


def _plain(request, status, text):
    response = HttpResponse(b"" if request.method == "HEAD" else text, status=status)
    response["Content-Type"] = "text/plain; charset=utf-8"
    response["Cache-Control"] = "no-store"
    # Django logs every 4xx/5xx response ("Service Unavailable: /readyz") unless it is marked as logged:
    # a balancer probing every few seconds would fill the log. The reason is logged once by _report().
    response._has_been_logged = True
    return response


def healthz(request):
    return _plain(request, 200, "ok")


def readyz(request):
    failures = readiness_failures()
    _report(failures)
    if failures:
        return _plain(request, 503, "not ready")
    return _plain(request, 200, "ready")


PROBES = {HEALTH_PATH: healthz, READY_PATH: readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
            response["Cache-Control"] = "no-store"
            response._has_been_logged = True
            return response
        return probe(request)
