"""The page cache's cheap hit path (issue 7): it runs before the security and CSP middleware, yet a
cached page carries the same security headers as a fresh one, HTTPS redirects still happen, and the
content version read through a stat() of its file never misses a bump, however close together."""

import os

import pytest
from django.core.cache import cache

from newsletter import cache as page_cache
from newsletter.models import Issue
from tests import factories

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "ETag",
    "Content-Type",
)


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_issue(db):
    issue = factories.issue(status=Issue.Status.PUBLISHED)
    factories.article(issue=issue, title="缓存命中的文章", section="上海")
    return issue


def test_a_cached_page_carries_the_same_security_headers_as_the_fresh_one(client, public_issue):
    url = public_issue.get_absolute_url()
    miss = client.get(url)
    hit = client.get(url)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for header in SECURITY_HEADERS:
        assert hit.has_header(header), header
        assert hit[header] == miss[header], header
    assert "frame-ancestors 'none'" in hit["Content-Security-Policy"]
    assert hit.content == miss.content
    assert not hit.cookies


def test_plain_http_is_still_redirected_when_the_https_page_is_cached(client, public_issue, settings):
    settings.SECURE_SSL_REDIRECT = True
    url = public_issue.get_absolute_url()
    assert client.get(url, secure=True)["X-Page-Cache"] == "miss"
    assert client.get(url, secure=True)["X-Page-Cache"] == "hit"
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_every_bump_is_seen_at_once_even_several_within_one_clock_tick(settings, tmp_path):
    settings.CONTENT_VERSION_IN_CACHE = False
    settings.CONTENT_VERSION_FILE = tmp_path / "content-version"
    seen = set()
    for _ in range(200):
        token = page_cache.bump("test")
        assert page_cache.current_version() == token
        assert page_cache.current_version() == token
        seen.add(token)
    assert len(seen) == 200


def test_a_settled_version_file_is_not_read_again_until_it_changes(settings, tmp_path):
    settings.CONTENT_VERSION_IN_CACHE = False
    settings.CONTENT_VERSION_FILE = path = tmp_path / "content-version"
    token = page_cache.bump("test")
    settled = path.stat().st_mtime_ns - 5_000_000_000
    os.utime(path, ns=(settled, settled))
    assert page_cache.current_version() == token  # read once, remembered
    # Same inode, size and mtime but other bytes: only a process that did not read again keeps the token.
    text = path.read_text()
    path.write_text("x" * len(token) + text[len(token) :])
    os.utime(path, ns=(settled, settled))
    assert page_cache.current_version() == token
    newer = page_cache.bump("after")  # a real bump replaces the file: seen at once
    assert page_cache.current_version() == newer
