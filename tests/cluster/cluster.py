"""The cluster itself: Redis, the S3 server and its bucket, a fresh PostgreSQL database with the demo
content, two gunicorn replicas (A and B) and a worker, all with one environment, on loopback.

Each replica and the worker get their own MEDIA_ROOT and CONTENT_VERSION_FILE, as separate hosts
would: a page that worked only because the replicas share a disk would fail here, and at the end
the test checks that nothing was written to any of those folders.
"""

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import services as svc
from .client import Client, fetch_url
from .report import StepFailed

BUCKET = "newsletter-cluster"
# django_tasks_db's DBTaskResult (app label "django_tasks_database"): the queue, as staff see it in the admin.
TASK_TABLE = "django_tasks_database_dbtaskresult"
DEMO_PASSWORDS = {"editor": "demo-editor-pass", "reviewer": "demo-reviewer-pass", "chief": "demo-chief-pass"}

# The demo's issues the test moves through the workflow, by state (newsletter/demo/content.py).
ISSUES = """
import json
from newsletter.models import Issue
from newsletter.printing import support
def describe(issue):
    articles = list(issue.articles.order_by("pk"))
    return {"pk": issue.pk, "year": issue.year, "number": issue.number, "url": issue.get_absolute_url(),
            "articles": [{"pk": a.pk, "title": a.title, "url": a.get_absolute_url()} for a in articles]}
found = {}
for state in ("draft", "in_review", "approved", "published"):
    issue = Issue.objects.filter(status=state).order_by("year", "number").first()
    found[state] = describe(issue) if issue else None
found["pdf_unavailable"] = "" if support.pdf_available() else support.unavailable_reason()
print("ISSUES " + json.dumps(found, ensure_ascii=False))
"""


@dataclass
class Cluster:
    services: svc.Services
    workdir: Path
    database_url: str
    admin_url: str
    database_name: str
    redis_url: str
    endpoint: str
    env: dict  # the shared environment (without per-host folders)
    replicas: dict = field(default_factory=dict)  # "A"/"B" -> base URL
    issues: dict = field(default_factory=dict)
    worker_name: str = "worker"
    local_folders: list = field(default_factory=list)

    @property
    def bucket_url(self):
        return f"{self.endpoint}/{BUCKET}"

    def host_env(self, host):
        """The environment of one host: the shared one plus its own local folders."""
        media = self.workdir / f"media-{host}"
        media.mkdir(exist_ok=True)
        if media not in self.local_folders:
            self.local_folders.append(media)
        return {**self.env, "MEDIA_ROOT": str(media), "CONTENT_VERSION_FILE": str(self.workdir / f"version-{host}")}

    def manage(self, *args, timeout=600):
        return svc.manage(self.services, self.host_env("manage"), *args, timeout=timeout)

    def sql(self, query, params=()):
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()

    def client(self, replica):
        return Client(self.replicas[replica])

    def staff(self, replica, username):
        """A client signed in to the admin as the demo account ``username``; StepFailed if it cannot."""
        client = self.client(replica)
        if not client.login(username, DEMO_PASSWORDS[username]):
            raise StepFailed(f"{username} could not sign in to the admin on replica {replica}")
        return client

    def issue_status(self, pk):
        return self.sql("SELECT status FROM newsletter_issue WHERE id = %s", (pk,))[0][0]

    def start_worker(self, name="worker"):
        self.worker_name = name
        return svc.start_worker(self.services, self.host_env(name), name=name)

    def flush_cache(self):
        import redis

        redis.Redis.from_url(self.redis_url).flushall()


def base_env(database_url, redis_url, endpoint, site_url, workdir, options):
    import os

    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TASK_BACKEND": "database",
            "WEB_REPLICAS": "2",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "cluster-test",
            "AWS_SECRET_ACCESS_KEY": "cluster-test",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
            "MEDIA_PUBLIC_ACL": "public-read",
            "TASK_LEASE_SECONDS": str(options.lease_seconds),
            "WORKER_TICK_SECONDS": "1",
            # A failed or lost task is retried after 2 s, 4 s … (not 10 s, 20 s …): the run stays short.
            "TASK_RETRY_SECONDS": "2",
            "SITE_URL": site_url,
            "STATIC_ROOT": str(workdir / "static"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for name in ("SERVE_MEDIA", "PAGE_CACHE_ENABLED", "EMAIL_HOST", "AWS_S3_CUSTOM_DOMAIN"):
        env.pop(name, None)
    return env


def wait_ready(base, seconds=60):
    """Poll ``/readyz`` until it answers 200 ``ready``; (ok, last answer, seconds waited)."""
    started = time.monotonic()
    answer = None
    while time.monotonic() - started < seconds:
        answer = fetch_url(base + "/readyz", timeout=5)
        if answer.status == 200:
            return answer.text.strip() == "ready", answer, round(time.monotonic() - started, 1)
        time.sleep(0.3)
    return False, answer, round(time.monotonic() - started, 1)


def start(services, options, report):
    """Everything up, or an exception; the Cluster for the steps."""
    import os

    workdir = services.workdir
    report.info("redis-server")
    redis_url = svc.start_redis(services)
    report.info(f"  {redis_url} (pid {services.processes['redis'].pid})")
    report.info("moto S3 server and the bucket")
    endpoint = svc.start_moto(services, BUCKET)
    report.info(f"  {endpoint}/{BUCKET} (pid {services.processes['moto'].pid})")

    admin_url = svc.postgres_admin_url(options.database_url or os.environ.get("DATABASE_URL", ""))
    name = f"newsletter_cluster_{os.getpid()}"
    database_url = svc.create_database(services, admin_url, name)
    report.info(f"fresh PostgreSQL database {name} on {admin_url.rsplit('/', 1)[0]}")

    ports = {"A": svc.free_port(), "B": svc.free_port()}
    site_url = f"http://127.0.0.1:{ports['A']}"
    env = base_env(database_url, redis_url, endpoint, site_url, workdir, options)
    cluster = Cluster(services, workdir, database_url, admin_url, name, redis_url, endpoint, env)

    started = time.monotonic()
    # collectstatic needs no database: it runs while migrate does.
    static = services.start(
        "collectstatic", [svc.PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=cluster.host_env("manage")
    )
    cluster.manage("migrate", "--noinput", "-v0")
    if static.wait(timeout=600) != 0:
        raise RuntimeError(f"collectstatic failed:\n{services.log_of('collectstatic')}")
    services.processes.pop("collectstatic")
    report.info(cluster.manage("bootstrap").strip().replace("\n", " | "))
    cluster.issues = json.loads(cluster.manage("shell", "-c", ISSUES).split("ISSUES ", 1)[1])
    report.number("setup_database_s", round(time.monotonic() - started, 1))
    missing = cluster.issues.pop("pdf_unavailable")
    # The PDF checks would only wait and time out: say why at once (.ci/run installs these packages).
    report.require("this machine can render the print edition (Pango, Noto CJK fonts)", not missing, missing)

    for replica, port in ports.items():
        cluster.replicas[replica] = svc.start_replica(services, f"replica-{replica}", cluster.host_env(replica), port)
        report.info(
            f"replica {replica}: {cluster.replicas[replica]} (pid {services.processes[f'replica-{replica}'].pid})"
        )
    cluster.start_worker()
    report.info(f"worker: manage.py run_worker (pid {services.processes['worker'].pid})")
    for replica, base in cluster.replicas.items():
        ok, answer, waited = wait_ready(base)
        report.require(f"replica {replica} /readyz answers 200 ready", ok, f"{answer} after {waited} s")
        health = fetch_url(base + "/healthz")
        report.check(
            f"replica {replica} /healthz answers 200 ok", health.status == 200 and health.text.strip() == "ok", health
        )
    return cluster
