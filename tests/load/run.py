"""Load test (issue 8): 50 concurrent readers for 60 s while the chief editor publishes an issue.

    make load                         # fresh SQLite database in a temporary folder
    LOAD_ARGS="--database-url postgres://postgres@127.0.0.1:5432/postgres" make load   # fresh PostgreSQL database

What it does, all on 127.0.0.1 and bounded in time:
1. a fresh database (SQLite file, or a new PostgreSQL database created next to the given one and
   dropped afterwards), migrate, collectstatic, the demo content;
2. gunicorn with 2 sync workers (config.wsgi) in production mode: DEBUG=0, SECRET_KEY and
   ALLOWED_HOSTS set, SECURE_SSL_REDIRECT=0 (no TLS on loopback);
3. wrk with 50 connections on the home, issue and search pages (tests/load/readers.lua counts
   every status code);
4. half-way, ``manage.py shell -c`` publishes the demo's approved issue through
   ``newsletter.workflow.perform`` as the chief editor, while a poller fetches the new issue's URL
   and the home page every 20 ms, to measure how soon after the commit readers get it.

It prints the figures for the README and writes test-artifacts/load.json. Exit status 1 if any
request failed, any status was not 200, the server logged an error, a request sent after the
commit got the old page, or the new issue was not served within --max-delay seconds of its publication.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LUA = Path(__file__).with_name("readers.lua")
SEARCH_WORDS = ["养老", "数据", "低空", "物流", "县域", "消费", "外贸", "城市更新", "人工智能", "跨境"]

# The first on_commit callback notes the moment of the commit, before perform's own callbacks
# (cache version bump, PDF, email) run.
PUBLISH = """
import time
from django.contrib.auth.models import User
from django.db import transaction
from newsletter import workflow
from newsletter.models import Issue
chief = User.objects.get(username="chief")
issue = Issue.objects.get(pk={pk})
committed = []
started = time.time()
with transaction.atomic():
    transaction.on_commit(lambda: committed.append(time.time()))
    workflow.perform(issue, workflow.PUBLISH, by=chief)
print("PUBLISHED", started, committed[0], time.time())
"""

PAGES = """
import json
from newsletter.models import Article, Issue
published = Issue.objects.published().order_by("-published_at").first()
approved = Issue.objects.filter(status=Issue.Status.APPROVED).order_by("-year", "-number").first()
print("PAGES", json.dumps({{
    "issue": published.get_absolute_url(),
    "article": Article.objects.published().filter(issue=published).first().get_absolute_url(),
    "new_issue": approved.get_absolute_url(),
    "new_issue_pk": approved.pk,
}}))
"""


def log(message):
    print(f"[load] {message}", flush=True)


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def fresh_database(url, pid):
    """A new database for this run: (DATABASE_URL, cleanup)."""
    if not url:
        return None, lambda: None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"newsletter_load_{pid}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), drop


def fetch(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


def wait_until_up(base, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        if fetch(base + "/")[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


class Poller(threading.Thread):
    """Fetch one page every 20 ms, as an impatient reader would; note when it first shows the new issue."""

    def __init__(self, url, shows_issue):
        super().__init__(daemon=True)
        self.url, self.shows_issue = url, shows_issue
        self.seen = None
        self.polls = []  # (sent, arrived, showed the new issue)
        self.statuses = {}
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set() and self.seen is None:
            sent = time.time()
            status, body = fetch(self.url)
            arrived = time.time()
            shows = self.shows_issue(status, body)
            self.polls.append((sent, arrived, shows))
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if shows:
                # The response's arrival time, not its request's: a request sent just before the
                # commit and answered after it must not count as a negative delay.
                self.seen = arrived
            time.sleep(0.02)

    def stale_after(self, moment):
        """Responses without the new issue to requests sent after ``moment`` (the commit)."""
        return sum(1 for sent, _, shows in self.polls if sent > moment and not shows)


def machine():
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else ""
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "wrk": wrk_version.strip(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent readers (default 50)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--publish-after", type=float, default=None, help="seconds into the run (default: half-way)")
    parser.add_argument("--max-delay", type=float, default=2.0, help="seconds allowed from commit to served page")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to create a fresh database on")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make load installs it)")

    load_before = os.getloadavg()
    publish_after = options.publish_after if options.publish_after is not None else options.duration / 2
    workdir = Path(tempfile.mkdtemp(prefix="newsletter-load-"))
    database_url, drop_database = fresh_database(options.database_url, os.getpid())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'load.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "CONTENT_VERSION_FILE": str(workdir / "content-version"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    base = f"http://127.0.0.1:{options.port}"
    server = None
    server_log = workdir / "gunicorn.log"
    try:
        log(f"fresh database ({'PostgreSQL' if database_url else 'SQLite'}), migrate, collectstatic, demo content")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo")
        pages = json.loads(manage(env, "shell", "-c", PAGES.format()).split("PAGES", 1)[1])

        log(f"gunicorn config.wsgi, {options.workers} workers, on {base}")
        with server_log.open("w") as log_file:
            server = subprocess.Popen(
                [str(Path(PYTHON).with_name("gunicorn")), "config.wsgi", "--workers", str(options.workers)]
                + ["--bind", f"127.0.0.1:{options.port}", "--log-level", "warning"],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(base, server)
        assert fetch(base + pages["new_issue"])[0] == 404, "the issue to publish is already public"

        paths = []
        for index, word in enumerate(SEARCH_WORDS):
            paths += ["/", pages["issue"] if index % 2 else pages["article"], "/search/?q=" + urllib.parse.quote(word)]
        log(
            f"wrk: {options.connections} readers for {options.duration} s on {len(paths)} paths; publish at {publish_after:.0f} s"
        )
        wrk = subprocess.Popen(
            ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{options.duration}s", "--timeout", "10s"]
            + ["-s", str(LUA), base, "--", *paths],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(publish_after - 0.5)
        href = f'href="{pages["new_issue"]}"'
        pollers = {
            "issue": Poller(base + pages["new_issue"], lambda status, body: status == 200),
            "home": Poller(base + "/", lambda status, body: status == 200 and href in body),
        }
        for poller in pollers.values():
            poller.start()
        output = manage(env, "shell", "-c", PUBLISH.format(pk=pages["new_issue_pk"]))
        publish_started, committed, callbacks_done = map(float, output.split("PUBLISHED", 1)[1].split())
        log(
            f"published {pages['new_issue']}: committed {committed - publish_started:.2f} s after the call, "
            f"after-commit work done {callbacks_done - committed:.2f} s later"
        )
        for poller in pollers.values():
            poller.join(timeout=options.max_delay + 10)
            poller.stop.set()

        wrk_output, _ = wrk.communicate(timeout=options.duration + 60)
        found = re.search(r"^LOAD-RESULT (.+)$", wrk_output, re.MULTILINE)
        if not found:
            raise SystemExit(f"wrk gave no result:\n{wrk_output}")
        result = json.loads(found.group(1))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        drop_database()

    statuses = {}
    for entry in result.pop("statuses"):
        for status, count in entry.items():
            statuses[status] = statuses.get(status, 0) + count
    server_errors = [line for line in server_log.read_text().splitlines() if re.search(r"Traceback|ERROR|Error", line)]
    seconds = result["duration_us"] / 1e6
    socket_errors = sum(result["errors"][kind] for kind in ("connect", "read", "write", "timeout"))

    def delay(seen):
        return round(seen - committed, 3) if seen is not None else None

    report = {
        "database": "PostgreSQL" if database_url else "SQLite",
        "duration_s": round(seconds, 1),
        "connections": options.connections,
        "gunicorn_workers": options.workers,
        "requests": result["requests"],
        "requests_per_s": round(result["requests"] / seconds, 1),
        "latency_ms": {key: round(value / 1000, 1) for key, value in result["latency_us"].items()},
        "statuses": statuses,
        "socket_errors": result["errors"],
        "server_errors_logged": len(server_errors),
        "published_at_s": publish_after,
        "new_issue": pages["new_issue"],
        "new_issue_poll_statuses": {str(k): v for k, v in pollers["issue"].statuses.items()},
        "publish_to_issue_page_s": delay(pollers["issue"].seen),
        "publish_to_home_page_s": delay(pollers["home"].seen),
        "stale_responses_to_requests_sent_after_commit": {
            name: poller.stale_after(committed) for name, poller in pollers.items()
        },
        "machine": {**machine(), "load_average_before": load_before, "load_average_after": os.getloadavg()},
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)

    latency = report["latency_ms"]
    print()
    print(
        f"数据库 {report['database']}，gunicorn {options.workers} 个进程，{options.connections} 个并发读者，{seconds:.0f} 秒"
    )
    print(f"请求 {report['requests']}，吞吐 {report['requests_per_s']} 次/秒")
    print(
        f"延迟 平均 {latency['mean']} ms，p50 {latency['p50']} ms，p95 {latency['p95']} ms，p99 {latency['p99']} ms，最大 {latency['max']} ms"
    )
    print(f"状态码 {statuses}；连接错误 {socket_errors}；服务器日志中的错误 {len(server_errors)}")
    print(
        f"第 {publish_after:.0f} 秒发布 {pages['new_issue']}：提交后 {report['publish_to_issue_page_s']} 秒期刊页可见，"
        f"{report['publish_to_home_page_s']} 秒首页可见（含请求在负载下的排队时间）；"
        f"提交后发出的请求仍得到旧内容的次数：{report['stale_responses_to_requests_sent_after_commit']}"
    )
    print(f"机器：{report['machine']}")
    for line in server_errors[:20]:
        print("  server:", line)

    failures = []
    if socket_errors:
        failures.append(f"{socket_errors} socket errors")
    if set(statuses) != {"200"}:
        failures.append(f"statuses other than 200: {statuses}")
    if server_errors:
        failures.append(f"{len(server_errors)} errors in the server log")
    for name in ("publish_to_issue_page_s", "publish_to_home_page_s"):
        if report[name] is None or report[name] > options.max_delay:
            failures.append(f"{name} = {report[name]} (allowed {options.max_delay} s)")
    for name, count in report["stale_responses_to_requests_sent_after_commit"].items():
        if count:
            failures.append(f"{count} stale {name} responses to requests sent after the commit")
    if failures:
        print("LOAD TEST FAILED: " + "; ".join(failures))
        return 1
    print("load test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
