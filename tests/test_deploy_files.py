"""docker-compose.yml, the Dockerfile and the nginx template keep their promises (README, 部署).

There is no Docker engine here: these read the files as Docker and nginx would, and start Django with
the very environment compose gives the web replicas.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
NGINX = (ROOT / "deploy" / "nginx.conf.template").read_text()


def interpolated(value):
    """Compose's ${NAME:-default} with nothing set in the environment: the defaults."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))


def app_environment():
    return {name: interpolated(value) for name, value in SERVICES["web"]["environment"].items()}


def test_compose_runs_every_service_the_deployment_needs():
    assert set(SERVICES) == {"db", "redis", "minio", "createbucket", "migrate", "web", "worker", "proxy"}
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert SERVICES["createbucket"]["image"] == "minio/mc"


def test_two_web_replicas_without_a_host_port_run_gunicorn_behind_the_proxy():
    web = SERVICES["web"]
    assert web["deploy"]["replicas"] == 2
    assert "ports" not in web
    assert "command" not in web  # the image's CMD: gunicorn -c config/gunicorn.conf.py config.wsgi
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]' in (ROOT / "Dockerfile").read_text()
    assert SERVICES["proxy"]["ports"] == ["8000:8000"]


def test_web_and_worker_start_only_after_the_one_shot_migration():
    for name in ("web", "worker"):
        assert SERVICES[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert SERVICES["migrate"]["depends_on"]["createbucket"] == {"condition": "service_completed_successfully"}
    assert "migrate --noinput" in " ".join(SERVICES["migrate"]["command"])
    assert SERVICES["worker"]["command"] == ["python", "manage.py", "run_worker"]


def test_healthchecks_use_readyz_for_the_replicas_and_healthz_through_the_proxy():
    assert "/readyz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(SERVICES["proxy"]["healthcheck"]["test"])


def test_the_bucket_makes_only_its_public_prefix_anonymously_readable():
    script = " ".join(SERVICES["createbucket"]["command"])
    assert 'mc anonymous set download "local/$$MEDIA_BUCKET/public/"' in script
    assert script.count("mc anonymous set") == 1


def test_the_app_environment_is_the_multi_replica_one_and_serves_no_media_itself():
    env = app_environment()
    assert env["WEB_REPLICAS"] == "2"
    assert env["TASK_BACKEND"] == "database"
    assert env["REDIS_URL"] and env["DATABASE_URL"].startswith("postgres://")
    assert env["AWS_STORAGE_BUCKET_NAME"] == "newsletter"
    assert "SERVE_MEDIA" not in (ROOT / "docker-compose.yml").read_text()


def test_public_copies_are_routed_by_the_proxy_where_their_urls_point():
    env = app_environment()
    assert env["AWS_S3_CUSTOM_DOMAIN"] == f"localhost:8000/{env['AWS_STORAGE_BUCKET_NAME']}"
    assert "location /${MEDIA_BUCKET}/public/ {" in NGINX
    assert interpolated(SERVICES["proxy"]["environment"]["MEDIA_BUCKET"]) == env["AWS_STORAGE_BUCKET_NAME"]


def test_the_proxy_accepts_an_upload_as_large_as_the_admin_import_does():
    size = re.search(r"client_max_body_size (\d+)m;", NGINX)
    assert int(size.group(1)) * 1024 * 1024 >= settings.IMPORT_UPLOAD_MAX_BYTES


def test_django_starts_with_the_environment_compose_gives_the_replicas(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "REDIS_", "WEB_"))}
    env.update(app_environment())
    # The database and cache are not reached by setup(); only the settings are read and checked.
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.WEB_REPLICAS, s.CACHES['default']['BACKEND'], s.DATABASES['default']['HOST'], s.AWS_S3_URL_PROTOCOL)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["2", "django.core.cache.backends.redis.RedisCache", "db", "http:"], result.stderr
