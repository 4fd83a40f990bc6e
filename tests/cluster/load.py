"""Step 6: readers on both replicas for a bounded time while the chief publishes an issue through replica A.

Readers are threads (no wrk: `make cluster-test` installs nothing but redis-server), each cycling through
the home page, an issue page, an article and a search, switching replica on every request. Two
pollers alternate between A and B on the new issue's page and on the home page: once either replica
has shown the new issue, every later answer from either must show it (no stale page after the commit).
"""

import re
import threading
import time
import urllib.parse

from .client import fetch_url
from .publishing import move

SERVER_ERROR = re.compile(r"Traceback|\bERROR\b|\[CRITICAL\]")


class Readers:
    def __init__(self, bases, paths, threads):
        self.bases, self.paths, self.count = bases, paths, threads
        self.statuses = {}
        self.latencies = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(index,), daemon=True) for index in range(threads)]

    def read(self, index):
        counter = index
        statuses, latencies = {}, []
        while not self.stop.is_set():
            counter += 1
            base = self.bases[counter % len(self.bases)]
            path = self.paths[(counter // len(self.bases)) % len(self.paths)]
            sent = time.monotonic()
            status = fetch_url(base + path, timeout=10).status
            latencies.append(time.monotonic() - sent)
            key = str(status) if status else "no answer"
            statuses[key] = statuses.get(key, 0) + 1
        with self.lock:
            for key, count in statuses.items():
                self.statuses[key] = self.statuses.get(key, 0) + count
            self.latencies += latencies

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


class AlternatingPoller(threading.Thread):
    """GET one path on A, B, A, B… every 20 ms; note every answer (replica, sent, arrived, shows the issue)."""

    def __init__(self, bases, path, shows):
        super().__init__(daemon=True)
        self.bases, self.path, self.shows = bases, path, shows
        self.polls = []
        self.stop = threading.Event()

    def run(self):
        turn = 0
        while not self.stop.is_set():
            name, base = self.bases[turn % len(self.bases)]
            turn += 1
            sent = time.time()
            answer = fetch_url(base + self.path, timeout=10)
            self.polls.append((name, sent, time.time(), bool(self.shows(answer))))
            time.sleep(0.02)

    def first_seen(self):
        return next(((name, arrived) for name, _, arrived, shows in self.polls if shows), None)

    def stale_after_first_seen(self):
        """Answers without the issue to requests sent after some replica had already shown it."""
        seen = self.first_seen()
        if seen is None:
            return None
        return sum(1 for _, sent, _, shows in self.polls if sent > seen[1] and not shows)

    def stale_after(self, moment):
        return sum(1 for _, sent, _, shows in self.polls if sent > moment and not shows)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0


def load_while_publishing(cluster, report, options):
    issue = cluster.issues["in_review"]
    reviewer = cluster.staff("A", "reviewer")
    move(cluster, reviewer, issue, "approve", expect="approved")
    chief = cluster.staff("A", "chief")
    published = cluster.issues["published"]
    word = published["articles"][0]["title"][:4]
    paths = ["/", published["url"], published["articles"][0]["url"], "/search/?q=" + urllib.parse.quote(word)]
    bases = [cluster.replicas["A"], cluster.replicas["B"]]
    logs_before = {name: len(cluster.services.log_of(f"replica-{name}")) for name in ("A", "B")}

    readers = Readers(bases, paths, options.readers)
    href = f'href="{issue["url"]}"'
    pollers = {
        "issue page": AlternatingPoller(list(cluster.replicas.items()), issue["url"], lambda a: a.status == 200),
        "home page": AlternatingPoller(
            list(cluster.replicas.items()), "/", lambda a: a.status == 200 and href in a.text
        ),
    }
    report.info(
        f"{options.readers} readers on A and B for {options.load_seconds} s on {len(paths)} paths; "
        f"publish {issue['url']} through A half-way"
    )
    started = time.monotonic()
    readers.start()
    time.sleep(options.load_seconds / 2)
    for poller in pollers.values():
        poller.start()
    time.sleep(0.5)
    publish_sent = time.time()
    move(cluster, chief, issue, "publish", expect="published")
    publish_answered = time.time()  # the commit happened before this answer arrived
    time.sleep(max(0.0, options.load_seconds - (time.monotonic() - started)))
    readers.finish()
    for poller in pollers.values():
        poller.stop.set()
        poller.join(timeout=15)
    seconds = time.monotonic() - started

    requests = sum(readers.statuses.values())
    latencies = readers.latencies
    report.number(
        "load",
        {
            "seconds": round(seconds, 1),
            "readers": options.readers,
            "requests": requests,
            "requests_per_s": round(requests / seconds, 1),
            "latency_ms": {
                "mean": round(1000 * sum(latencies) / max(1, len(latencies)), 1),
                "p50": round(1000 * percentile(latencies, 0.5), 1),
                "p95": round(1000 * percentile(latencies, 0.95), 1),
                "p99": round(1000 * percentile(latencies, 0.99), 1),
                "max": round(1000 * max(latencies, default=0), 1),
            },
            "statuses": readers.statuses,
            "publish_request_s": round(publish_answered - publish_sent, 2),
            "first_seen": {
                name: poller.first_seen()
                and (poller.first_seen()[0], round(poller.first_seen()[1] - publish_answered, 3))
                for name, poller in pollers.items()
            },
            "polls": {name: len(poller.polls) for name, poller in pollers.items()},
        },
    )
    numbers = report.numbers["load"]
    latency = numbers["latency_ms"]
    report.info(
        f"{requests} requests in {seconds:.0f} s ({numbers['requests_per_s']}/s) from {options.readers} readers on A and B; "
        f"latency mean {latency['mean']} ms, p50 {latency['p50']}, p95 {latency['p95']}, p99 {latency['p99']}, "
        f"max {latency['max']} ms; statuses {readers.statuses}; first seen after the publish answer: {numbers['first_seen']}"
    )
    report.check(
        f"{requests} reader requests, every one answered 200 (0 errors)",
        set(readers.statuses) == {"200"},
        readers.statuses,
    )
    for name, poller in pollers.items():
        seen = poller.first_seen()
        report.check(f"{name}: the new issue was shown", seen, seen)
        stale = poller.stale_after_first_seen()
        report.check(
            f"{name}: once one replica showed it, no later answer from A or B lacked it", stale == 0, f"{stale} stale"
        )
        stale = poller.stale_after(publish_answered)
        report.check(
            f"{name}: no stale answer to a request sent after the publish was answered", stale == 0, f"{stale} stale"
        )
    for name in ("A", "B"):
        log = cluster.services.log_of(f"replica-{name}")[logs_before[name] :]
        errors = [line for line in log.splitlines() if SERVER_ERROR.search(line)]
        report.check(f"replica {name} logged no error during the load", not errors, errors[:3])
