"""``manage.py run_worker`` as a process: its ticks publish what is due, and SIGTERM stops it cleanly.

The worker runs in a subprocess on its own SQLite file (migrated here), as it runs in production;
every wait is bounded and the process is stopped by its PID.
"""

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def manage(env, *args, timeout=300):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{seconds} 秒内未等到：{what}")


def issue_status(database, pk):
    with sqlite3.connect(database) as db:
        return db.execute("SELECT status FROM newsletter_issue WHERE id = ?", (pk,)).fetchone()[0]


def test_the_worker_publishes_a_due_issue_on_its_tick_and_stops_cleanly_on_sigterm(tmp_path):
    database = tmp_path / "worker.sqlite3"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "TASK_BACKEND": "database",
        "WORKER_TICK_SECONDS": "0.5",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CONTENT_VERSION_FILE": str(tmp_path / "content-version"),
        "IMPORT_PENDING_DIR": str(tmp_path / "pending"),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    manage(env, "migrate", "--noinput")
    pk = manage(
        env,
        "shell",
        "-c",
        "import datetime; from django.utils import timezone; from tests import factories; "
        "i = factories.issue(status='scheduled', published_at=timezone.now() - datetime.timedelta(minutes=1)); "
        "factories.article(i); print(i.pk)",
    ).split()[-1]
    assert issue_status(database, pk) == "scheduled"

    log = open(tmp_path / "worker.log", "w+")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        wait_for(lambda: issue_status(database, pk) == "published", 60, "worker 发布到期的定时期刊")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        log.seek(0)
        output = log.read()
        log.close()
    assert "worker 已启动" in output
    assert "Traceback" not in output, output[-3000:]
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT task_path, status FROM django_tasks_database_dbtaskresult").fetchall()
    assert ("newsletter.tasks.publish_due", "SUCCESSFUL") in rows


def test_with_the_immediate_backend_the_worker_says_it_is_not_needed_and_exits():
    out = io.StringIO()
    call_command("run_worker", stdout=out)
    assert "不需要 worker" in out.getvalue()
