"""Whole-page caching of public pages, invalidated by a content version.

Every page an anonymous reader can see is cached under a key that contains the *content version*.
Any change to public content bumps the version, so every affected page is fresh on the very next
request, without having to know which pages a change touches.

The version lives where every worker process sees it: in the cache itself when the cache is shared
(Redis), otherwise in a small file (several gunicorn workers each have their own local-memory cache,
but they share the disk). Besides a random token the version records when the next scheduled issue
goes live, so that a scheduled issue appears on time even though nothing is saved at that moment.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from . import rehearsal

VERSION_KEY = "newsletter:content-version"


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _version_file():
    return Path(settings.CONTENT_VERSION_FILE)


def _shared_cache():
    return settings.CONTENT_VERSION_IN_CACHE


def _next_scheduled_timestamp():
    from .models import Issue

    upcoming = (
        Issue.objects.filter(status=Issue.Status.SCHEDULED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return upcoming.timestamp() if upcoming else 0.0


def _write(state):
    if _shared_cache():
        page_cache().set(VERSION_KEY, state, timeout=None)
        return
    path = _version_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex}")
    temporary.write_text(f"{state[0]} {state[1]}")
    os.replace(temporary, path)  # atomic: a reader sees the old or the new version, never half


# The version file as this process last read it: ((st_ino, st_mtime_ns, st_size), state). A stat()
# is cheaper than open() + read() on every request; the file is re-read whenever any of the three
# changes. Replacing the file gives it a new inode and mtime, but an inode number can be reused and
# mtime has the kernel's clock-tick resolution (a few ms), so a file that was less than
# _SETTLED_NS old when it was read is never remembered: two bumps within one tick cannot hide.
_memo = None
_SETTLED_NS = 200_000_000


def _read_file():
    global _memo
    path = _version_file()
    try:
        stat = os.stat(path)
    except OSError:
        return None
    signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    memo = _memo
    if memo is not None and memo[0] == signature:
        return memo[1]
    try:
        token, due = path.read_text().split()
        state = (token, float(due))
    except (OSError, ValueError):
        return None
    if time.time_ns() - stat.st_mtime_ns > _SETTLED_NS:
        _memo = (signature, state)
    else:
        _memo = None
    return state


def _read():
    if _shared_cache():
        return page_cache().get(VERSION_KEY)
    return _read_file()


def bump(reason="", schedule_may_change=True):
    """Make every cached page stale, and note when the next scheduled issue goes live.

    Only a change to an issue can move that time; other changes keep the known one and save a query.
    """
    known = None if schedule_may_change else _read()
    state = (uuid.uuid4().hex[:12], known[1] if known else _next_scheduled_timestamp())
    _write(state)
    return state[0]


def bump_now_and_on_commit(reason="", schedule_may_change=True):
    # Bumping inside the transaction alone could let a reader cache old content under the new
    # version before the commit; bumping again after the commit closes that window.
    if rehearsal.active():  # a dry run: rolled back, nothing a reader sees has changed
        return
    bump(reason, schedule_may_change)
    transaction.on_commit(lambda: bump(reason, schedule_may_change))


def current_version():
    state = _read()
    if state is None:
        return bump("initial")
    token, due = state
    if due and time.time() >= due:
        # A scheduled issue has just gone live: every page that lists issues must change.
        return bump("schedule_due")
    return token
