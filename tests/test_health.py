"""/healthz and /readyz: what a load balancer asks every replica, answered without noise or detail.

The unreachable database and cache are real: a PostgreSQL or Redis address on a loopback port that
nothing listens on, in a separate Django process (settings are read once per process).
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE_HOST = "10.20.30.40"  # a balancer probes by IP address, never in ALLOWED_HOSTS


def closed_port():
    """A loopback port nothing listens on: bound once by the system, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthz_answers_ok_with_any_host_header_and_no_database_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.django_db
def test_healthz_is_answered_over_plain_http_where_every_other_page_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/", HTTP_HOST="testserver").status_code == 301
    response = client.get("/healthz", HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_answers_ready_when_database_cache_and_storage_answer(client):
    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert response.content == b"ready"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_set_no_cookie_and_forbid_storing_the_answer(client, path):
    response = client.get(path, HTTP_HOST=PROBE_HOST)
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Content-Security-Policy" not in response.headers  # no other middleware ran


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_never_served_from_the_page_cache(client, settings, path):
    settings.PAGE_CACHE_ENABLED = True
    first = client.get(path)
    second = client.get(path)
    assert (first.status_code, second.status_code) == (200, 200)
    assert "X-Page-Cache" not in first.headers
    assert "X-Page-Cache" not in second.headers


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_head_is_answered_like_get_without_a_body(client, path):
    response = client.head(path, HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_refuse_other_methods_with_405(client, path, method):
    response = getattr(client, method)(path, HTTP_HOST=PROBE_HOST)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


PROBE_TWICE = """
import logging, sys
import django
django.setup()
# Everything any logger says reaches stderr, so that the test sees every line a probe would log.
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="LOG %(levelname)s %(name)s %(message)s", force=True)
from django.test import Client
client = Client()
for _ in range(2):
    response = client.get("/readyz", HTTP_HOST="10.20.30.40")
    print(response.status_code, response.content.decode(), response["Cache-Control"], bool(response.cookies))
"""


def probe_readyz_in_a_process(tmp_path, **environ):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "WEB_REPLICAS"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings_test", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", PROBE_TWICE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def assert_not_ready_and_logged_once(result, part, words_never_shown):
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["503 not ready no-store False"] * 2, result.stderr
    for word in words_never_shown:
        assert word not in result.stdout
    log_lines = [line for line in result.stderr.splitlines() if line.startswith("LOG ")]
    # One warning for two failing probes, naming what failed; no "Service Unavailable: /readyz" per request.
    assert len(log_lines) == 1, result.stderr
    assert log_lines[0].startswith("LOG WARNING newsletter.health /readyz：本副本未就绪：")
    assert part in log_lines[0]


def test_readyz_is_503_when_the_database_is_unreachable_and_the_body_does_not_say_why(tmp_path):
    port = closed_port()
    result = probe_readyz_in_a_process(tmp_path, DATABASE_URL=f"postgres://probe@127.0.0.1:{port}/newsletter")
    assert_not_ready_and_logged_once(result, "数据库：OperationalError", ["数据库", "database", str(port)])


def test_readyz_is_503_when_the_cache_is_unreachable_and_the_body_does_not_say_why(tmp_path):
    port = closed_port()
    result = probe_readyz_in_a_process(tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    assert_not_ready_and_logged_once(result, "缓存：ConnectionError", ["缓存", "cache", "redis", str(port)])
    assert "数据库" not in result.stderr  # the database did answer: only what failed is named
