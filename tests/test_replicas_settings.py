"""WEB_REPLICAS: with more than one web replica, the settings refuse to start without what they must share.

Each case starts Django in a fresh process, as gunicorn would, with production settings (config.settings).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = {"REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "WEB_REPLICAS", "TASK_BACKEND", "DJANGO_SETTINGS_MODULE"}
START = "import django; django.setup(); from django.conf import settings; print('started', settings.WEB_REPLICAS)"


def start_django(tmp_path, **environ):
    env = {key: value for key, value in os.environ.items() if key not in SHARED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **environ,
    )
    return subprocess.run([sys.executable, "-c", START], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def refusal(result):
    assert result.returncode != 0, result.stdout
    assert "started" not in result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: ")
    return last


def test_one_replica_is_the_default_and_needs_neither_redis_nor_a_bucket(tmp_path):
    result = start_django(tmp_path)
    assert result.stdout.split() == ["started", "1"], result.stderr


def test_two_replicas_without_redis_or_a_bucket_refuse_to_start_naming_both(tmp_path):
    message = refusal(start_django(tmp_path, WEB_REPLICAS="2"))
    assert "WEB_REPLICAS=2：多个 Web 副本不能各用自己的内存和磁盘，必须设置 " in message
    assert "REDIS_URL（各副本共用的页面缓存和内容版本）" in message
    assert "AWS_STORAGE_BUCKET_NAME（各副本共用的图片、印刷版 PDF 和待导入文件）" in message
    assert message.endswith("。")


def test_two_replicas_with_redis_but_no_bucket_refuse_to_start_naming_only_the_bucket(tmp_path):
    message = refusal(start_django(tmp_path, WEB_REPLICAS="2", REDIS_URL="redis://127.0.0.1:6399/0"))
    assert "AWS_STORAGE_BUCKET_NAME" in message
    assert "REDIS_URL" not in message


def test_two_replicas_with_a_bucket_but_no_redis_refuse_to_start_naming_only_redis(tmp_path):
    message = refusal(start_django(tmp_path, WEB_REPLICAS="2", AWS_STORAGE_BUCKET_NAME="newsletter"))
    assert "REDIS_URL" in message
    assert "AWS_STORAGE_BUCKET_NAME" not in message


def test_two_replicas_with_redis_a_bucket_and_the_database_queue_start(tmp_path):
    result = start_django(
        tmp_path,
        WEB_REPLICAS="2",
        REDIS_URL="redis://127.0.0.1:6399/0",
        AWS_STORAGE_BUCKET_NAME="newsletter",
        TASK_BACKEND="database",
    )
    assert result.stdout.split() == ["started", "2"], result.stderr


def test_a_replica_count_that_is_not_a_positive_number_is_refused(tmp_path):
    for value in ("two", "0", "-1"):
        message = refusal(start_django(tmp_path, WEB_REPLICAS=value))
        assert f"WEB_REPLICAS 须为正整数，当前为「{value}」。" in message
