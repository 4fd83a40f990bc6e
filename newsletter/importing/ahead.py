"""Preparing the next files in a worker process while the current one is written.

Most of an import's time outside the database is work that needs no database: decoding and parsing
a file, rendering its articles' Markdown, their search texts and pinyin slugs (about half of it,
measured on the bench archive). A folder import does that for the next files in one worker process
while this process writes the current file, so on two cores the two overlap. Each file is still
loaded in its own transaction, in order, by this process; the worker only computes.

The worker reads a file with the same dispatch as this process (``formats.read_issue``: text, Word,
JSON). What the worker computes is used only when it still fits: the same bytes, parsed with the same
publication lines (the first file can fill in the publication's subtitle), and per article the same
figure numbers and outlet names (``loader._load`` checks these). Anything else, or a worker that
fails, and the file is prepared here as if there were no worker.
"""

import hashlib
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections

from regions.slugs import pinyin_slug

from ..rendering import render_markdown
from .formats import read_issue
from .loader import prepare
from .schema import ImportFailure, IssueData

DEPTH = 2  # files prepared ahead of the one being written
TIMEOUT = 60  # seconds to wait for one file


@dataclass
class PreparedFile:
    digest: bytes
    known: tuple  # what the file was read with: (publication lines, region names), runner.reading_context()
    data: IssueData | None = None
    failure: ImportFailure | None = None
    articles: list = field(default_factory=list)

    def fits(self, content, known):
        return self.digest == _digest(content) and self.known == tuple(known)


def _digest(content):
    return hashlib.blake2b(content, digest_size=16).digest()


def _prepare(path, name, known):
    """Runs in the worker: everything about one file that needs no database."""
    content = Path(path).read_bytes()
    try:
        lines, regions = known
        data = read_issue(content, name, known_lines=lines, known_regions=regions)
    except ImportFailure as failure:
        return PreparedFile(_digest(content), known, failure=failure)
    return PreparedFile(_digest(content), known, data=data, articles=prepare(data))


_inherited = []


def _start_worker():
    # The files are written one after another by this process and the database server: that chain
    # decides how long an import takes, so the worker only gets the CPU time it leaves over.
    os.nice(10)
    _leave_the_database_alone()


def _leave_the_database_alone():
    # A forked worker shares this process's database connections (the same sockets). It never
    # queries; and it must not let one of them be finalised either, since closing a PostgreSQL
    # connection tells the server to end the session: they are kept referenced until the worker is
    # stopped (a forked worker ends without running finalisers), and set aside so that a stray
    # query would open a connection of its own.
    for connection in connections.all(initialized_only=True):
        _inherited.append(connection.connection)
        connection.connection = None


def _pool():
    """One forked worker, or None where that would not help (one core) or is not possible."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    # Built on first use, and this process needs them for the first file anyway: built before the
    # fork, the worker inherits them (pypinyin's tables alone take half a second to load).
    pinyin_slug("预备")
    render_markdown("预备")
    return multiprocessing.get_context("fork").Pool(1, initializer=_start_worker)


class Ahead:
    """``files`` is a list of (path, name); ``prepared(index)`` is what the worker made of file
    ``index`` (None when it has nothing), and sets the worker on the files after it."""

    def __init__(self, files, known):
        self.files, self.known = files, tuple(known)
        self.pending = {}
        self.pool = _pool() if len(files) > 1 else None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._stop()

    def _stop(self):
        # The worker holds nothing: stopping it mid-file loses only a file nobody will ask for.
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def prepared(self, index):
        if self.pool is None:
            return None
        try:
            # The first file is prepared here, while the worker starts on the next ones.
            for ahead in range(max(index, 1), min(index + DEPTH + 1, len(self.files))):
                if ahead not in self.pending:
                    path, name = self.files[ahead]
                    self.pending[ahead] = self.pool.apply_async(_prepare, (str(path), name, self.known))
            return self.pending.pop(index).get(timeout=TIMEOUT) if index else None
        except multiprocessing.TimeoutError:
            # A file takes the worker well under a second: one that takes this long is stuck (say,
            # on a lock another thread held at the fork). The rest of the files are prepared here.
            self._stop()
            return None
        except Exception:  # the worker failed: this process prepares the file, and reports any error
            return None
