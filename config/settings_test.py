"""Test settings: production settings with what a test run cannot have (TLS, collected static files)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True  # no collected static folder in tests
# Tasks run in-process when enqueued (after the commit), whatever TASK_BACKEND the shell has: tests
# see the PDF and the e-mail at once. Tests of the queue itself switch to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Uploaded files from tests go to a throw-away folder, never into the project.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="newsletter-test-media-"))
CONTENT_VERSION_FILE = MEDIA_ROOT / "content-version"
IMPORT_PENDING_DIR = Path(tempfile.mkdtemp(prefix="newsletter-test-pending-"))
STORAGES["import_pending"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": IMPORT_PENDING_DIR},
}
