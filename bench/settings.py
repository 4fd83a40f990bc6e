"""Settings for the benchmark: production settings (DEBUG off, whitenoise, manifest static files) on the
bench's own database, plain HTTP on loopback, and the page cache switched by ``BENCH_PAGE_CACHE``.

The database: with ``DATABASE_URL`` set, a database named ``<name>_bench`` on the same server (a name
that already ends in ``_bench`` is used as it is); otherwise SQLite in ``bench/bench.sqlite3``.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")

from config.settings import *  # noqa: E402,F403
from config.settings import BASE_DIR, DATABASES, env_bool  # noqa: E402

BENCH_DIR = BASE_DIR / "bench"


def bench_database_name(name):
    return name if name.endswith("_bench") else f"{name}_bench"


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = str(BENCH_DIR / "bench.sqlite3")
else:
    DATABASES["default"]["NAME"] = bench_database_name(DATABASES["default"]["NAME"])

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# wrk and the test client speak plain HTTP on loopback; HTTPS redirects would measure nothing.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SITE_URL = "http://127.0.0.1:8000"

STATIC_ROOT = BENCH_DIR / "staticfiles"
MEDIA_ROOT = BENCH_DIR / "media"
CONTENT_VERSION_FILE = BENCH_DIR / "content-version"

# "cold" = page cache off (every request does the work), "warm" = page cache on and primed.
PAGE_CACHE_ENABLED = env_bool("BENCH_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = globals().get("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_ALIAS = globals().get("PAGE_CACHE_ALIAS", "default")
CONTENT_VERSION_IN_CACHE = globals().get("CONTENT_VERSION_IN_CACHE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
