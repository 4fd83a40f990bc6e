"""Review of issue 17: several web replicas start with TASK_BACKEND unset (immediate), so the readers'
requests render PDFs in-process — what the issue forbids for replicas ("A web request never renders
a PDF") — and the e-mails and public-copy syncs are never retried. WEB_REPLICAS>1 already refuses to
start without Redis and a bucket; the queue is the third thing replicas must share.

Each case starts Django in a fresh process with production settings, as tests/test_replicas_settings.py does.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = {"REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "WEB_REPLICAS", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE"}
START = "import django; django.setup(); from django.conf import settings; print('started', settings.TASKS)"


def test_two_web_replicas_refuse_to_start_with_tasks_run_inside_the_web_requests(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in SHARED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        WEB_REPLICAS="2",
        REDIS_URL="redis://127.0.0.1:1/0",
        AWS_STORAGE_BUCKET_NAME="newsletter",
    )
    result = subprocess.run([sys.executable, "-c", START], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode != 0, f"started with the in-process backend: {result.stdout.strip()}"
    assert "TASK_BACKEND" in result.stderr.strip().splitlines()[-1]
