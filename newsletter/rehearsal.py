"""Work done only to see what it would do (an import's dry run), in a transaction that is rolled back.

Inside ``rolled_back()`` every write is real, so the checks, the rows created on the way (regions,
outlets) and every refusal are exactly those of the real thing; then the transaction is rolled back
and Django drops the ``on_commit`` callbacks registered in it. What acts outside the database at
once — the page cache's content version (``cache.bump``) and the queue of issue pages to render
(``renditions.queue_issues``) — asks ``active()`` and does nothing: nothing a reader can see changed.
Nested blocks join the outermost, so a folder's dry run sees each file as the real import would,
after the ones before it, and nothing of any of them is kept.
"""

import contextlib
import threading

from django.db import transaction

_state = threading.local()


def active():
    return getattr(_state, "depth", 0) > 0


@contextlib.contextmanager
def rolled_back():
    if active():
        yield
        return
    _state.depth = 1
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        _state.depth = 0
