"""Settings, driven by environment variables so one code base serves a laptop, CI and production."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A guessable key in production would let anyone forge sessions and preview links.
        raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY 环境变量（或设置 DEBUG=1 用于开发）。")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "csp",
    "axes",
    # The article body's rich-text editor (ProseMirror/Tiptap) and the import-map/ES-module media it needs.
    "js_asset",
    "django_prose_editor",
    # Background tasks (issue 17): the django-tasks backport of Django 6's Tasks framework and its
    # database backend; the app config only gives the admin section a Chinese name.
    "django_tasks",
    "newsletter.task_app.TasksDatabaseConfig",
    "regions",
    "newsletter",
]

MIDDLEWARE = [
    # First: a load balancer's /healthz and /readyz probes, answered before anything that checks the
    # Host header, logs, redirects to HTTPS, reads the page cache or a session (newsletter/health.py).
    "newsletter.health.HealthCheckMiddleware",
    # ETags and 304 answers for every GET, cached pages included.
    "django.middleware.http.ConditionalGetMiddleware",
    # Then the page cache: a cached anonymous page needs none of the work below. The headers the
    # security and CSP middleware add are stored with the page on a miss (see newsletter/middleware.py).
    "newsletter.middleware.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsletter.request_guards.RejectNullBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, and only with DEBUG: the site's Chinese 404 page instead of Django's technical one.
    "newsletter.debug_not_found.DebugNotFoundMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsletter.context_processors.site_links",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Editors save while readers read; WAL and a busy timeout keep SQLite from answering "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Connections are kept (CONN_MAX_AGE) here too: opening one and running those PRAGMAs cost more
    # than an uncached issue page's query (through gunicorn, 761 → 1231 pages/s when kept).
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare the statements a connection runs again and again (the
    # issue page's query above all), so PostgreSQL stops planning them on every request: measured
    # with the page cache off, 0.50 → 0.17 ms of database CPU per issue page. A connection pooler
    # in transaction mode (PgBouncer) cannot keep prepared statements: set DATABASE_PREPARE_THRESHOLD=off.
    _prepare_threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip().lower()
    if _prepare_threshold not in {"off", "none", "0", ""}:
        if not _prepare_threshold.isdigit():
            raise ImproperlyConfigured("DATABASE_PREPARE_THRESHOLD 须为正整数或 off。")
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(_prepare_threshold)
        )

# Caching: local memory by default, Redis when REDIS_URL is set (shared by all workers and hosts).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsletter",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Replicas (issue 17): how many web processes on different machines (or containers) serve the site.
# Each replica has its own memory and disk, so with more than one everything a request needs must be
# shared: the page cache and its content version in Redis, figures, PDFs and pending imports in the
# bucket. Sessions and login throttling (axes) live in the database already. Refuse to start rather
# than serve stale pages from one replica or 404s for files another replica wrote.
_web_replicas = os.environ.get("WEB_REPLICAS", "").strip() or "1"
if not _web_replicas.isdigit() or int(_web_replicas) < 1:
    raise ImproperlyConfigured(f"WEB_REPLICAS 须为正整数，当前为「{_web_replicas}」。")
WEB_REPLICAS = int(_web_replicas)
if WEB_REPLICAS > 1:
    _replica_needs = {
        "REDIS_URL": "各副本共用的页面缓存和内容版本",
        "AWS_STORAGE_BUCKET_NAME": "各副本共用的图片、印刷版 PDF 和待导入文件",
    }
    _missing = [f"{name}（{why}）" for name, why in _replica_needs.items() if not os.environ.get(name, "").strip()]
    if _missing:
        raise ImproperlyConfigured(
            f"WEB_REPLICAS={WEB_REPLICAS}：多个 Web 副本不能各用自己的内存和磁盘，必须设置 {'、'.join(_missing)}。"
        )

# Sessions stay in the database (Django's default, said here on purpose): only signed-in staff and readers
# of a preview link have one (the page cache serves everyone else without), every replica sees them, and
# unlike a cache they survive a Redis restart or eviction — an editor is never signed out mid-edit, a
# preview link's figure grants (newsletter/previews.py) hold on whichever replica the next request reaches.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The scheme of public copies' URLs under AWS_S3_CUSTOM_DOMAIN (django-storages reads this name): https:
# for a CDN; docker compose serves them through its plain-HTTP proxy on localhost (http:).
AWS_S3_URL_PROTOCOL = os.environ.get("AWS_S3_URL_PROTOCOL") or "https:"

PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
# Where the content version lives: in the cache when it is shared (Redis), else in a file all
# worker processes on this host can see.
CONTENT_VERSION_IN_CACHE = bool(REDIS_URL)
CONTENT_VERSION_FILE = Path(os.environ.get("CONTENT_VERSION_FILE", BASE_DIR / "var" / "content-version"))

# Tasks (issue 17): PDFs, public-file syncs, workflow e-mail and scheduled publication run as tasks
# (newsletter/tasks.py). "immediate" (default) runs each task in-process when it is enqueued, after
# the commit — `make run` and `make test` need no worker. "database" stores them in the database the
# site already has; `manage.py run_worker` runs them, retries failures and recovers lost ones.
TASK_BACKEND = os.environ.get("TASK_BACKEND", "immediate").strip().lower() or "immediate"
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND 只能是 immediate 或 database，当前为「{TASK_BACKEND}」。")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND]}}
if WEB_REPLICAS > 1 and TASK_BACKEND != "database":
    # In-process tasks would render PDFs inside readers' and editors' requests and never retry a failure.
    raise ImproperlyConfigured(
        f"WEB_REPLICAS={WEB_REPLICAS}：多个 Web 副本时必须设置 TASK_BACKEND=database，"
        "由 worker（python manage.py run_worker）执行后台任务。"
    )
# A failing task is tried again after TASK_RETRY_SECONDS, then twice that, four times … until
# TASK_MAX_ATTEMPTS attempts in all; then it stays failed, with its traceback in the admin.
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "5"))
TASK_RETRY_SECONDS = int(os.environ.get("TASK_RETRY_SECONDS", "10"))
# A task RUNNING for longer than this is taken as lost (its worker was killed) and retried.
TASK_LEASE_SECONDS = int(os.environ.get("TASK_LEASE_SECONDS", "900"))
# How often run_worker does its periodic duties (scheduled issues, lost tasks, missing PDFs).
WORKER_TICK_SECONDS = float(os.environ.get("WORKER_TICK_SECONDS", "30"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# One language, so no LocaleMiddleware: it would pick the same one on every request and add
# "Vary: Accept-Language", which splits shared caches for nothing (and costs ~2% of an uncached page).
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Our own translations: Chinese labels for django-prose-editor's dialogs (its catalog has no zh_Hans).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# /media/<name> is always routed through Django (newsletter/media.py): it is the access check. With
# local files it streams them; with a bucket it only redirects (302) to the public copy or a signed
# URL, so production keeps the route and no proxy ever serves MEDIA_ROOT or the bucket by itself.

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Object storage (issue 17): with AWS_STORAGE_BUCKET_NAME set, figures and PDFs are private objects in an
# S3-compatible bucket (django-storages); readers get public copies under public/ made when an issue is
# public (newsletter/public_files.py), staff and preview links get short-lived signed URLs. Unset: local
# files in MEDIA_ROOT, exactly as before.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
# An ACL for public copies where the bucket honours object ACLs (public-read); empty where a bucket
# policy makes the public/ prefix readable (MinIO, AWS with ACLs disabled).
MEDIA_PUBLIC_ACL = os.environ.get("MEDIA_PUBLIC_ACL", "")
MEDIA_SIGNED_URL_SECONDS = int(os.environ.get("MEDIA_SIGNED_URL_SECONDS", "300"))
if AWS_STORAGE_BUCKET_NAME:
    _bucket_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or "us-east-1",
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        # Signature version 4 everywhere (MinIO and newer AWS regions accept no other): X-Amz-Expires in signed URLs.
        "signature_version": "s3v4",
        # A CDN in front of the bucket: used for public copies only, never for signed URLs.
        "public_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
        "public_acl": MEDIA_PUBLIC_ACL,
        "querystring_expire": MEDIA_SIGNED_URL_SECONDS,
    }
    STORAGES["default"] = {"BACKEND": "newsletter.storage.MediaStorage", "OPTIONS": _bucket_options}


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# With the bucket, /media/ answers with a redirect: to the public copies' address (the CDN, else the
# bucket) or to a signed URL of the bucket. Pages may load images from there and nowhere else.
MEDIA_ORIGINS = []
if AWS_STORAGE_BUCKET_NAME:
    _endpoint = os.environ.get("AWS_S3_ENDPOINT_URL") or "https://*.amazonaws.com"
    _cdn = os.environ.get("AWS_S3_CUSTOM_DOMAIN")
    _virtual = ""  # virtual-hosted addressing puts the bucket in the host name
    if os.environ.get("AWS_S3_ADDRESSING_STYLE") != "path" and _origin(_endpoint):
        _parts = urlsplit(_endpoint)
        _virtual = f"{_parts.scheme}://{AWS_STORAGE_BUCKET_NAME}.{_parts.netloc}"
    for _url in (_endpoint, _virtual, f"{AWS_S3_URL_PROTOCOL}//{_cdn}" if _cdn else ""):
        if _url and _origin(_url) and _origin(_url) not in MEDIA_ORIGINS:
            MEDIA_ORIGINS.append(_origin(_url))

# Email: console in development, SMTP when EMAIL_HOST is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "双周决策观察 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The domain in feed entry ids (tag: URIs). Ids must never change: set this once before launch,
# so that moving SITE_URL to another host later does not re-deliver every item to subscribers.
FEED_TAG_AUTHORITY = os.environ.get("FEED_TAG_AUTHORITY", "")

# Absolute URLs outside a request (emails, feeds built by commands, QR codes).
# An empty SITE_URL= in the environment means "not set", not "no host".
SITE_URL = (os.environ.get("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

# Uploaded figures: only real raster images, within these limits.
FIGURE_MAX_BYTES = int(os.environ.get("FIGURE_MAX_BYTES", str(10 * 1024 * 1024)))
FIGURE_MAX_PIXELS = int(os.environ.get("FIGURE_MAX_PIXELS", str(40_000_000)))
# Larger images are stored downscaled to this: 8 Mpx covers a 2x screen at full width and an A4
# print figure at 300 dpi; what is beyond only costs disk, bandwidth and decode memory.
FIGURE_STORED_MAX_PIXELS = int(os.environ.get("FIGURE_STORED_MAX_PIXELS", str(8_000_000)))
# Networks the editor's 「下载此图」 may fetch from although they are not public (newsletter.image_fetch
# refuses private, loopback and link-local addresses). Empty in production; tests add the loopback.
FIGURE_FETCH_ALLOWED_NETWORKS = []
# The admin import's uploaded files wait here between the preview and the confirmation
# (newsletter/admin/pending_uploads.py): private, never under MEDIA_ROOT, never served.
IMPORT_PENDING_DIR = Path(
    os.environ.get("IMPORT_PENDING_DIR") or Path(tempfile.gettempdir()) / "newsletter-import-pending"
)
# With a bucket, the pending files wait in it (under import-pending/), so that a preview on one web
# replica can be confirmed on another; else in that folder, which the code uses directly.
STORAGES["import_pending"] = (
    {"BACKEND": "newsletter.storage.MediaStorage", "OPTIONS": {**_bucket_options, "location": "import-pending"}}
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": IMPORT_PENDING_DIR}}
)
IMPORT_PENDING_HOURS = int(os.environ.get("IMPORT_PENDING_HOURS", "24"))
IMPORT_UPLOAD_MAX_BYTES = int(os.environ.get("IMPORT_UPLOAD_MAX_BYTES", str(100 * 1024 * 1024)))  # one preview
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Workflow: a reviewer may not approve an issue they submitted themselves.
NEWSLETTER_FORBID_SELF_APPROVAL = env_bool("NEWSLETTER_FORBID_SELF_APPROVAL", True)
NEWSLETTER_PREVIEW_LINK_DAYS = int(os.environ.get("NEWSLETTER_PREVIEW_LINK_DAYS", "7"))

TAGGIT_CASE_INSENSITIVE = True
# Tag names typed in the admin get the same single-line rule as every other name (newsletter/text_input.py).
TAGGIT_TAGS_FROM_STRING = "newsletter.text_input.parse_tags"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_probes": {"()": "newsletter.health.QuietProbes"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # No line per load-balancer probe (/healthz, /readyz), whatever it answers.
    "loggers": {"django.request": {"filters": ["quiet_probes"]}},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): no inline or third-party scripts anywhere. Inline styles
# stay allowed for the admin's widgets and the WeChat preview, which is styled inline by design.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # The nonce is sent only on pages that use it: the article editor's import map (an inline
        # <script type="importmap"> that django-prose-editor's ES modules need).
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked out for AXES_COOLOFF_TIME.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Cut to axes' 255-character column: a longer name gets the normal failure, not a PostgreSQL error.
AXES_USERNAME_CALLABLE = "newsletter.login_throttle.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，账号已暂时锁定，请稍后再试。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，账号已锁定，请联系管理员。"
if env_bool("BEHIND_TLS_PROXY", False):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Where a sign-in without a usable "next" lands: the editors' workbench, not a missing profile page.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# The article body's editor: our Tiptap extensions, as ES modules (see newsletter/admin/body_editor.py).
# Each entry is a module and the extensions it exports, with the allow-list processor django-prose-editor
# would use if its own sanitiser were on (ours is newsletter/body_format.py).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("newsletter/editor/figures.js")],
        "extensions": {"NewsletterFigure": "newsletter.admin.body_editor.figure_processor"},
    },
    {
        "js": [static_lazy("newsletter/editor/labels.js")],
        "extensions": {"NewsletterLabels": "newsletter.admin.body_editor.no_markup_processor"},
    },
    {
        # Paste cleaned on the server (newsletter/paste.py); adds no markup of its own.
        "js": [static_lazy("newsletter/editor/paste.js")],
        "extensions": {"NewsletterPaste": "newsletter.admin.body_editor.no_markup_processor"},
    },
    {
        # Dropping or pasting an image file uploads it as a Figure; 「下载此图」 for pasted web images.
        "js": [static_lazy("newsletter/editor/figure_upload.js")],
        "extensions": {"NewsletterFigureUpload": "newsletter.admin.body_editor.no_markup_processor"},
    },
]
