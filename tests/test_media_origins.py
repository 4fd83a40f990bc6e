"""With a bucket, /media/ redirects images to another origin: the page's Content-Security-Policy allows
exactly that origin (the bucket for signed URLs, the CDN for public copies) and no other.

Settings are read once per process, so each case starts Django in a fresh one, as gunicorn would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_IMG_SRC = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
)


def img_src(tmp_path, **environ):
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db'}")
    env.update(environ)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_IMG_SRC], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_bucket_images_load_only_from_the_site_itself(tmp_path):
    assert img_src(tmp_path) == ["'self'", "data:"]


def test_with_a_path_style_bucket_images_may_load_from_its_endpoint_only(tmp_path):
    sources = img_src(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="newsletter-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_ADDRESSING_STYLE="path",
    )
    assert sources == ["'self'", "data:", "http://127.0.0.1:9000"]


def test_a_cdn_for_public_copies_is_allowed_beside_the_bucket_that_signs_staff_urls(tmp_path):
    sources = img_src(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="newsletter-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
        AWS_S3_ADDRESSING_STYLE="virtual",
        AWS_S3_CUSTOM_DOMAIN="cdn.example.org",
    )
    assert sources == [
        "'self'",
        "data:",
        "https://s3.example.org",
        "https://newsletter-media.s3.example.org",
        "https://cdn.example.org",
    ]
